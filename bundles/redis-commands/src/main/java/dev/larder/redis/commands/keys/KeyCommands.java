package dev.larder.redis.commands.keys;

import static dev.larder.redis.api.CommandFlag.DENYOOM;
import static dev.larder.redis.api.CommandFlag.FAST;
import static dev.larder.redis.api.CommandFlag.READONLY;
import static dev.larder.redis.api.CommandFlag.WRITE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.GlobPattern;
import dev.larder.redis.api.Keyspace;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.RedisValue;
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.StringValue;
import dev.larder.redis.commands.Expiry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.osgi.service.component.annotations.Component;

/** The keyspace: existence, types, expiry, renames, listing (Redis's db.c and expire.c). */
@Component
public class KeyCommands implements CommandFamily {

    @Override
    public List<RedisCommand> commands() {
        List<RedisCommand> commands = new java.util.ArrayList<>(DumpRestoreCommands.commands());
        commands.addAll(List.of(
                RedisCommand.of(command("del", -2).flags(WRITE).keys(1, -1, 1).categories("keyspace")
                        .docs(KeyDocs.DEL).build(), KeyCommands::delete),
                RedisCommand.of(command("unlink", -2).flags(WRITE, FAST).keys(1, -1, 1).categories("keyspace").build(), KeyCommands::delete),
                RedisCommand.of(command("exists", -2).flags(READONLY, FAST).keys(1, -1, 1).categories("keyspace").build(), KeyCommands::countExisting),
                RedisCommand.of(command("touch", -2).flags(READONLY, FAST).keys(1, -1, 1).categories("keyspace").build(), KeyCommands::countExisting),
                RedisCommand.of(command("type", 2).flags(READONLY, FAST).keys(1, 1, 1).categories("keyspace").build(), (c, argv, r) -> {
                    RedisValue value = c.keyspace().get(argv[1]);
                    r.simple(value == null ? "none" : value.typeName());
                }),
                RedisCommand.of(command("expire", -3).flags(WRITE, FAST).keys(1, 1, 1).categories("keyspace").docs(KeyDocs.EXPIRE).build(),
                        (c, argv, r) -> expire(c, argv, r, true, false, "expire")),
                RedisCommand.of(command("pexpire", -3).flags(WRITE, FAST).keys(1, 1, 1).categories("keyspace").build(),
                        (c, argv, r) -> expire(c, argv, r, false, false, "pexpire")),
                RedisCommand.of(command("expireat", -3).flags(WRITE, FAST).keys(1, 1, 1).categories("keyspace").build(),
                        (c, argv, r) -> expire(c, argv, r, true, true, "expireat")),
                RedisCommand.of(command("pexpireat", -3).flags(WRITE, FAST).keys(1, 1, 1).categories("keyspace").build(),
                        (c, argv, r) -> expire(c, argv, r, false, true, "pexpireat")),
                RedisCommand.of(command("ttl", 2).flags(READONLY, FAST).keys(1, 1, 1).categories("keyspace").build(),
                        (c, argv, r) -> r.integer(ttl(c, argv[1], true))),
                RedisCommand.of(command("pttl", 2).flags(READONLY, FAST).keys(1, 1, 1).categories("keyspace").build(),
                        (c, argv, r) -> r.integer(ttl(c, argv[1], false))),
                RedisCommand.of(command("expiretime", 2).flags(READONLY, FAST).keys(1, 1, 1).categories("keyspace").build(), (c, argv, r) -> {
                    long at = c.keyspace().expireAt(argv[1]);
                    r.integer(at < 0 ? at : at / 1000);
                }),
                RedisCommand.of(command("pexpiretime", 2).flags(READONLY, FAST).keys(1, 1, 1).categories("keyspace").build(),
                        (c, argv, r) -> r.integer(c.keyspace().expireAt(argv[1]))),
                RedisCommand.of(command("persist", 2).flags(WRITE, FAST).keys(1, 1, 1).categories("keyspace").build(), (c, argv, r) -> {
                    boolean hadExpiry = c.keyspace().expireAt(argv[1]) >= 0;
                    if (hadExpiry) {
                        c.keyspace().expireAt(argv[1], Keyspace.NO_EXPIRY);
                    }
                    r.integer(hadExpiry ? 1 : 0);
                }),
                RedisCommand.of(command("rename", 3).flags(WRITE).keys(1, 2, 1).categories("keyspace").build(),
                        (c, argv, r) -> rename(c, argv, r, false)),
                RedisCommand.of(command("renamenx", 3).flags(WRITE, FAST).keys(1, 2, 1).categories("keyspace").build(),
                        (c, argv, r) -> rename(c, argv, r, true)),
                RedisCommand.of(command("keys", 2).flags(READONLY).categories("keyspace", "dangerous").build(), (c, argv, r) -> {
                    List<byte[]> found = new ArrayList<>();
                    boolean all = GlobPattern.selectsEverything(argv[1]);
                    c.keyspace().forEachKey(key -> {
                        if (all || GlobPattern.matches(argv[1], key)) {
                            found.add(key);
                        }
                    });
                    r.array(found.size());
                    found.forEach(r::bulk);
                }),
                RedisCommand.of(command("randomkey", 1).flags(READONLY).categories("keyspace").build(), (c, argv, r) -> {
                    byte[] key = c.keyspace().randomKey();
                    if (key == null) {
                        r.nil();
                    } else {
                        r.bulk(key);
                    }
                }),
                RedisCommand.of(command("copy", -3).flags(WRITE, DENYOOM).keys(1, 2, 1).categories("keyspace").build(), KeyCommands::copy),
                RedisCommand.of(command("move", 3).flags(WRITE, FAST).keys(1, 1, 1).categories("keyspace").build(), KeyCommands::move),
                RedisCommand.of(command("swapdb", 3).flags(WRITE, FAST).categories("keyspace", "dangerous").build(), (c, argv, r) -> {
                    int first = databaseIndex(c, argv[1], "ERR invalid first DB index");
                    int second = databaseIndex(c, argv[2], "ERR invalid second DB index");
                    if (first != second) {
                        c.swapDatabases(first, second);
                    }
                    r.ok();
                }),
                RedisCommand.of(command("object", -2).flags(READONLY).keys(2, 2, 1).categories("keyspace").build(), KeyCommands::object),
                RedisCommand.of(command("scan", -2).flags(READONLY).categories("keyspace").build(), KeyCommands::scan),
                RedisCommand.of(command("dbsize", 1).flags(READONLY, FAST).categories("keyspace").build(),
                        (c, argv, r) -> r.integer(c.keyspace().size())),
                RedisCommand.of(command("flushdb", -1).flags(WRITE).categories("keyspace", "dangerous").build(), (c, argv, r) -> {
                    checkFlushMode(argv);
                    c.keyspace().clear();
                    r.ok();
                }),
                RedisCommand.of(command("flushall", -1).flags(WRITE).categories("keyspace", "dangerous").build(), (c, argv, r) -> {
                    checkFlushMode(argv);
                    for (int i = 0; i < c.databases(); i++) {
                        c.keyspace(i).clear();
                    }
                    r.ok();
                })));
        return commands;
    }

