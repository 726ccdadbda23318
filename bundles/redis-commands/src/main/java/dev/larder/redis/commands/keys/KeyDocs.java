package dev.larder.redis.commands.keys;

import static dev.larder.redis.api.CommandArgument.integer;
import static dev.larder.redis.api.CommandArgument.key;
import static dev.larder.redis.api.CommandArgument.oneOf;
import static dev.larder.redis.api.CommandArgument.pureToken;

import dev.larder.redis.api.CommandDocs;
import dev.larder.redis.api.CommandDocs.Group;

/** COMMAND DOCS for the keyspace commands: argument structures and versions as Redis has them, summaries in our words. */
final class KeyDocs {

    private KeyDocs() {
    }

    static final CommandDocs DEL = CommandDocs.summary("Removes keys, whatever they hold.")
            .since("1.0.0").group(Group.GENERIC)
            .complexity("O(N) for N keys; a string costs O(1), a collection O(M) for its M elements.")
            .arguments(key("key", 0).multiple())
            .build();

    static final CommandDocs EXPIRE = CommandDocs.summary("Gives a key a time to live in seconds.")
            .since("1.0.0").group(Group.GENERIC).complexity("O(1)")
            .history("7.0.0", "NX, XX, GT and LT were added.")
            .arguments(key("key", 0),
                    integer("seconds"),
                    oneOf("condition", pureToken("nx", "NX"), pureToken("xx", "XX"), pureToken("gt", "GT"), pureToken("lt", "LT"))
                            .since("7.0.0").optional())
            .build();
}
