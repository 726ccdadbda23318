package dev.larder.redis.commands.sortedsets;

import static dev.larder.redis.api.CommandArgument.block;
import static dev.larder.redis.api.CommandArgument.key;
import static dev.larder.redis.api.CommandArgument.number;
import static dev.larder.redis.api.CommandArgument.oneOf;
import static dev.larder.redis.api.CommandArgument.pureToken;
import static dev.larder.redis.api.CommandArgument.string;

import dev.larder.redis.api.CommandDocs;
import dev.larder.redis.api.CommandDocs.Group;

/** COMMAND DOCS for the sorted set commands: argument structures and versions as Redis has them, summaries in our words. */
final class SortedSetDocs {

    private SortedSetDocs() {
    }

    static final CommandDocs ZADD = CommandDocs.summary("Adds scored members to a sorted set, or changes their scores.")
            .since("1.2.0").group(Group.SORTED_SET)
            .complexity("O(log(N)) per member given, N being the sorted set's size.")
            .history("2.4.0", "Several members may be given.")
            .history("3.0.2", "XX, NX, CH and INCR were added.")
            .history("6.2.0", "GT and LT were added.")
            .arguments(key("key", 0),
                    oneOf("condition", pureToken("nx", "NX"), pureToken("xx", "XX")).since("3.0.2").optional(),
                    oneOf("comparison", pureToken("gt", "GT"), pureToken("lt", "LT")).since("6.2.0").optional(),
                    pureToken("change", "CH").since("3.0.2").optional(),
                    pureToken("increment", "INCR").since("3.0.2").optional(),
                    block("score_member", number("score"), string("member")).multiple())
            .build();
}