    private static void delete(CommandContext c, byte[][] argv, Reply r) {
        long removed = 0;
        for (int i = 1; i < argv.length; i++) {
            removed += c.keyspace().remove(argv[i]) ? 1 : 0;
        }
        r.integer(removed);
    }

    /** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] */
    private static void scan(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        long cursor;
        try {
            cursor = Long.parseUnsignedLong(Arguments.text(argv[1]));
        } catch (NumberFormatException e) {
            throw new RedisException("ERR invalid cursor");
        }
        byte[] pattern = null;
        String type = null;
        long count = 10;
        for (int i = 2; i < argv.length; i++) {
            if (i + 1 >= argv.length) {
                throw RedisException.syntax();
            }
            if (Arguments.is(argv[i], "MATCH")) {
                pattern = argv[++i];
            } else if (Arguments.is(argv[i], "COUNT")) {
                count = Arguments.toLong(argv[++i]);
                if (count < 1) {
                    throw RedisException.syntax();
                }
            } else if (Arguments.is(argv[i], "TYPE")) {
                type = Arguments.text(argv[++i]);
            } else {
                throw RedisException.syntax();
            }
        }
        List<byte[]> keys = new ArrayList<>();
        long next = c.keyspace().scan(cursor, (int) Math.min(count, 1_000_000), keys::add);
        byte[] match = pattern == null || GlobPattern.selectsEverything(pattern) ? null : pattern;
        String wantedType = type;
        List<byte[]> shown = keys.stream()
                .filter(key -> match == null || GlobPattern.matches(match, key))
                .filter(key -> wantedType == null || wantedType.equalsIgnoreCase(c.keyspace().get(key).typeName()))
                .toList();
        r.array(2);
        r.bulk(Long.toUnsignedString(next));
        r.array(shown.size());
        shown.forEach(r::bulk);
    }

