package dev.larder.redis.commands.strings;

import static dev.larder.redis.api.CommandArgument.integer;
import static dev.larder.redis.api.CommandArgument.key;
import static dev.larder.redis.api.CommandArgument.oneOf;
import static dev.larder.redis.api.CommandArgument.pureToken;
import static dev.larder.redis.api.CommandArgument.string;
import static dev.larder.redis.api.CommandArgument.unixTime;

import dev.larder.redis.api.CommandDocs;
import dev.larder.redis.api.CommandDocs.Group;

/** COMMAND DOCS for the string commands: argument structures and versions as Redis has them, summaries in our words. */
final class StringDocs {

    private StringDocs() {
    }

    static final CommandDocs GET = CommandDocs.summary("Returns the string stored at a key.")
            .since("1.0.0").group(Group.STRING).complexity("O(1)")
            .arguments(key("key", 0))
            .build();

    static final CommandDocs SET = CommandDocs.summary("Stores a string at a key, with an optional condition and expiry.")
            .since("1.0.0").group(Group.STRING).complexity("O(1)")
            .history("2.6.12", "EX, PX, NX and XX were added.")
            .history("6.0.0", "KEEPTTL was added.")
            .history("6.2.0", "GET, EXAT and PXAT were added.")
            .history("7.0.0", "NX and GET may be given together.")
            .arguments(key("key", 0),
                    string("value"),
                    oneOf("condition", pureToken("nx", "NX"), pureToken("xx", "XX")).since("2.6.12").optional(),
                    pureToken("get", "GET").since("6.2.0").optional(),
                    oneOf("expiration",
                            integer("seconds").token("EX").since("2.6.12"),
                            integer("milliseconds").token("PX").since("2.6.12"),
                            unixTime("unix-time-seconds").token("EXAT").since("6.2.0"),
                            unixTime("unix-time-milliseconds").token("PXAT").since("6.2.0"),
                            pureToken("keepttl", "KEEPTTL").since("6.0.0")).optional())
            .build();
}
