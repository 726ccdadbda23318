package dev.larder.redis.commands.bitmaps;

import static dev.larder.redis.api.CommandArgument.key;
import static dev.larder.redis.api.CommandArgument.oneOf;
import static dev.larder.redis.api.CommandArgument.pureToken;

import dev.larder.redis.api.CommandDocs;
import dev.larder.redis.api.CommandDocs.Group;

/** COMMAND DOCS for the bitmap commands: argument structures and versions as Redis 8.2 has them, summaries in our words. */
final class BitmapDocs {

    private BitmapDocs() {
    }

    static final CommandDocs BITOP = CommandDocs.summary("Combines strings bit by bit and stores the result at a key.")
            .since("2.6.0").group(Group.BITMAP).complexity("O(N)")
            .history("8.2.0", "The DIFF, DIFF1, ANDOR and ONE operations were added.")
            .arguments(oneOf("operation",
                            pureToken("and", "AND"), pureToken("or", "OR"), pureToken("xor", "XOR"), pureToken("not", "NOT"),
                            pureToken("diff", "DIFF").since("8.2.0"), pureToken("diff1", "DIFF1").since("8.2.0"),
                            pureToken("andor", "ANDOR").since("8.2.0"), pureToken("one", "ONE").since("8.2.0")),
                    key("destkey", 0),
                    key("key", 1).multiple())
            .build();
}