    /** OBJECT ENCODING | REFCOUNT | IDLETIME | FREQ key */
    private static void object(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        boolean known = Arguments.is(argv[1], "ENCODING") || Arguments.is(argv[1], "REFCOUNT")
                || Arguments.is(argv[1], "IDLETIME") || Arguments.is(argv[1], "FREQ");
        if (!known) {
            throw RedisException.unknownSubcommand("OBJECT", argv[1]);
        }
        if (argv.length != 3) {
            throw RedisException.wrongArity("object|" + Arguments.text(argv[1]).toLowerCase(Locale.ROOT));
        }
        if (Arguments.is(argv[1], "FREQ")) {
            int frequency = c.keyspace().accessFrequency(argv[2]);
            if (frequency < 0) {
                r.nil();
            } else {
                r.integer(frequency);
            }
            return;
        }
        if (Arguments.is(argv[1], "IDLETIME")) {
            long idle = c.keyspace().idleMillis(argv[2]);
            if (idle < 0) {
                r.nil();
            } else {
                r.integer(idle / 1000);
            }
            return;
        }
        RedisValue value = c.keyspace().get(argv[2]);
        if (value == null) {
            r.nil();
        } else if (Arguments.is(argv[1], "ENCODING")) {
            r.bulk(value.encoding());
        } else if (Arguments.is(argv[1], "REFCOUNT")) {
            r.integer(value instanceof StringValue s && s.isSharedInteger() ? Integer.MAX_VALUE : 1);
        }
    }

    /** COPY source destination [DB destination-db] [REPLACE] */
    private static void copy(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        Keyspace target = c.keyspace();
        boolean replace = false;
        for (int i = 3; i < argv.length; i++) {
            if (Arguments.is(argv[i], "REPLACE")) {
                replace = true;
            } else if (Arguments.is(argv[i], "DB") && i + 1 < argv.length) {
                long index = Arguments.toLong(argv[++i]);
                if (index < 0 || index >= c.databases()) {
                    throw new RedisException("ERR DB index is out of range");
                }
                target = c.keyspace((int) index);
            } else {
                throw RedisException.syntax();
            }
        }
        Keyspace source = c.keyspace();
        if (source.index() == target.index() && java.util.Arrays.equals(argv[1], argv[2])) {
            throw new RedisException("ERR source and destination objects are the same");
        }
        RedisValue value = source.get(argv[1]);
        if (value == null || (!replace && target.exists(argv[2]))) {
            r.integer(0);
            return;
        }
        // values are immutable, so the copy may share them
        target.set(argv[2], value, source.expireAt(argv[1]));
        r.integer(1);
    }

    /** MOVE key db: only when the key exists here and not there. */
    private static void move(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        int index = databaseIndex(c, argv[2], RedisException.notInteger().getMessage());
        if (index == c.keyspace().index()) {
            throw new RedisException("ERR source and destination objects are the same");
        }
        Keyspace source = c.keyspace();
        Keyspace target = c.keyspace(index);
        RedisValue value = source.get(argv[1]);
        if (value == null || target.exists(argv[1])) {
            r.integer(0);
            return;
        }
        long expireAt = source.expireAt(argv[1]);
        source.remove(argv[1]);
        target.set(argv[1], value, expireAt);
        r.integer(1);
    }

