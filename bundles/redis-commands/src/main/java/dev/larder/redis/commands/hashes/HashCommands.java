package dev.larder.redis.commands.hashes;

import static dev.larder.redis.api.CommandFlag.DENYOOM;
import static dev.larder.redis.api.CommandFlag.FAST;
import static dev.larder.redis.api.CommandFlag.READONLY;
import static dev.larder.redis.api.CommandFlag.WRITE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.LongDouble;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.types.Bytes;
import dev.larder.redis.api.types.HashValue;
import dev.larder.redis.commands.CollectionScan;
import dev.larder.redis.commands.RandomPicks;
import dev.larder.redis.commands.TypedValues;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** Hashes: Redis's t_hash.c. */
@Component
public class HashCommands implements CommandFamily {

    @Override
    public List<RedisCommand> commands() {
        List<RedisCommand> commands = new ArrayList<>(List.of(
                RedisCommand.of(command("hset", -4).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("hash")
                        .docs(HashDocs.HSET).build(),
                        (c, argv, r) -> r.integer(set(c, argv, "hset"))),
                RedisCommand.of(command("hmset", -4).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("hash").build(), (c, argv, r) -> {
                    set(c, argv, "hmset");
                    r.ok();
                }),
                RedisCommand.of(command("hsetnx", 4).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("hash").build(), (c, argv, r) -> {
                    HashValue hash = TypedValues.hash(c, argv[1]);
                    if (hash != null && hash.get(argv[2]) != null) {
                        r.integer(0);
                        return;
                    }
                    put(c, argv[1], hash, argv[2], argv[3]);
                    r.integer(1);
                }),
                RedisCommand.of(command("hget", 3).flags(READONLY, FAST).keys(1, 1, 1).categories("hash").build(), (c, argv, r) -> {
                    HashValue hash = TypedValues.hash(c, argv[1]);
                    bulkOrNil(r, hash == null ? null : hash.get(argv[2]));
                }),
                RedisCommand.of(command("hmget", -3).flags(READONLY, FAST).keys(1, 1, 1).categories("hash").build(), (c, argv, r) -> {
                    HashValue hash = TypedValues.hash(c, argv[1]);
                    r.array(argv.length - 2);
                    for (int i = 2; i < argv.length; i++) {
                        bulkOrNil(r, hash == null ? null : hash.get(argv[i]));
                    }
                }),
                RedisCommand.of(command("hdel", -3).flags(WRITE, FAST).keys(1, 1, 1).categories("hash").build(), (c, argv, r) -> {
                    HashValue hash = TypedValues.hash(c, argv[1]);
                    long removed = 0;
                    if (hash != null) {
                        for (int i = 2; i < argv.length; i++) {
                            removed += hash.remove(argv[i]) ? 1 : 0;
                        }
                        c.keyspace().modified(argv[1]);
                    }
                    r.integer(removed);
                }),
                RedisCommand.of(command("hlen", 2).flags(READONLY, FAST).keys(1, 1, 1).categories("hash").build(), (c, argv, r) -> {
                    HashValue hash = TypedValues.hash(c, argv[1]);
                    r.integer(hash == null ? 0 : hash.size());
                }),
                RedisCommand.of(command("hstrlen", 3).flags(READONLY, FAST).keys(1, 1, 1).categories("hash").build(), (c, argv, r) -> {
                    HashValue hash = TypedValues.hash(c, argv[1]);
                    byte[] value = hash == null ? null : hash.get(argv[2]);
                    r.integer(value == null ? 0 : value.length);
                }),
                RedisCommand.of(command("hexists", 3).flags(READONLY, FAST).keys(1, 1, 1).categories("hash").build(), (c, argv, r) -> {
                    HashValue hash = TypedValues.hash(c, argv[1]);
                    r.integer(hash != null && hash.get(argv[2]) != null ? 1 : 0);
                }),
                RedisCommand.of(command("hkeys", 2).flags(READONLY).keys(1, 1, 1).categories("hash").build(),
                        (c, argv, r) -> all(c, argv[1], r, true, false)),
                RedisCommand.of(command("hvals", 2).flags(READONLY).keys(1, 1, 1).categories("hash").build(),
                        (c, argv, r) -> all(c, argv[1], r, false, true)),
                RedisCommand.of(command("hgetall", 2).flags(READONLY).keys(1, 1, 1).categories("hash").build(),
                        (c, argv, r) -> all(c, argv[1], r, true, true)),
                RedisCommand.of(command("hincrby", 4).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("hash").build(),
                        HashCommands::hincrby),
                RedisCommand.of(command("hincrbyfloat", 4).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("hash").build(),
                        HashCommands::hincrbyfloat),
                RedisCommand.of(command("hrandfield", -2).flags(READONLY).keys(1, 1, 1).categories("hash").build(), HashCommands::hrandfield),
                RedisCommand.of(command("hscan", -3).flags(READONLY).keys(1, 1, 1).categories("hash").build(), (c, argv, r) -> {
                    CollectionScan scan = CollectionScan.parse(argv, true);
                    HashValue hash = TypedValues.hash(c, argv[1]);
                    scan.reply(r, true, (cursor, found) -> hash == null ? 0 : hash.scan(cursor, (field, value) -> {
                        found.add(field.bytes());
                        found.add(value);
                    }));
                })));
        commands.addAll(new FieldExpiryCommands().commands());
        return commands;
    }

