package dev.larder.redis.commands.streams;

import static dev.larder.redis.api.CommandArgument.block;
import static dev.larder.redis.api.CommandArgument.integer;
import static dev.larder.redis.api.CommandArgument.key;
import static dev.larder.redis.api.CommandArgument.oneOf;
import static dev.larder.redis.api.CommandArgument.pureToken;
import static dev.larder.redis.api.CommandArgument.string;

import dev.larder.redis.api.CommandArgument;
import dev.larder.redis.api.CommandDocs;
import dev.larder.redis.api.CommandDocs.Group;

/**
 * COMMAND DOCS for the stream commands: argument structures and versions as Redis 8.2 has them (XADD
 * and XTRIM's KEEPREF | DELREF | ACKED, XDELEX, XACKDEL), summaries in our words.
 */
final class StreamDocs {

    private StreamDocs() {
    }

    /** KEEPREF | DELREF | ACKED: what happens to the pending entries that name a removed entry. */
    private static CommandArgument references() {
        return oneOf("condition", pureToken("keepref", "KEEPREF"), pureToken("delref", "DELREF"), pureToken("acked", "ACKED"));
    }

    /** {@code <MAXLEN | MINID> [= | ~] threshold [LIMIT count]} */
    private static CommandArgument trim() {
        return block("trim",
                oneOf("strategy", pureToken("maxlen", "MAXLEN"), pureToken("minid", "MINID").since("6.2.0")),
                oneOf("operator", pureToken("equal", "="), pureToken("approximately", "~")).optional(),
                string("threshold"),
                integer("count").token("LIMIT").since("6.2.0").optional());
    }

    /** IDS numids id [id ...] */
    private static CommandArgument ids() {
        return block("ids", integer("numids"), string("id").multiple()).token("IDS");
    }

    /** STREAMS key [key ...] id [id ...] */
    private static CommandArgument streams() {
        return block("streams", key("key", 0).multiple(), string("id").multiple()).token("STREAMS");
    }

    static final CommandDocs XADD = CommandDocs.summary("Appends an entry to a stream (made if missing), then may trim it.")
            .since("5.0.0").group(Group.STREAM)
            .complexity("O(1) to add the entry, plus O(N) for the N entries a trim removes.")
            .history("6.2.0", "NOMKSTREAM, the MINID strategy and LIMIT were added.")
            .history("7.0.0", "An explicit ID may be given as <ms>-* (the sequence chosen by the server).")
            .history("8.2.0", "KEEPREF, DELREF and ACKED were added.")
            .arguments(key("key", 0),
                    pureToken("nomkstream", "NOMKSTREAM").since("6.2.0").optional(),
                    references().since("8.2.0").optional(),
                    trim().optional(),
                    oneOf("id_or_auto", pureToken("auto_id", "*"), string("id")),
                    block("field_value", string("field"), string("value")).multiple())
            .build();

    static final CommandDocs XTRIM = CommandDocs.summary("Removes a stream's oldest entries, down to a length or up to an ID.")
            .since("5.0.0").group(Group.STREAM)
            .complexity("O(N) for the N entries removed, each cheap: whole nodes of entries are freed at once.")
            .history("6.2.0", "The MINID strategy and LIMIT were added.")
            .history("8.2.0", "KEEPREF, DELREF and ACKED were added.")
            .arguments(key("key", 0), trim(), references().since("8.2.0").optional())
            .build();

    static final CommandDocs XDELEX = CommandDocs.summary("Deletes stream entries, choosing what becomes of groups' references to them.")
            .since("8.2.0").group(Group.STREAM)
            .complexity("O(1) per ID, whatever the stream's length.")
            .arguments(key("key", 0), references().optional(), ids())
            .build();

    static final CommandDocs XACKDEL = CommandDocs.summary("Acknowledges entries for a consumer group and deletes them from the stream.")
            .since("8.2.0").group(Group.STREAM)
            .complexity("O(1) per ID.")
            .arguments(key("key", 0), string("group"), references().optional(), ids())
            .build();

    static final CommandDocs XREAD = CommandDocs.summary("Reads the entries after the given IDs of streams; may wait for some.")
            .since("5.0.0").group(Group.STREAM)
            .complexity("O(N) per stream for N entries returned; while clients wait (BLOCK), XADD serves M of them in O(M).")
            .arguments(integer("count").token("COUNT").optional(),
                    integer("milliseconds").token("BLOCK").optional(),
                    streams())
            .build();

    static final CommandDocs XREADGROUP = CommandDocs.summary("Reads a group's new entries, or a consumer's pending ones; may wait.")
            .since("5.0.0").group(Group.STREAM)
            .complexity("O(M) per stream for M entries returned; while clients wait (BLOCK), XADD serves N of them in O(N).")
            .arguments(block("group_consumer", string("group"), string("consumer")).token("GROUP"),
                    integer("count").token("COUNT").optional(),
                    integer("milliseconds").token("BLOCK").optional(),
                    pureToken("noack", "NOACK").optional(),
                    streams())
            .build();
}
