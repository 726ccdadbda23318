package dev.larder.redis.commands.streams;

import static dev.larder.redis.api.CommandFlag.FAST;
import static dev.larder.redis.api.CommandFlag.READONLY;
import static dev.larder.redis.api.CommandFlag.WRITE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.RecordedReply;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.types.StreamId;
import dev.larder.redis.api.types.StreamValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Consumer groups: XGROUP, XACK, XACKDEL, XPENDING, XCLAIM, XAUTOCLAIM, and the group arithmetic Redis keeps (entries read, lag). */
final class ConsumerGroupCommands {

    /** Redis's SCG_INVALID_ENTRIES_READ. */
    static final long UNKNOWN = -1;

    private ConsumerGroupCommands() {
    }

    static List<RedisCommand> commands() {
        return List.of(
                RedisCommand.of(command("xgroup", -2).flags(WRITE).keys(2, 2, 1).categories("stream").build(), ConsumerGroupCommands::xgroup),
                RedisCommand.of(command("xack", -4).flags(WRITE, FAST).keys(1, 1, 1).categories("stream").build(), ConsumerGroupCommands::xack),
                RedisCommand.of(command("xackdel", -6).flags(WRITE, FAST).keys(1, 1, 1).categories("stream")
                        .docs(StreamDocs.XACKDEL).build(),
                        ConsumerGroupCommands::xackdel),
                RedisCommand.of(command("xpending", -3).flags(READONLY).keys(1, 1, 1).categories("stream").build(),
                        ConsumerGroupCommands::xpending),
                RedisCommand.of(command("xclaim", -6).flags(WRITE, FAST).keys(1, 1, 1).categories("stream").build(),
                        ConsumerGroupCommands::xclaim),
                RedisCommand.of(command("xautoclaim", -6).flags(WRITE, FAST).keys(1, 1, 1).categories("stream").build(),
                        ConsumerGroupCommands::xautoclaim),
                RedisCommand.of(command("xinfo", -2).flags(READONLY).keys(2, 2, 1).categories("stream").build(), StreamInfo::xinfo));
    }

    /** Redis's streamRangeHasTombstones: whether a deleted entry may lie between the IDs (null: unbounded). */
    static boolean hasTombstones(StreamValue stream, StreamId start, StreamId end) {
        StreamId maxDeleted = stream.maxDeletedId();
        if (stream.size() == 0 || maxDeleted.isZero() || stream.firstId().compareTo(maxDeleted) > 0) {
            return false;
        }
        StreamId from = start == null ? StreamId.MIN : start;
        StreamId to = end == null ? StreamId.MAX : end;
        return from.compareTo(maxDeleted) <= 0 && maxDeleted.compareTo(to) <= 0;
    }

    /** Redis's streamEstimateDistanceFromFirstEverEntry: the entries added up to the ID, or {@link #UNKNOWN}. */
    static long distanceFromFirstEver(StreamValue stream, StreamId id) {
        long added = stream.entriesAdded();
        if (added == 0) {
            return 0;
        }
        if (stream.size() == 0 && id.compareTo(stream.lastId()) < 1) {
            return added;
        }
        int toLast = id.compareTo(stream.lastId());
        if (toLast == 0) {
            return added;
        }
        if (toLast > 0) {
            return UNKNOWN;
        }
        int toFirst = id.compareTo(stream.firstId());
        StreamId maxDeleted = stream.maxDeletedId();
        if (maxDeleted.isZero() || maxDeleted.compareTo(stream.firstId()) < 0) {
            if (toFirst < 0) {
                return added - stream.size();
            }
            if (toFirst == 0) {
                return added - stream.size() + 1;
            }
        }
        return UNKNOWN;
    }

    /** A group read an entry past its last delivered ID: move it, and count the read as Redis does. */
    static void advance(StreamValue stream, StreamValue.Group group, StreamId id) {
        if (id.compareTo(group.lastDelivered()) <= 0) {
            return;
        }
        long entriesRead = group.entriesRead();
        if (entriesRead != UNKNOWN && !hasTombstones(stream, id, null)) {
            entriesRead++;
        } else if (stream.entriesAdded() != 0) {
            entriesRead = distanceFromFirstEver(stream, id);
        }
        stream.setGroupPosition(group, id, entriesRead);
    }