    static void bulkOrNil(Reply r, byte[] value) {
        if (value == null) {
            r.nil();
        } else {
            r.bulk(value);
        }
    }

    /** HSET and HMSET: every pair; returns how many fields are new. */
    private static long set(CommandContext c, byte[][] argv, String name) throws RedisException {
        if (argv.length % 2 != 0) {
            throw RedisException.wrongArity(name);
        }
        HashValue hash = TypedValues.hash(c, argv[1]);
        boolean created = hash == null;
        if (created) {
            hash = new HashValue();
        }
        long added = 0;
        for (int i = 2; i < argv.length; i += 2) {
            added += hash.put(argv[i], argv[i + 1]) ? 1 : 0;
        }
        store(c, argv[1], hash, created);
        return added;
    }

    /** Sets one field, creating the hash when {@code hash} is null. */
    static void put(CommandContext c, byte[] key, HashValue hash, byte[] field, byte[] value) {
        boolean created = hash == null;
        if (created) {
            hash = new HashValue();
        }
        hash.put(field, value);
        store(c, key, hash, created);
    }

    private static void store(CommandContext c, byte[] key, HashValue hash, boolean created) {
        if (created) {
            c.keyspace().set(key, hash);
        } else {
            c.keyspace().modified(key);
        }
    }

    private static void all(CommandContext c, byte[] key, Reply r, boolean fields, boolean values) throws RedisException {
        HashValue hash = TypedValues.hash(c, key);
        if (hash == null) {
            if (fields && values) {
                r.map(0);
            } else {
                r.array(0);
            }
            return;
        }
        if (fields && values) {
            r.map(hash.size());
        } else {
            r.array(hash.size());
        }
        hash.forEach((field, value) -> {
            if (fields) {
                r.bulk(field.bytes());
            }
            if (values) {
                r.bulk(value);
            }
        });
    }

    private static void hincrby(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        long increment = Arguments.toLong(argv[3]);
        HashValue hash = TypedValues.hash(c, argv[1]);
        byte[] old = hash == null ? null : hash.get(argv[2]);
        long current = 0;
        if (old != null) {
            if (!Arguments.isLong(old)) {
                throw new RedisException("ERR hash value is not an integer");
            }
            current = Long.parseLong(new String(old, StandardCharsets.US_ASCII));
        }
        long result;
        try {
            result = Math.addExact(current, increment);
        } catch (ArithmeticException e) {
            throw new RedisException("ERR increment or decrement would overflow");
        }
        put(c, argv[1], hash, argv[2], Long.toString(result).getBytes(StandardCharsets.US_ASCII));
        r.integer(result);
    }

    /** In long double arithmetic, as Redis does it. */
    private static void hincrbyfloat(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        BigDecimal increment = LongDouble.parseFinite(argv[3], "ERR value is NaN or Infinity");
        HashValue hash = TypedValues.hash(c, argv[1]);
        byte[] old = hash == null ? null : hash.get(argv[2]);
        BigDecimal current = BigDecimal.ZERO;
        if (old != null) {
            try {
                current = LongDouble.parseFinite(old, "ERR increment would produce NaN or Infinity");
            } catch (RedisException notANumber) {
                if (notANumber.getMessage().contains("NaN")) {
                    throw notANumber;
                }
                throw new RedisException("ERR hash value is not a float");
            }
        }
        byte[] text = LongDouble.format(LongDouble.add(current, increment)).getBytes(StandardCharsets.US_ASCII);
        put(c, argv[1], hash, argv[2], text);
        r.bulk(text);
    }

    /** HRANDFIELD key [count [WITHVALUES]] */
    private static void hrandfield(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        if (argv.length > 4 || argv.length == 4 && !Arguments.is(argv[3], "WITHVALUES")) {
            throw RedisException.syntax();
        }
        boolean withValues = argv.length == 4;
        if (argv.length == 2) {
            HashValue hash = TypedValues.hash(c, argv[1]);
            bulkOrNil(r, hash == null ? null : hash.randomField(RandomPicks.random()).bytes());
            return;
        }
        long count = RandomPicks.count(argv[2], withValues);
        HashValue hash = TypedValues.hash(c, argv[1]);
        List<Bytes> picked = hash == null ? List.of() : RandomPicks.pick(count, hash.size(), hash::randomField,
                action -> hash.forEach((field, value) -> action.accept(field)));
        RandomPicks.reply(c, r, picked, withValues, field -> r.bulk(hash.get(field)));
    }
}
