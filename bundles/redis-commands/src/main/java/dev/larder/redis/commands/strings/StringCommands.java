package dev.larder.redis.commands.strings;

import static dev.larder.redis.api.CommandFlag.DENYOOM;
import static dev.larder.redis.api.CommandFlag.FAST;
import static dev.larder.redis.api.CommandFlag.READONLY;
import static dev.larder.redis.api.CommandFlag.WRITE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.Keyspace;
import dev.larder.redis.api.LongDouble;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.StringValue;
import dev.larder.redis.commands.Expiry;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** Strings: Redis's t_string.c. */
@Component
public class StringCommands implements CommandFamily {

    /** Redis's proto-max-bulk-len default, the largest string SETRANGE and APPEND may build. */
    static final long MAX_STRING = 512L * 1024 * 1024;

    @Override
    public List<RedisCommand> commands() {
        return List.of(
                RedisCommand.of(command("get", 2).flags(READONLY, FAST).keys(1, 1, 1).categories("string").docs(StringDocs.GET).build(),
                        (c, argv, r) -> bulkOrNil(r, c.keyspace().getString(argv[1]))),
                RedisCommand.of(command("set", -3).flags(WRITE, DENYOOM).keys(1, 1, 1).categories("string")
                        .docs(StringDocs.SET).build(), StringCommands::set),
                RedisCommand.of(command("setnx", 3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("string").build(), (c, argv, r) -> {
                    boolean absent = !c.keyspace().exists(argv[1]);
                    if (absent) {
                        c.keyspace().set(argv[1], new StringValue(argv[2]));
                    }
                    r.integer(absent ? 1 : 0);
                }),
                RedisCommand.of(command("setex", 4).flags(WRITE, DENYOOM).keys(1, 1, 1).categories("string").build(),
                        (c, argv, r) -> setWithExpiry(c, argv, r, true, "setex")),
                RedisCommand.of(command("psetex", 4).flags(WRITE, DENYOOM).keys(1, 1, 1).categories("string").build(),
                        (c, argv, r) -> setWithExpiry(c, argv, r, false, "psetex")),
                RedisCommand.of(command("getset", 3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("string").build(), (c, argv, r) -> {
                    StringValue old = c.keyspace().getString(argv[1]);
                    c.keyspace().set(argv[1], new StringValue(argv[2]));
                    bulkOrNil(r, old);
                }),
                RedisCommand.of(command("getdel", 2).flags(WRITE, FAST).keys(1, 1, 1).categories("string").build(), (c, argv, r) -> {
                    StringValue old = c.keyspace().getString(argv[1]);
                    if (old != null) {
                        c.keyspace().remove(argv[1]);
                    }
                    bulkOrNil(r, old);
                }),
                RedisCommand.of(command("getex", -2).flags(WRITE, FAST).keys(1, 1, 1).categories("string").build(), StringCommands::getex),
                RedisCommand.of(command("mget", -2).flags(READONLY, FAST).keys(1, -1, 1).categories("string").build(), (c, argv, r) -> {
                    r.array(argv.length - 1);
                    for (int i = 1; i < argv.length; i++) {
                        bulkOrNil(r, c.keyspace().get(argv[i]) instanceof StringValue s ? s : null);
                    }
                }),
                RedisCommand.of(command("mset", -3).flags(WRITE, DENYOOM).keys(1, -1, 2).categories("string").build(), (c, argv, r) -> {
                    requirePairs(argv, "mset");
                    for (int i = 1; i < argv.length; i += 2) {
                        c.keyspace().set(argv[i], new StringValue(argv[i + 1]));
                    }
                    r.ok();
                }),
                RedisCommand.of(command("msetnx", -3).flags(WRITE, DENYOOM).keys(1, -1, 2).categories("string").build(), (c, argv, r) -> {
                    requirePairs(argv, "msetnx");
                    for (int i = 1; i < argv.length; i += 2) {
                        if (c.keyspace().exists(argv[i])) {
                            r.integer(0);
                            return;
                        }
                    }
                    for (int i = 1; i < argv.length; i += 2) {
                        c.keyspace().set(argv[i], new StringValue(argv[i + 1]));
                    }
                    r.integer(1);
                }),
                RedisCommand.of(command("append", 3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("string").build(), (c, argv, r) -> {
                    StringValue old = c.keyspace().getString(argv[1]);
                    if (old == null) {
                        // Redis stores the argument itself for a new key, encoded like SET's value
                        c.keyspace().set(argv[1], new StringValue(argv[2]));
                        r.integer(argv[2].length);
                        return;
                    }
                    byte[] before = old.bytes();
                    checkSize((long) before.length + argv[2].length);
                    byte[] after = new byte[before.length + argv[2].length];
                    System.arraycopy(before, 0, after, 0, before.length);
                    System.arraycopy(argv[2], 0, after, before.length, argv[2].length);
                    c.keyspace().replace(argv[1], StringValue.raw(after));
                    r.integer(after.length);
                }),
                RedisCommand.of(command("strlen", 2).flags(READONLY, FAST).keys(1, 1, 1).categories("string").build(), (c, argv, r) -> {
                    StringValue value = c.keyspace().getString(argv[1]);
                    r.integer(value == null ? 0 : value.bytes().length);
                }),
                RedisCommand.of(command("incr", 2).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("string").build(),
                        (c, argv, r) -> r.integer(incrementBy(c.keyspace(), argv[1], 1))),
                RedisCommand.of(command("decr", 2).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("string").build(),
                        (c, argv, r) -> r.integer(incrementBy(c.keyspace(), argv[1], -1))),
                RedisCommand.of(command("incrby", 3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("string").build(),
                        (c, argv, r) -> r.integer(incrementBy(c.keyspace(), argv[1], Arguments.toLong(argv[2])))),
                RedisCommand.of(command("decrby", 3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("string").build(), (c, argv, r) -> {
                    long decrement = Arguments.toLong(argv[2]);
                    if (decrement == Long.MIN_VALUE) {
                        throw new RedisException("ERR decrement would overflow");
                    }
                    r.integer(incrementBy(c.keyspace(), argv[1], -decrement));
                }),
                RedisCommand.of(command("incrbyfloat", 3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("string").build(),
                        StringCommands::incrbyfloat),
                LcsCommand.lcs(),
                RedisCommand.of(command("getrange", 4).flags(READONLY).keys(1, 1, 1).categories("string").build(), StringCommands::getrange),
                RedisCommand.of(command("substr", 4).flags(READONLY).keys(1, 1, 1).categories("string").build(), StringCommands::getrange),
                RedisCommand.of(command("setrange", 4).flags(WRITE, DENYOOM).keys(1, 1, 1).categories("string").build(), StringCommands::setrange));
    }

    private static void bulkOrNil(Reply reply, StringValue value) {
        if (value == null) {
            reply.nil();
        } else {
            reply.bulk(value.bytes());
        }
    }

    private static void requirePairs(byte[][] argv, String command) throws RedisException {
        if (argv.length % 2 == 0) {
            throw RedisException.wrongArity(command);
        }
    }

    private static void checkSize(long length) throws RedisException {
        if (length > MAX_STRING) {
            throw new RedisException("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
        }
    }

    /**
     * SET key value [NX | XX] [GET] [EX s | PX ms | EXAT s | PXAT ms | KEEPTTL]. As in Redis, an option may
     * repeat (the last amount counts) but not conflict, and the amount is checked after all options parse.
     */
    private static void set(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        boolean nx = false;
        boolean xx = false;
        boolean get = false;
        boolean keepTtl = false;
        String expiryOption = null;
        byte[] expiryAmount = null;
        for (int i = 3; i < argv.length; i++) {
            byte[] option = argv[i];
            String expiry = expiryOptionName(option);
            if (Arguments.is(option, "NX") && !xx) {
                nx = true;
            } else if (Arguments.is(option, "XX") && !nx) {
                xx = true;
            } else if (Arguments.is(option, "GET")) {
                get = true;
            } else if (Arguments.is(option, "KEEPTTL") && expiryOption == null) {
                keepTtl = true;
            } else if (expiry != null && i + 1 < argv.length && !keepTtl && (expiryOption == null || expiryOption.equals(expiry))) {
                expiryOption = expiry;
                expiryAmount = argv[++i];
            } else {
                throw RedisException.syntax();
            }
        }
        long expireAt = expiryOption == null ? Keyspace.NO_EXPIRY
                : Expiry.expireAt(expiryAmount, expiryOption.startsWith("EX"), expiryOption.endsWith("AT"), c.nowMillis(), "set");
        Keyspace keyspace = c.keyspace();
        StringValue old = get ? keyspace.getString(argv[1]) : null;
        // a plain SET does not look the key up first (Redis's lookupKeyWrite counts no hit or miss either)
        boolean exists = (nx || xx) && (get ? old != null || keyspace.exists(argv[1]) : keyspace.exists(argv[1]));
        if ((nx && exists) || (xx && !exists)) {
            if (get) {
                bulkOrNil(r, old);
            } else {
                r.nil();
            }
            return;
        }
        long keptExpiry = keepTtl ? keyspace.expireAt(argv[1]) : Keyspace.NO_EXPIRY;
        long newExpiry = keepTtl ? (keptExpiry == Keyspace.NO_KEY ? Keyspace.NO_EXPIRY : keptExpiry) : expireAt;
        keyspace.set(argv[1], new StringValue(argv[2]), newExpiry);
        if (get) {
            bulkOrNil(r, old);
        } else {
            r.ok();
        }
    }

    /** EX, PX, EXAT or PXAT in upper case, or null for another word. */
    private static String expiryOptionName(byte[] option) {
        for (String name : new String[] {"EX", "PX", "EXAT", "PXAT"}) {
            if (Arguments.is(option, name)) {
                return name;
            }
        }
        return null;
    }

    private static void setWithExpiry(CommandContext c, byte[][] argv, Reply r, boolean seconds, String command) throws RedisException {
        long expireAt = Expiry.expireAt(argv[2], seconds, false, c.nowMillis(), command);
        c.keyspace().set(argv[1], new StringValue(argv[3]), expireAt);
        r.ok();
    }

    /** GETEX key [EX s | PX ms | EXAT s | PXAT ms | PERSIST] */
    private static void getex(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        long expireAt = 0;
        boolean change = false;
        for (int i = 2; i < argv.length; i++) {
            byte[] option = argv[i];
            if (Arguments.is(option, "PERSIST") && !change) {
                expireAt = Keyspace.NO_EXPIRY;
                change = true;
            } else if (i + 1 < argv.length && !change && (Arguments.is(option, "EX") || Arguments.is(option, "PX")
                    || Arguments.is(option, "EXAT") || Arguments.is(option, "PXAT"))) {
                boolean seconds = Arguments.is(option, "EX") || Arguments.is(option, "EXAT");
                boolean absolute = Arguments.is(option, "EXAT") || Arguments.is(option, "PXAT");
                expireAt = Expiry.expireAt(argv[++i], seconds, absolute, c.nowMillis(), "getex");
                change = true;
            } else {
                throw RedisException.syntax();
            }
        }
        StringValue value = c.keyspace().getString(argv[1]);
        if (value != null && change) {
            c.keyspace().expireAt(argv[1], expireAt);
        }
        bulkOrNil(r, value);
    }

    private static long incrementBy(Keyspace keyspace, byte[] key, long increment) throws RedisException {
        StringValue old = keyspace.getString(key);
        long current = 0;
        if (old != null) {
            if (!Arguments.isLong(old.bytes())) {
                throw RedisException.notInteger();
            }
            current = Long.parseLong(new String(old.bytes(), StandardCharsets.US_ASCII));
        }
        long result;
        try {
            result = Math.addExact(current, increment);
        } catch (ArithmeticException e) {
            throw new RedisException("ERR increment or decrement would overflow");
        }
        keyspace.replace(key, StringValue.of(result));
        return result;
    }

    private static final String INFINITE_RESULT = "ERR increment would produce NaN or Infinity";

    /** INCRBYFLOAT, in long double arithmetic as Redis does it. */
    private static void incrbyfloat(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        StringValue old = c.keyspace().getString(argv[1]);
        BigDecimal current = old == null ? BigDecimal.ZERO : LongDouble.parseFinite(old.bytes(), INFINITE_RESULT);
        BigDecimal increment = LongDouble.parseFinite(argv[2], INFINITE_RESULT);
        byte[] text = LongDouble.format(LongDouble.add(current, increment)).getBytes(StandardCharsets.US_ASCII);
        c.keyspace().replace(argv[1], StringValue.text(text));
        r.bulk(text);
    }

    private static void getrange(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        long start = Arguments.toLong(argv[2]);
        long end = Arguments.toLong(argv[3]);
        StringValue value = c.keyspace().getString(argv[1]);
        byte[] bytes = value == null ? new byte[0] : value.bytes();
        long[] span = Arguments.range(start, end, bytes.length);
        if (span == null) {
            r.bulk(new byte[0]);
            return;
        }
        byte[] range = new byte[(int) (span[1] - span[0] + 1)];
        System.arraycopy(bytes, (int) span[0], range, 0, range.length);
        r.bulk(range);
    }

    private static void setrange(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        long offset = Arguments.toLong(argv[2]);
        if (offset < 0) {
            throw new RedisException("ERR offset is out of range");
        }
        byte[] patch = argv[3];
        StringValue old = c.keyspace().getString(argv[1]);
        byte[] before = old == null ? new byte[0] : old.bytes();
        if (patch.length == 0) {
            r.integer(before.length);
            return;
        }
        checkSize(offset + patch.length);
        byte[] after = new byte[(int) Math.max(before.length, offset + patch.length)];
        System.arraycopy(before, 0, after, 0, before.length);
        System.arraycopy(patch, 0, after, (int) offset, patch.length);
        c.keyspace().replace(argv[1], StringValue.raw(after));
        r.integer(after.length);
    }
}