    /** The lag XINFO GROUPS reports, or null when it cannot be known. */
    static Long lag(StreamValue stream, StreamValue.Group group) {
        if (stream.entriesAdded() == 0) {
            return 0L;
        }
        if (group.entriesRead() != UNKNOWN && !hasTombstones(stream, group.lastDelivered(), null)) {
            return stream.entriesAdded() - group.entriesRead();
        }
        long read = distanceFromFirstEver(stream, group.lastDelivered());
        return read == UNKNOWN ? null : stream.entriesAdded() - read;
    }

    private static RedisException noGroup(byte[] key, byte[] group) {
        return new RedisException("NOGROUP No such key '" + Arguments.text(key) + "' or consumer group '" + Arguments.text(group) + "'");
    }

    /** The stream and group, or NOGROUP. */
    private static StreamValue.Group group(StreamValue stream, byte[][] argv) throws RedisException {
        StreamValue.Group group = stream == null ? null : stream.group(argv[2]);
        if (group == null) {
            throw noGroup(argv[1], argv[2]);
        }
        return group;
    }

    private static final String NEEDS_KEY = "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to "
            + "use the MKSTREAM option to create an empty stream automatically.";

    /** XGROUP CREATE | SETID | DESTROY | CREATECONSUMER | DELCONSUMER | HELP */
    private static void xgroup(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        String sub = Arguments.subcommand(argv, "xgroup",
                Map.of("create", -5, "setid", -5, "destroy", 4, "createconsumer", 5, "delconsumer", 5, "help", 2));
        if (sub.equals("help")) {
            r.help("XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "CREATE <key> <groupname> <id|$> [option]",
                    "    Create a new consumer group. Options are:",
                    "    * MKSTREAM",
                    "      Create the empty stream if it does not exist.",
                    "    * ENTRIESREAD entries_read",
                    "      Set the group's entries_read counter (internal use).",
                    "CREATECONSUMER <key> <groupname> <consumer>",
                    "    Create a new consumer in the specified group.",
                    "DELCONSUMER <key> <groupname> <consumer>",
                    "    Remove the specified consumer.",
                    "DESTROY <key> <groupname>",
                    "    Remove the specified group.",
                    "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
                    "    Set the current group ID and entries_read counter.",
                    "HELP",
                    "    Print this help.");
            return;
        }
        boolean makeStream = false;
        long entriesRead = UNKNOWN;
        if (sub.equals("create")) {
            for (int i = 5; i < argv.length; i++) {
                if (Arguments.is(argv[i], "MKSTREAM")) {
                    makeStream = true;
                } else if (Arguments.is(argv[i], "ENTRIESREAD") && i + 1 < argv.length) {
                    entriesRead = entriesRead(argv[++i]);
                } else {
                    throw syntax(argv);
                }
            }
        }
        StreamValue stream = StreamCommands.stream(c, argv[2]);
        if (stream == null && !makeStream) {
            throw new RedisException(NEEDS_KEY);
        }
        StreamValue.Group group = stream == null ? null : stream.group(argv[3]);
        if (group == null && (sub.equals("setid") || sub.equals("createconsumer") || sub.equals("delconsumer"))) {
            throw new RedisException("NOGROUP No such consumer group '" + Arguments.text(argv[3]) + "' for key name '"
                    + Arguments.text(argv[2]) + "'");
        }
        switch (sub) {
            case "create" -> {
                if (argv.length > 8) {
                    throw syntax(argv);
                }
                StreamId id = Arguments.text(argv[4]).equals("$") ? (stream == null ? StreamId.MIN : stream.lastId())
                        : StreamIds.strict(argv[4]);
                boolean created = stream == null;
                if (created) {
                    stream = new StreamValue();
                }
                if (!stream.createGroup(argv[3], id, entriesRead)) {
                    throw new RedisException("BUSYGROUP Consumer Group name already exists");
                }
                if (created) {
                    c.keyspace().set(argv[2], stream);
                } else {
                    c.keyspace().modified(argv[2]);
                }
                r.ok();
            }
            case "setid" -> {
                if (argv.length != 5 && argv.length != 7) {
                    throw syntax(argv);
                }
                StreamId id = Arguments.text(argv[4]).equals("$") ? stream.lastId()
                        : StreamIds.parse(argv[4], 0, false, false).id();
                if (argv.length == 7) {
                    if (!Arguments.is(argv[5], "ENTRIESREAD")) {
                        throw syntax(argv);
                    }
                    entriesRead = entriesRead(argv[6]);
                }
                stream.setGroupPosition(group, id, entriesRead);
                c.keyspace().modified(argv[2]);
                r.ok();
            }
            case "destroy" -> {
                boolean destroyed = stream.destroyGroup(argv[3]);
                if (destroyed) {
                    c.keyspace().modified(argv[2]);
                }
                r.integer(destroyed ? 1 : 0);
            }
            case "createconsumer" -> {
                boolean exists = stream.consumer(group, argv[4], false, c.nowMillis()) != null;
                if (!exists) {
                    stream.consumer(group, argv[4], true, c.nowMillis());
                    c.keyspace().modified(argv[2]);
                }
                r.integer(exists ? 0 : 1);
            }
            default -> {
                StreamValue.Consumer consumer = stream.consumer(group, argv[4], false, c.nowMillis());
                long pending = consumer == null ? 0 : stream.deleteConsumer(group, consumer);
                if (consumer != null) {
                    c.keyspace().modified(argv[2]);
                }
                r.integer(pending);
            }
        }
    }

