package dev.larder.redis.commands.streams;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.types.StreamId;
import dev.larder.redis.api.types.StreamValue;
import java.util.Map;

/** XINFO STREAM [FULL [COUNT n]], GROUPS, CONSUMERS and HELP, shaped as Redis 7.0 shapes them (maps in RESP3). */
final class StreamInfo {

    private StreamInfo() {
    }

    static void xinfo(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        String sub = Arguments.subcommand(argv, "xinfo", Map.of("stream", -3, "groups", 3, "consumers", 4, "help", 2));
        if (sub.equals("help")) {
            r.help("XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "CONSUMERS <key> <groupname>",
                    "    Show consumers of <groupname>.",
                    "GROUPS <key>",
                    "    Show the stream consumer groups.",
                    "STREAM <key> [FULL [COUNT <count>]",
                    "    Show information about the stream.",
                    "HELP",
                    "    Print this help.");
            return;
        }
        StreamValue stream = StreamCommands.stream(c, argv[2]);
        if (stream == null) {
            throw RedisException.noSuchKey();
        }
        switch (sub) {
            case "consumers" -> {
                StreamValue.Group group = stream.group(argv[3]);
                if (group == null) {
                    throw new RedisException("NOGROUP No such consumer group '" + Arguments.text(argv[3]) + "' for key name '"
                            + Arguments.text(argv[2]) + "'");
                }
                r.array(group.consumers().size());
                for (StreamValue.Consumer consumer : group.consumers().values()) {
                    r.map(3);
                    r.bulk("name");
                    r.bulk(consumer.name().bytes());
                    r.bulk("pending");
                    r.integer(consumer.pending().size());
                    r.bulk("idle");
                    r.integer(Math.max(0, c.nowMillis() - consumer.seenTime()));
                }
            }
            case "groups" -> {
                r.array(stream.groups().size());
                for (StreamValue.Group group : stream.groups().values()) {
                    r.map(6);
                    r.bulk("name");
                    r.bulk(group.name().bytes());
                    r.bulk("consumers");
                    r.integer(group.consumers().size());
                    r.bulk("pending");
                    r.integer(group.pending().size());
                    r.bulk("last-delivered-id");
                    StreamIds.id(r, group.lastDelivered());
                    groupCounters(r, stream, group);
                }
            }
            default -> stream(c, argv, r, stream);
        }
    }

    private static void groupCounters(Reply r, StreamValue stream, StreamValue.Group group) {
        r.bulk("entries-read");
        if (group.entriesRead() == ConsumerGroupCommands.UNKNOWN) {
            r.nil();
        } else {
            r.integer(group.entriesRead());
        }
        r.bulk("lag");
        Long lag = ConsumerGroupCommands.lag(stream, group);
        if (lag == null) {
            r.nil();
        } else {
            r.integer(lag);
        }
    }

    private static RedisException syntax(byte[][] argv) {
        return new RedisException("ERR unknown subcommand or wrong number of arguments for '" + Arguments.text(argv[1])
                + "'. Try XINFO HELP.");
    }

    private static void stream(CommandContext c, byte[][] argv, Reply r, StreamValue stream) throws RedisException {
        boolean full = argv.length > 3;
        long count = 10;
        if (full) {
            if ((argv.length != 4 && argv.length != 6) || !Arguments.is(argv[3], "FULL")) {
                throw syntax(argv);
            }
            if (argv.length == 6) {
                if (!Arguments.is(argv[4], "COUNT")) {
                    throw syntax(argv);
                }
                count = Arguments.toLong(argv[5]);
                if (count < 0) {
                    count = 10;
                }
            }
        }
        r.map(full ? 9 : 10);
        r.bulk("length");
        r.integer(stream.size());
        r.bulk("radix-tree-keys");
        r.integer(stream.nodeCount());
        r.bulk("radix-tree-nodes");
        // Redis counts the nodes of its radix tree, which depend on how the IDs share prefixes: an estimate here
        r.integer(stream.nodeCount() + 1);
        r.bulk("last-generated-id");
        StreamIds.id(r, stream.lastId());
        r.bulk("max-deleted-entry-id");
        StreamIds.id(r, stream.maxDeletedId());
        r.bulk("entries-added");
        r.integer(stream.entriesAdded());
        r.bulk("recorded-first-entry-id");
        StreamIds.id(r, stream.firstId());
        if (!full) {
            r.bulk("groups");
            r.integer(stream.groups().size());
            r.bulk("first-entry");
            edge(r, stream, stream.entries().firstEntry());
            r.bulk("last-entry");
            edge(r, stream, stream.entries().lastEntry());
            return;
        }
        r.bulk("entries");
        StreamIds.range(r, stream, StreamId.MIN, StreamId.MAX, count, false);
        r.bulk("groups");
        r.array(stream.groups().size());
        for (StreamValue.Group group : stream.groups().values()) {
            r.map(7);
            r.bulk("name");
            r.bulk(group.name().bytes());
            r.bulk("last-delivered-id");
            StreamIds.id(r, group.lastDelivered());
            groupCounters(r, stream, group);
            r.bulk("pel-count");
            r.integer(group.pending().size());
            r.bulk("pending");
            int shown = limited(group.pending().size(), count);
            r.array(shown);
            int written = 0;
            for (Map.Entry<StreamId, StreamValue.Pending> entry : group.pending().entrySet()) {
                if (written++ == shown) {
                    break;
                }
                r.array(4);
                StreamIds.id(r, entry.getKey());
                r.bulk(entry.getValue().consumer().bytes());
                r.integer(entry.getValue().deliveryTime());
                r.integer(entry.getValue().deliveryCount());
            }
            r.bulk("consumers");
            r.array(group.consumers().size());
            for (StreamValue.Consumer consumer : group.consumers().values()) {
                r.map(4);
                r.bulk("name");
                r.bulk(consumer.name().bytes());
                r.bulk("seen-time");
                r.integer(consumer.seenTime());
                r.bulk("pel-count");
                r.integer(consumer.pending().size());
                r.bulk("pending");
                int mine = limited(consumer.pending().size(), count);
                r.array(mine);
                int listed = 0;
                for (Map.Entry<StreamId, StreamValue.Pending> entry : consumer.pending().entrySet()) {
                    if (listed++ == mine) {
                        break;
                    }
                    r.array(3);
                    StreamIds.id(r, entry.getKey());
                    r.integer(entry.getValue().deliveryTime());
                    r.integer(entry.getValue().deliveryCount());
                }
            }
        }
    }

    private static int limited(int size, long count) {
        return (int) (count == 0 ? size : Math.min(size, count));
    }

    private static void edge(Reply r, StreamValue stream, Map.Entry<StreamId, byte[][]> entry) {
        if (entry == null) {
            r.nil();
        } else {
            StreamIds.entry(r, entry.getKey(), entry.getValue());
        }
    }
}
