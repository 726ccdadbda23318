package dev.larder.redis.commands.streams;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.types.StreamId;
import dev.larder.redis.api.types.StreamValue;
import dev.larder.redis.commands.BlockingTimeout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * XREAD and XREADGROUP, with BLOCK: as Redis's xreadCommand. A group read of ">" delivers new entries
 * and records them as pending (unless NOACK); any other ID reads the consumer's own pending entries.
 */
final class StreamReads {

    private static final StreamId NEW_ENTRIES = StreamId.MAX;

    private StreamReads() {
    }

    /** The keys after STREAMS: the first half of what follows it. */
    static int[] keyPositions(byte[][] argv) {
        for (int i = 1; i < argv.length; i++) {
            if (Arguments.is(argv[i], "STREAMS")) {
                int count = (argv.length - i - 1) / 2;
                int[] positions = new int[count];
                for (int k = 0; k < count; k++) {
                    positions[k] = i + 1 + k;
                }
                return positions;
            }
            if (Arguments.is(argv[i], "GROUP")) {
                i += 2;
            } else if (Arguments.is(argv[i], "COUNT") || Arguments.is(argv[i], "BLOCK")) {
                i++;
            }
        }
        return new int[0];
    }

    static void read(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        boolean groupRead = argv[0].length == 10;
        String name = groupRead ? "xreadgroup" : "xread";
        long timeout = -1;
        long count = 0;
        int streamsAt = 0;
        int streamCount = 0;
        boolean noAck = false;
        byte[] groupName = null;
        byte[] consumerName = null;
        for (int i = 1; i < argv.length; i++) {
            int more = argv.length - i - 1;
            if (Arguments.is(argv[i], "BLOCK") && more > 0) {
                timeout = BlockingTimeout.millis(argv[++i]);
            } else if (Arguments.is(argv[i], "COUNT") && more > 0) {
                count = StreamIds.count(argv[++i]);
            } else if (Arguments.is(argv[i], "STREAMS") && more > 0) {
                streamsAt = i + 1;
                streamCount = argv.length - streamsAt;
                if (streamCount % 2 != 0) {
                    throw new RedisException("ERR Unbalanced '" + name + "' list of streams: for each stream key an ID or '"
                            + (groupRead ? '>' : '$') + "' must be specified.");
                }
                streamCount /= 2;
                break;
            } else if (Arguments.is(argv[i], "GROUP") && more >= 2) {
                if (!groupRead) {
                    throw new RedisException("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
                }
                groupName = argv[i + 1];
                consumerName = argv[i + 2];
                i += 2;
            } else if (Arguments.is(argv[i], "NOACK")) {
                if (!groupRead) {
                    throw new RedisException("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
                }
                noAck = true;
            } else {
                throw RedisException.syntax();
            }
        }
        if (streamsAt == 0) {
            throw RedisException.syntax();
        }
        if (groupRead && groupName == null) {
            throw new RedisException("ERR Missing GROUP option for XREADGROUP");
        }
        List<byte[]> keys = new ArrayList<>(Arrays.asList(argv).subList(streamsAt, streamsAt + streamCount));
        StreamId[] after = new StreamId[streamCount];
        for (int k = 0; k < streamCount; k++) {
            byte[] key = keys.get(k);
            byte[] id = argv[streamsAt + streamCount + k];
            StreamValue stream = StreamCommands.stream(c, key);
            if (groupName != null && (stream == null || stream.group(groupName) == null)) {
                throw new RedisException("NOGROUP No such key '" + Arguments.text(key) + "' or consumer group '"
                        + Arguments.text(groupName) + "' in XREADGROUP with GROUP option");
            }
            String text = Arguments.text(id);
            if (text.equals("$")) {
                if (groupRead) {
                    throw new RedisException("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of "
                            + "this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just "
                            + "return an empty result set.");
                }
                after[k] = stream == null ? StreamId.MIN : stream.lastId();
            } else if (text.equals(">")) {
                if (!groupRead) {
                    throw new RedisException("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
                            + "<consumer> option.");
                }
                after[k] = NEW_ENTRIES;
            } else {
                after[k] = StreamIds.strict(id);
            }
        }
        Read read = new Read(keys, after, count, groupName, consumerName, noAck);
        if (read.serve(c, r)) {
            return;
        }
        if (timeout < 0) {
            r.nilArray();
            return;
        }
        c.block(keys, timeout, read::retry, Reply::nilArray);
    }

    /** One read over its streams, run now and again whenever a blocked reader's stream is written. */
    private record Read(List<byte[]> keys, StreamId[] after, long count, byte[] groupName, byte[] consumerName, boolean noAck) {

        /**
         * A blocked read's next try. As in Redis, a group reader whose stream was deleted (or replaced by
         * another type) or whose group was destroyed is answered with an error; a plain reader keeps waiting.
         */
        boolean retry(CommandContext c, Reply r) throws RedisException {
            if (groupName != null) {
                for (byte[] key : keys) {
                    if (!(c.keyspace().get(key) instanceof StreamValue stream)) {
                        r.error("UNBLOCKED the stream key no longer exists");
                        return true;
                    }
                    if (stream.group(groupName) == null) {
                        r.error("NOGROUP the consumer group this client was blocked on no longer exists");
                        return true;
                    }
                }
            }
            return BlockingTimeout.retry(this::serve).attempt(c, r);
        }

        /** Replies and returns true when some stream had entries to give. */
        boolean serve(CommandContext c, Reply r) throws RedisException {
            List<Integer> ready = new ArrayList<>();
            StreamId[] from = after.clone();
            for (int k = 0; k < keys.size(); k++) {
                StreamValue stream = StreamCommands.stream(c, keys.get(k));
                if (stream == null) {
                    continue;
                }
                StreamId last = stream.size() == 0 ? null : stream.entries().lastKey();
                if (groupName != null) {
                    StreamValue.Group group = stream.group(groupName);
                    if (group == null) {
                        continue;
                    }
                    if (!from[k].equals(NEW_ENTRIES)) {
                        ready.add(k);
                    } else if (last != null && last.compareTo(group.lastDelivered()) > 0) {
                        from[k] = group.lastDelivered();
                        ready.add(k);
                    }
                } else if (last != null && last.compareTo(from[k]) > 0) {
                    ready.add(k);
                }
            }
            if (ready.isEmpty()) {
                return false;
            }
            boolean resp3 = c.client().protocol() == 3;
            if (resp3) {
                r.map(ready.size());
            } else {
                r.array(ready.size());
            }
            for (int k : ready) {
                if (!resp3) {
                    r.array(2);
                }
                r.bulk(keys.get(k));
                StreamValue stream = StreamCommands.stream(c, keys.get(k));
                StreamId start = from[k].next();
                if (groupName == null) {
                    StreamIds.range(r, stream, start == null ? StreamId.MAX : start, StreamId.MAX, count, false);
                    continue;
                }
                StreamValue.Group group = stream.group(groupName);
                StreamValue.Consumer consumer = stream.consumer(group, consumerName, true, c.nowMillis());
                stream.seen(group, consumer, c.nowMillis());
                if (after[k].equals(NEW_ENTRIES)) {
                    deliverNew(c, r, stream, group, consumer, start);
                } else {
                    history(c, r, stream, consumer, start == null ? StreamId.MAX : start);
                }
                c.keyspace().modified(keys.get(k));
            }
            return true;
        }

        private void deliverNew(CommandContext c, Reply r, StreamValue stream, StreamValue.Group group, StreamValue.Consumer consumer,
                StreamId start) {
            var entries = stream.entries().tailMap(start, true);
            int size = (int) (count > 0 ? Math.min(count, entries.size()) : entries.size());
            r.array(size);
            int written = 0;
            for (Map.Entry<StreamId, byte[][]> entry : new ArrayList<>(entries.entrySet())) {
                if (written++ == size) {
                    break;
                }
                StreamId id = entry.getKey();
                StreamIds.entry(r, id, entry.getValue());
                ConsumerGroupCommands.advance(stream, group, id);
                if (!noAck) {
                    stream.deliver(group, id, consumer, c.nowMillis(), 1);
                }
            }
        }

        /** The consumer's pending entries from {@code start}: an entry deleted since is reported with no fields. */
        private void history(CommandContext c, Reply r, StreamValue stream, StreamValue.Consumer consumer, StreamId start) {
            var pending = new ArrayList<>(consumer.pending().tailMap(start, true).entrySet());
            int size = (int) (count > 0 ? Math.min(count, pending.size()) : pending.size());
            r.array(size);
            StreamValue.Group group = stream.group(groupName);
            for (int i = 0; i < size; i++) {
                StreamId id = pending.get(i).getKey();
                byte[][] fields = stream.entries().get(id);
                StreamIds.entry(r, id, fields);
                if (fields != null) {
                    stream.deliver(group, id, consumer, c.nowMillis(), pending.get(i).getValue().deliveryCount() + 1);
                }
            }
        }
    }
}