    private static RedisException syntax(byte[][] argv) {
        return new RedisException("ERR unknown subcommand or wrong number of arguments for '" + Arguments.text(argv[1])
                + "'. Try XGROUP HELP.");
    }

    private static long entriesRead(byte[] argument) throws RedisException {
        long value = Arguments.toLong(argument);
        if (value < 0 && value != UNKNOWN) {
            throw new RedisException("ERR value for ENTRIESREAD must be positive or -1");
        }
        return value;
    }

    private static void xack(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        StreamValue stream = StreamCommands.stream(c, argv[1]);
        StreamValue.Group group = stream == null ? null : stream.group(argv[2]);
        if (group == null) {
            r.integer(0);
            return;
        }
        List<StreamId> ids = new ArrayList<>();
        for (int j = 3; j < argv.length; j++) {
            ids.add(StreamIds.strict(argv[j]));
        }
        long acknowledged = 0;
        for (StreamId id : ids) {
            acknowledged += stream.acknowledge(group, id) ? 1 : 0;
        }
        if (acknowledged > 0) {
            c.keyspace().modified(argv[1]);
        }
        r.integer(acknowledged);
    }

    /**
     * XACKDEL key group [KEEPREF | DELREF | ACKED] IDS numids id [id ...]: acknowledges each ID in the
     * group, then deletes the entry as XDELEX would. Per ID -1 when the group had not got it pending, 1
     * acknowledged (and the entry deleted, if it was still there), 2 acknowledged but kept because
     * another group still needs it (ACKED).
     */
    private static void xackdel(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        StreamCommands.Deletion deletion = StreamCommands.Deletion.parse(argv, 3);
        StreamValue stream = StreamCommands.stream(c, argv[1]);
        StreamValue.Group group = stream == null ? null : stream.group(argv[2]);
        if (group == null) {
            deletion.noneFound(r);
            return;
        }
        List<StreamId> ids = deletion.ids(argv);
        boolean changed = false;
        r.array(ids.size());
        for (StreamId id : ids) {
            if (!stream.acknowledge(group, id)) {
                r.integer(StreamCommands.Deletion.NOT_FOUND);
                continue;
            }
            changed = true;
            if (deletion.policy() == StreamValue.RefPolicy.ACKED && stream.referenced(id)) {
                r.integer(StreamCommands.Deletion.STILL_REFERENCED);
                continue;
            }
            if (deletion.policy() == StreamValue.RefPolicy.DELREF) {
                stream.removeReferences(id);
            }
            stream.delete(id);
            r.integer(StreamCommands.Deletion.DELETED);
        }
        if (changed) {
            c.keyspace().modified(argv[1]);
        }
    }

