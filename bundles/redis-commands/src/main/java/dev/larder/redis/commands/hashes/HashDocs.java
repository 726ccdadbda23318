package dev.larder.redis.commands.hashes;

import static dev.larder.redis.api.CommandArgument.block;
import static dev.larder.redis.api.CommandArgument.key;
import static dev.larder.redis.api.CommandArgument.string;

import dev.larder.redis.api.CommandDocs;
import dev.larder.redis.api.CommandDocs.Group;

/** COMMAND DOCS for the hash commands: argument structures and versions as Redis has them, summaries in our words. */
final class HashDocs {

    private HashDocs() {
    }

    static final CommandDocs HSET = CommandDocs.summary("Sets fields of a hash to values, creating the hash if need be.")
            .since("2.0.0").group(Group.HASH)
            .complexity("O(1) per field given, so O(N) for N fields.")
            .history("4.0.0", "Several field and value pairs may be given.")
            .arguments(key("key", 0), block("field_value", string("field"), string("value")).multiple())
            .build();
}
