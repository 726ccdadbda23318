package dev.larder.redis.commands.streams;

import static dev.larder.redis.api.CommandFlag.BLOCKING;
import static dev.larder.redis.api.CommandFlag.DENYOOM;
import static dev.larder.redis.api.CommandFlag.FAST;
import static dev.larder.redis.api.CommandFlag.READONLY;
import static dev.larder.redis.api.CommandFlag.WRITE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.types.StreamId;
import dev.larder.redis.api.types.StreamValue;
import dev.larder.redis.commands.TypedValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.osgi.service.component.annotations.Component;

/** Streams without consumer groups: XADD, XLEN, XRANGE, XREVRANGE, XDEL, XDELEX, XTRIM, XSETID (Redis's t_stream.c). */
@Component
public class StreamCommands implements CommandFamily {

    @Override
    public List<RedisCommand> commands() {
        List<RedisCommand> commands = new ArrayList<>(List.of(
                RedisCommand.of(command("xadd", -5).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("stream")
                        .docs(StreamDocs.XADD).build(),
                        StreamCommands::xadd),
                RedisCommand.of(command("xlen", 2).flags(READONLY, FAST).keys(1, 1, 1).categories("stream").build(), (c, argv, r) -> {
                    StreamValue stream = stream(c, argv[1]);
                    r.integer(stream == null ? 0 : stream.size());
                }),
                RedisCommand.of(command("xrange", -4).flags(READONLY).keys(1, 1, 1).categories("stream").build(),
                        (c, argv, r) -> range(c, argv, r, false)),
                RedisCommand.of(command("xrevrange", -4).flags(READONLY).keys(1, 1, 1).categories("stream").build(),
                        (c, argv, r) -> range(c, argv, r, true)),
                RedisCommand.of(command("xdel", -3).flags(WRITE, FAST).keys(1, 1, 1).categories("stream").build(), StreamCommands::xdel),
                RedisCommand.of(command("xdelex", -5).flags(WRITE, FAST).keys(1, 1, 1).categories("stream")
                        .docs(StreamDocs.XDELEX).build(), StreamCommands::xdelex),
                RedisCommand.of(command("xtrim", -4).flags(WRITE).keys(1, 1, 1).categories("stream")
                        .docs(StreamDocs.XTRIM).build(), (c, argv, r) -> {
                    Trim trim = Trim.parse(argv, false);
                    StreamValue stream = stream(c, argv[1]);
                    if (stream == null) {
                        r.integer(0);
                        return;
                    }
                    long removed = trim.apply(stream);
                    if (removed > 0) {
                        c.keyspace().modified(argv[1]);
                    }
                    r.integer(removed);
                }),
                RedisCommand.of(command("xsetid", -3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("stream").build(),
                        StreamCommands::xsetid),
                RedisCommand.of(command("xread", -4).flags(READONLY, BLOCKING).keys(0, 0, 0).categories("stream")
                        .docs(StreamDocs.XREAD).build(),
                        StreamReads::keyPositions, StreamReads::read),
                RedisCommand.of(command("xreadgroup", -7).flags(WRITE, BLOCKING).keys(0, 0, 0).categories("stream")
                        .docs(StreamDocs.XREADGROUP).build(),
                        StreamReads::keyPositions, StreamReads::read)));
        commands.addAll(ConsumerGroupCommands.commands());
        return commands;
    }

    static StreamValue stream(CommandContext c, byte[] key) throws RedisException {
        return TypedValues.typed(c.keyspace(), key, StreamValue.class);
    }

    /**
     * XADD and XTRIM's trimming: MAXLEN or MINID, exact (=) or approximate (~), with LIMIT, and what
     * happens to the pending entries of what it removes (KEEPREF, DELREF, ACKED); XADD's NOMKSTREAM and ID.
     */
    record Trim(long maxLength, StreamId minId, boolean approximate, long limit, StreamValue.RefPolicy policy, boolean noMakeStream,
            StreamIds.Parsed id, int idAt) {

        boolean any() {
            return maxLength >= 0 || minId != null;
        }

        long apply(StreamValue stream) {
            return any() ? stream.trim(maxLength, minId, approximate, limit, policy) : 0;
        }

        /** Redis's streamParseAddOrTrimArgsOrReply. */
        static Trim parse(byte[][] argv, boolean xadd) throws RedisException {
            long maxLength = -1;
            StreamId minId = null;
            boolean approximate = false;
            long limit = 0;
            boolean limitGiven = false;
            boolean noMakeStream = false;
            StreamValue.RefPolicy policy = StreamValue.RefPolicy.KEEPREF;
            StreamIds.Parsed id = null;
            int i = 2;
            for (; i < argv.length; i++) {
                int more = argv.length - 1 - i;
                String option = Arguments.text(argv[i]).toLowerCase(Locale.ROOT);
                if (xadd && option.equals("*")) {
                    break;
                } else if ((option.equals("maxlen") || option.equals("minid")) && more > 0) {
                    if (maxLength >= 0 || minId != null) {
                        throw new RedisException("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
                    }
                    approximate = false;
                    String next = Arguments.text(argv[i + 1]);
                    if (more >= 2 && next.equals("~")) {
                        approximate = true;
                        i++;
                    } else if (more >= 2 && next.equals("=")) {
                        i++;
                    }
                    if (option.equals("maxlen")) {
                        maxLength = Arguments.toLong(argv[i + 1]);
                        if (maxLength < 0) {
                            throw new RedisException("ERR The MAXLEN argument must be >= 0.");
                        }
                    } else {
                        minId = StreamIds.strict(argv[i + 1]);
                    }
                    i++;
                } else if (option.equals("limit") && more > 0) {
                    limit = Arguments.toLong(argv[i + 1]);
                    if (limit < 0) {
                        throw new RedisException("ERR The LIMIT argument must be >= 0.");
                    }
                    limitGiven = true;
                    i++;
                } else if (xadd && option.equals("nomkstream")) {
                    noMakeStream = true;
                } else if (Deletion.policy(argv[i]) != null) {
                    policy = Deletion.policy(argv[i]);
                } else if (xadd) {
                    id = StreamIds.parse(argv[i], 0, true, true);
                    break;
                } else {
                    throw RedisException.syntax();
                }
            }
            boolean trimming = maxLength >= 0 || minId != null;
            if (limitGiven && !trimming) {
                throw new RedisException("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
            }
            if (!xadd && !trimming) {
                throw new RedisException("ERR syntax error, XTRIM must be called with a trimming strategy");
            }
            if (!limitGiven) {
                // Redis bounds approximate trimming by 100 nodes' worth of entries unless told otherwise
                limit = approximate ? 10_000 : 0;
            } else if (!approximate) {
                throw new RedisException("ERR syntax error, LIMIT cannot be used without the special ~ option");
            }
            return new Trim(maxLength, minId, approximate, limit, policy, noMakeStream, id, i);
        }
    }

    /** XDELEX and XACKDEL's arguments after the key (and group): [KEEPREF | DELREF | ACKED] IDS numids id [id ...], in any order. */
    record Deletion(StreamValue.RefPolicy policy, int idsAt, int count) {

        static final int NOT_FOUND = -1;
        static final int DELETED = 1;
        static final int STILL_REFERENCED = 2;

        static StreamValue.RefPolicy policy(byte[] argument) {
            for (StreamValue.RefPolicy policy : StreamValue.RefPolicy.values()) {
                if (Arguments.is(argument, policy.name())) {
                    return policy;
                }
            }
            return null;
        }

        static Deletion parse(byte[][] argv, int from) throws RedisException {
            StreamValue.RefPolicy policy = null;
            int idsAt = -1;
            int count = 0;
            for (int i = from; i < argv.length; i++) {
                if (policy == null && policy(argv[i]) != null) {
                    policy = policy(argv[i]);
                } else if (idsAt < 0 && Arguments.is(argv[i], "IDS") && i + 1 < argv.length) {
                    count = numIds(argv[i + 1]);
                    if (count > argv.length - i - 2) {
                        throw new RedisException("ERR The `numids` parameter must match the number of arguments");
                    }
                    idsAt = i + 2;
                    i = idsAt + count - 1;
                } else {
                    throw RedisException.syntax();
                }
            }
            if (idsAt < 0) {
                throw RedisException.syntax();
            }
            return new Deletion(policy == null ? StreamValue.RefPolicy.KEEPREF : policy, idsAt, count);
        }

        private static int numIds(byte[] argument) throws RedisException {
            long count = Arguments.isLong(argument) ? Arguments.toLong(argument) : 0;
            if (count < 1) {
                throw new RedisException("ERR Number of IDs must be a positive integer");
            }
            return (int) Math.min(count, Integer.MAX_VALUE);
        }

        /** The IDs, all checked before anything changes. */
        List<StreamId> ids(byte[][] argv) throws RedisException {
            List<StreamId> ids = new ArrayList<>();
            for (int j = idsAt; j < idsAt + count; j++) {
                ids.add(StreamIds.strict(argv[j]));
            }
            return ids;
        }

        /** The reply when the key (or the group) does not exist: -1 for each ID. */
        void noneFound(Reply r) {
            r.array(count);
            for (int j = 0; j < count; j++) {
                r.integer(NOT_FOUND);
            }
        }
    }

    /** XADD key [NOMKSTREAM] [KEEPREF|DELREF|ACKED] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...] */
    private static void xadd(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        Trim trim = Trim.parse(argv, true);
        int fieldsAt = trim.idAt() + 1;
        if (argv.length - fieldsAt < 2 || (argv.length - fieldsAt) % 2 == 1) {
            throw RedisException.wrongArity("xadd");
        }
        StreamIds.Parsed given = trim.id();
        if (given != null && given.sequenceGiven() && given.id().isZero()) {
            throw new RedisException("ERR The ID specified in XADD must be greater than 0-0");
        }
        StreamValue stream = stream(c, argv[1]);
        if (stream == null && trim.noMakeStream()) {
            r.nil();
            return;
        }
        boolean created = stream == null;
        if (created) {
            stream = new StreamValue();
        }
        StreamId last = stream.lastId();
        if (last.equals(StreamId.MAX)) {
            throw new RedisException("ERR The stream has exhausted the last possible ID, unable to add more items");
        }
        StreamId id;
        if (given == null) {
            long now = c.nowMillis();
            id = Long.compareUnsigned(now, last.ms()) > 0 ? new StreamId(now, 0) : last.next();
        } else if (!given.sequenceGiven() && given.id().ms() == last.ms()) {
            if (last.seq() == -1L) {
                throw new RedisException("ERR The ID specified in XADD is equal or smaller than the target stream top item");
            }
            id = new StreamId(last.ms(), last.seq() + 1);
        } else {
            id = given.id();
        }
        if (id.compareTo(last) <= 0) {
            throw new RedisException("ERR The ID specified in XADD is equal or smaller than the target stream top item");
        }
        stream.append(id, Arrays.copyOfRange(argv, fieldsAt, argv.length));
        trim.apply(stream);
        if (created) {
            c.keyspace().set(argv[1], stream);
        } else {
            c.keyspace().modified(argv[1]);
        }
        StreamIds.id(r, id);
    }

    /** XRANGE key start end [COUNT count], XREVRANGE key end start [COUNT count] */
    private static void range(CommandContext c, byte[][] argv, Reply r, boolean reverse) throws RedisException {
        StreamId start = StreamIds.intervalStart(reverse ? argv[3] : argv[2]);
        StreamId end = StreamIds.intervalEnd(reverse ? argv[2] : argv[3]);
        long count = -1;
        for (int j = 4; j < argv.length; j++) {
            if (Arguments.is(argv[j], "COUNT") && j + 1 < argv.length) {
                count = StreamIds.count(argv[++j]);
            } else {
                throw RedisException.syntax();
            }
        }
        StreamValue stream = stream(c, argv[1]);
        if (stream == null) {
            r.array(0);
            return;
        }
        if (count == 0) {
            r.nilArray();
            return;
        }
        StreamIds.range(r, stream, start, end, Math.max(0, count), reverse);
    }

    private static void xdel(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        StreamValue stream = stream(c, argv[1]);
        if (stream == null) {
            r.integer(0);
            return;
        }
        List<StreamId> ids = new ArrayList<>();
        for (int j = 2; j < argv.length; j++) {
            ids.add(StreamIds.strict(argv[j]));
        }
        long deleted = 0;
        for (StreamId id : ids) {
            deleted += stream.delete(id) ? 1 : 0;
        }
        if (deleted > 0) {
            c.keyspace().modified(argv[1]);
        }
        r.integer(deleted);
    }

    /**
     * XDELEX key [KEEPREF | DELREF | ACKED] IDS numids id [id ...]: per ID 1 deleted, -1 not there, 2
     * kept because a group still needs it (ACKED). DELREF drops the pending entries that name the ID in
     * every group, even when the entry itself is gone already.
     */
    private static void xdelex(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        Deletion deletion = Deletion.parse(argv, 2);
        StreamValue stream = stream(c, argv[1]);
        if (stream == null) {
            deletion.noneFound(r);
            return;
        }
        List<StreamId> ids = deletion.ids(argv);
        boolean changed = false;
        r.array(ids.size());
        for (StreamId id : ids) {
            if (deletion.policy() == StreamValue.RefPolicy.ACKED && stream.referenced(id)) {
                r.integer(Deletion.STILL_REFERENCED);
                continue;
            }
            if (deletion.policy() == StreamValue.RefPolicy.DELREF) {
                changed |= stream.removeReferences(id);
            }
            boolean deleted = stream.delete(id);
            changed |= deleted;
            r.integer(deleted ? Deletion.DELETED : Deletion.NOT_FOUND);
        }
        if (changed) {
            c.keyspace().modified(argv[1]);
        }
    }

    /** XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id] */
    private static void xsetid(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        StreamId id = StreamIds.strict(argv[2]);
        Long added = null;
        StreamId maxDeleted = null;
        for (int i = 3; i < argv.length; i += 2) {
            boolean more = i + 1 < argv.length;
            if (Arguments.is(argv[i], "ENTRIESADDED") && more) {
                added = Arguments.toLong(argv[i + 1]);
                if (added < 0) {
                    throw new RedisException("ERR entries_added must be positive");
                }
            } else if (Arguments.is(argv[i], "MAXDELETEDID") && more) {
                maxDeleted = StreamIds.strict(argv[i + 1]);
                if (id.compareTo(maxDeleted) < 0) {
                    throw new RedisException("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
                }
            } else {
                throw RedisException.syntax();
            }
        }
        StreamValue stream = stream(c, argv[1]);
        if (stream == null) {
            throw RedisException.noSuchKey();
        }
        if (stream.size() > 0) {
            if (id.compareTo(stream.entries().lastKey()) < 0) {
                throw new RedisException("ERR The ID specified in XSETID is smaller than the target stream top item");
            }
            if (added != null && stream.size() > added) {
                throw new RedisException("ERR The entries_added specified in XSETID is smaller than the target stream length");
            }
        }
        if (id.compareTo(stream.maxDeletedId()) < 0) {
            throw new RedisException("ERR The ID specified in XSETID is smaller than current max_deleted_entry_id");
        }
        stream.setLast(id, added, maxDeleted != null && !maxDeleted.isZero() ? maxDeleted : null);
        c.keyspace().modified(argv[1]);
        r.ok();
    }
}