    /** XPENDING key group [[IDLE min-idle-time] start end count [consumer]] */
    private static void xpending(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        boolean summary = argv.length == 3;
        if (argv.length != 3 && (argv.length < 6 || argv.length > 9)) {
            throw RedisException.syntax();
        }
        long minIdle = 0;
        StreamId start = null;
        StreamId end = null;
        long count = 0;
        byte[] consumerName = null;
        if (argv.length >= 6) {
            int at = 3;
            if (Arguments.is(argv[3], "IDLE")) {
                minIdle = Arguments.toLong(argv[4]);
                if (argv.length < 8) {
                    throw RedisException.syntax();
                }
                at += 2;
            }
            count = Math.max(0, Arguments.toLong(argv[at + 2]));
            start = StreamIds.intervalStart(argv[at]);
            end = StreamIds.intervalEnd(argv[at + 1]);
            if (at + 3 < argv.length) {
                consumerName = argv[at + 3];
            }
        }
        StreamValue stream = StreamCommands.stream(c, argv[1]);
        StreamValue.Group group = group(stream, argv);
        if (summary) {
            r.array(4);
            r.integer(group.pending().size());
            if (group.pending().isEmpty()) {
                r.nil();
                r.nil();
                r.nilArray();
                return;
            }
            StreamIds.id(r, group.pending().firstKey());
            StreamIds.id(r, group.pending().lastKey());
            List<StreamValue.Consumer> withPending = group.consumers().values().stream().filter(x -> !x.pending().isEmpty()).toList();
            r.array(withPending.size());
            for (StreamValue.Consumer consumer : withPending) {
                r.array(2);
                r.bulk(consumer.name().bytes());
                r.bulk(Integer.toString(consumer.pending().size()));
            }
            return;
        }
        var pending = group.pending();
        if (consumerName != null) {
            StreamValue.Consumer consumer = stream.consumer(group, consumerName, false, c.nowMillis());
            if (consumer == null) {
                r.array(0);
                return;
            }
            pending = consumer.pending();
        }
        List<Map.Entry<StreamId, StreamValue.Pending>> shown = new ArrayList<>();
        if (start.compareTo(end) <= 0) {
            for (Map.Entry<StreamId, StreamValue.Pending> entry : pending.subMap(start, true, end, true).entrySet()) {
                if (shown.size() >= count) {
                    break;
                }
                if (minIdle != 0 && c.nowMillis() - entry.getValue().deliveryTime() < minIdle) {
                    continue;
                }
                shown.add(entry);
            }
        }
        r.array(shown.size());
        for (Map.Entry<StreamId, StreamValue.Pending> entry : shown) {
            r.array(4);
            StreamIds.id(r, entry.getKey());
            r.bulk(entry.getValue().consumer().bytes());
            r.integer(Math.max(0, c.nowMillis() - entry.getValue().deliveryTime()));
            r.integer(entry.getValue().deliveryCount());
        }
    }

    /** Gives a pending entry to a consumer and replies with it (or its ID alone). */
    private static void claim(StreamValue stream, StreamValue.Group group, StreamValue.Consumer consumer, StreamId id,
            long deliveryTime, long retryCount, boolean justId, Reply r) {
        StreamValue.Pending pending = group.pending().get(id);
        long count = retryCount >= 0 ? retryCount : justId ? pending.deliveryCount() : pending.deliveryCount() + 1;
        stream.deliver(group, id, consumer, deliveryTime, count);
        if (justId) {
            StreamIds.id(r, id);
        } else {
            byte[][] fields = stream.entries().get(id);
            StreamIds.entry(r, id, fields);
        }
    }