    /** A logical database index; {@code notInteger} is the error for a non-number, as the command words it. */
    private static int databaseIndex(CommandContext c, byte[] argument, String notInteger) throws RedisException {
        if (!Arguments.isLong(argument)) {
            throw new RedisException(notInteger);
        }
        long index = Arguments.toLong(argument);
        if (index < 0 || index >= c.databases()) {
            throw new RedisException("ERR DB index is out of range");
        }
        return (int) index;
    }

    /** EXISTS and TOUCH: how many of the keys exist, a key named twice counted twice. */
    private static void countExisting(CommandContext c, byte[][] argv, Reply r) {
        long count = 0;
        for (int i = 1; i < argv.length; i++) {
            count += c.keyspace().exists(argv[i]) ? 1 : 0;
        }
        r.integer(count);
    }

    private static void checkFlushMode(byte[][] argv) throws RedisException {
        if (argv.length > 2 || (argv.length == 2 && !Arguments.is(argv[1], "ASYNC") && !Arguments.is(argv[1], "SYNC"))) {
            throw RedisException.syntax();
        }
    }

    /** EXPIRE key amount [NX | XX | GT | LT], with Redis 7's option rules. */
    private static void expire(CommandContext c, byte[][] argv, Reply r, boolean seconds, boolean absolute, String command)
            throws RedisException {
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        for (int i = 3; i < argv.length; i++) {
            if (Arguments.is(argv[i], "NX")) {
                nx = true;
            } else if (Arguments.is(argv[i], "XX")) {
                xx = true;
            } else if (Arguments.is(argv[i], "GT")) {
                gt = true;
            } else if (Arguments.is(argv[i], "LT")) {
                lt = true;
            } else {
                throw new RedisException("ERR Unsupported option " + Arguments.text(argv[i]));
            }
        }
        if (nx && (xx || gt || lt)) {
            throw new RedisException("ERR NX and XX, GT or LT options at the same time are not compatible");
        }
        if (gt && lt) {
            throw new RedisException("ERR GT and LT options at the same time are not compatible");
        }
        long amount = Arguments.toLong(argv[2]);
        long millis;
        try {
            millis = seconds ? Math.multiplyExact(amount, 1000L) : amount;
            if (!absolute) {
                millis = Math.addExact(millis, c.nowMillis());
            }
        } catch (ArithmeticException e) {
            throw Expiry.invalid(command);
        }
        Keyspace keyspace = c.keyspace();
        long current = keyspace.expireAt(argv[1]);
        if (current == Keyspace.NO_KEY) {
            r.integer(0);
            return;
        }
        boolean persistent = current == Keyspace.NO_EXPIRY;
        if ((nx && !persistent) || (xx && persistent) || (gt && (persistent || millis <= current)) || (lt && !persistent && millis >= current)) {
            r.integer(0);
            return;
        }
        keyspace.expireAt(argv[1], Math.max(millis, 0));
        r.integer(1);
    }

    private static long ttl(CommandContext c, byte[] key, boolean seconds) {
        long at = c.keyspace().expireAt(key);
        if (at < 0) {
            return at;
        }
        long left = Math.max(0, at - c.nowMillis());
        return seconds ? (left + 500) / 1000 : left;
    }

    private static void rename(CommandContext c, byte[][] argv, Reply r, boolean onlyIfNew) throws RedisException {
        Keyspace keyspace = c.keyspace();
        RedisValue value = keyspace.get(argv[1]);
        if (value == null) {
            throw RedisException.noSuchKey();
        }
        if (onlyIfNew && keyspace.exists(argv[2])) {
            r.integer(0);
            return;
        }
        long expireAt = keyspace.expireAt(argv[1]);
        keyspace.remove(argv[1]);
        keyspace.set(argv[2], value, expireAt);
        if (onlyIfNew) {
            r.integer(1);
        } else {
            r.ok();
        }
    }
}