    /** XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME ms] [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id] */
    private static void xclaim(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        StreamValue stream = StreamCommands.stream(c, argv[1]);
        StreamValue.Group group = group(stream, argv);
        long minIdle = Math.max(0, number(argv[4], "ERR Invalid min-idle-time argument for XCLAIM"));
        int j = 5;
        List<StreamId> ids = new ArrayList<>();
        for (; j < argv.length; j++) {
            try {
                ids.add(StreamIds.strict(argv[j]));
            } catch (RedisException notAnId) {
                break;
            }
        }
        long now = c.nowMillis();
        long deliveryTime = -1;
        long retryCount = -1;
        boolean force = false;
        boolean justId = false;
        StreamId lastId = StreamId.MIN;
        for (; j < argv.length; j++) {
            boolean more = j + 1 < argv.length;
            String option = Arguments.text(argv[j]).toUpperCase(Locale.ROOT);
            if (option.equals("FORCE")) {
                force = true;
            } else if (option.equals("JUSTID")) {
                justId = true;
            } else if (option.equals("IDLE") && more) {
                deliveryTime = now - number(argv[++j], "ERR Invalid IDLE option argument for XCLAIM");
            } else if (option.equals("TIME") && more) {
                deliveryTime = number(argv[++j], "ERR Invalid TIME option argument for XCLAIM");
            } else if (option.equals("RETRYCOUNT") && more) {
                retryCount = number(argv[++j], "ERR Invalid RETRYCOUNT option argument for XCLAIM");
            } else if (option.equals("LASTID") && more) {
                lastId = StreamIds.strict(argv[++j]);
            } else {
                throw new RedisException("ERR Unrecognized XCLAIM option '" + Arguments.text(argv[j]) + "'");
            }
        }
        boolean changed = false;
        if (lastId.compareTo(group.lastDelivered()) > 0) {
            stream.setGroupPosition(group, lastId, group.entriesRead());
            changed = true;
        }
        if (deliveryTime == -1 || deliveryTime < 0 || deliveryTime > now) {
            deliveryTime = now;
        }
        StreamValue.Consumer consumer = null;
        RecordedReply recorded = new RecordedReply();
        int claimed = 0;
        for (StreamId id : ids) {
            StreamValue.Pending pending = group.pending().get(id);
            if (!stream.entries().containsKey(id)) {
                if (pending != null) {
                    stream.acknowledge(group, id);
                    changed = true;
                }
                continue;
            }
            if (force && pending == null) {
                if (consumer == null) {
                    consumer = consumerFor(c, stream, group, argv[3]);
                }
                stream.deliver(group, id, consumer, deliveryTime, 1);
                pending = group.pending().get(id);
            } else if (pending == null) {
                continue;
            } else if (minIdle != 0 && now - pending.deliveryTime() < minIdle) {
                continue;
            }
            if (consumer == null) {
                consumer = consumerFor(c, stream, group, argv[3]);
            }
            claim(stream, group, consumer, id, deliveryTime, retryCount, justId, recorded);
            claimed++;
            changed = true;
        }
        if (changed) {
            c.keyspace().modified(argv[1]);
        }
        r.array(claimed);
        recorded.replay(r);
    }

    private static StreamValue.Consumer consumerFor(CommandContext c, StreamValue stream, StreamValue.Group group, byte[] name) {
        StreamValue.Consumer consumer = stream.consumer(group, name, true, c.nowMillis());
        stream.seen(group, consumer, c.nowMillis());
        return consumer;
    }

    private static long number(byte[] argument, String error) throws RedisException {
        try {
            return Arguments.toLong(argument);
        } catch (RedisException e) {
            throw new RedisException(error);
        }
    }

    /** XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID] */
    private static void xautoclaim(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        long minIdle = Math.max(0, number(argv[4], "ERR Invalid min-idle-time argument for XAUTOCLAIM"));
        StreamId start = StreamIds.intervalStart(argv[5]);
        long count = 100;
        boolean justId = false;
        for (int j = 6; j < argv.length; j++) {
            if (Arguments.is(argv[j], "COUNT") && j + 1 < argv.length) {
                count = Arguments.positive(argv[++j], "ERR COUNT must be > 0");
                if (count > Long.MAX_VALUE / 16) {
                    throw new RedisException("ERR COUNT must be > 0");
                }
            } else if (Arguments.is(argv[j], "JUSTID")) {
                justId = true;
            } else {
                throw RedisException.syntax();
            }
        }
        StreamValue stream = StreamCommands.stream(c, argv[1]);
        StreamValue.Group group = group(stream, argv);
        long now = c.nowMillis();
        long attempts = count * 10;
        StreamValue.Consumer consumer = null;
        RecordedReply claimedReplies = new RecordedReply();
        int claimed = 0;
        List<StreamId> deleted = new ArrayList<>();
        var ids = new ArrayList<>(group.pending().tailMap(start, true).keySet());
        int at = 0;
        boolean changed = false;
        while (attempts-- > 0 && count > 0 && at < ids.size()) {
            StreamId id = ids.get(at++);
            StreamValue.Pending pending = group.pending().get(id);
            if (!stream.entries().containsKey(id)) {
                stream.acknowledge(group, id);
                deleted.add(id);
                count--;
                changed = true;
                continue;
            }
            if (minIdle != 0 && now - pending.deliveryTime() < minIdle) {
                continue;
            }
            if (consumer == null) {
                consumer = consumerFor(c, stream, group, argv[3]);
            }
            claim(stream, group, consumer, id, now, -1, justId, claimedReplies);
            claimed++;
            count--;
            changed = true;
        }
        if (changed) {
            c.keyspace().modified(argv[1]);
        }
        r.array(3);
        StreamIds.id(r, at < ids.size() ? ids.get(at) : StreamId.MIN);
        r.array(claimed);
        claimedReplies.replay(r);
        r.array(deleted.size());
        deleted.forEach(id -> StreamIds.id(r, id));
    }
}
