package dev.larder.redis.commands.hashes;

import static dev.larder.redis.api.CommandFlag.DENYOOM;
import static dev.larder.redis.api.CommandFlag.FAST;
import static dev.larder.redis.api.CommandFlag.READONLY;
import static dev.larder.redis.api.CommandFlag.WRITE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.types.HashValue;
import dev.larder.redis.commands.Expiry;
import dev.larder.redis.commands.TypedValues;
import java.util.List;

/**
 * Times to live on hash fields (Redis 7.4 and 8): HEXPIRE and its variants, HTTL and its variants,
 * HPERSIST, HGETDEL, HGETEX and HSETEX. Each takes its fields as {@code FIELDS numfields field ...}.
 */
final class FieldExpiryCommands {

    /** Per-field answers, as Redis numbers them. */
    private static final int NO_FIELD = -2;
    private static final int NO_TTL = -1;
    private static final int CONDITION_FAILED = 0;
    private static final int SET = 1;
    private static final int DELETED = 2;
    /** Redis's largest field expiry, 2^48 - 1 ms. */
    private static final long MAX_EXPIRY = (1L << 48) - 1;

    List<RedisCommand> commands() {
        return List.of(
                expire("hexpire", true, false), expire("hpexpire", false, false),
                expire("hexpireat", true, true), expire("hpexpireat", false, true),
                ttl("httl", true), ttl("hpttl", false), ttl("hexpiretime", true), ttl("hpexpiretime", false),
                RedisCommand.of(command("hpersist", -5).flags(WRITE, FAST).keys(1, 1, 1).categories("hash").build(),
                        (c, argv, r) -> perField(c, argv[1], fields(argv, 2, 1), r, true, (hash, field, current) -> {
                            if (current == HashValue.NO_EXPIRY) {
                                return NO_TTL;
                            }
                            hash.expireAt(field, HashValue.NO_EXPIRY);
                            return SET;
                        })),
                RedisCommand.of(command("hgetdel", -5).flags(WRITE, FAST).keys(1, 1, 1).categories("hash").build(), (c, argv, r) -> {
                    byte[][] fields = fields(argv, 2, 1);
                    HashValue hash = TypedValues.hash(c, argv[1]);
                    r.array(fields.length);
                    for (byte[] field : fields) {
                        byte[] value = hash == null ? null : hash.get(field);
                        HashCommands.bulkOrNil(r, value);
                        if (value != null) {
                            hash.remove(field);
                        }
                    }
                    if (hash != null) {
                        c.keyspace().modified(argv[1]);
                    }
                }),
                RedisCommand.of(command("hgetex", -5).flags(WRITE, FAST).keys(1, 1, 1).categories("hash").build(),
                        FieldExpiryCommands::hgetex),
                RedisCommand.of(command("hsetex", -6).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("hash").build(),
                        FieldExpiryCommands::hsetex));
    }

    /** One field's answer, given its expiry ({@link HashValue#NO_EXPIRY} for none); it may change the field. */
    private interface FieldAnswer {
        long answer(HashValue hash, byte[] field, long expireAt);
    }

    /**
     * An integer per field: -2 for a field (or hash) that does not exist, else what {@code answer} says.
     * For a command that {@code writes}, an answer of 1 or 2 changed the hash, which is then stored.
     */
    private static void perField(CommandContext c, byte[] key, byte[][] fields, Reply r, boolean writes, FieldAnswer answer)
            throws RedisException {
        HashValue hash = TypedValues.hash(c, key);
        r.array(fields.length);
        boolean changed = false;
        for (byte[] field : fields) {
            Long at = hash == null ? null : hash.expireAt(field);
            long reply = at == null ? NO_FIELD : answer.answer(hash, field, at);
            changed |= writes && (reply == SET || reply == DELETED);
            r.integer(reply);
        }
        if (changed) {
            c.keyspace().modified(key);
        }
    }

    /** The fields after {@code FIELDS numfields} at {@code at}, which must end the command ({@code width} arguments each). */
    private static byte[][] fields(byte[][] argv, int at, int width) throws RedisException {
        if (at >= argv.length || !Arguments.is(argv[at], "FIELDS")) {
            throw new RedisException("ERR Mandatory argument FIELDS is missing or not at the right position");
        }
        if (at + 1 >= argv.length) {
            throw RedisException.wrongArity(Arguments.text(argv[0]).toLowerCase(java.util.Locale.ROOT));
        }
        long count;
        try {
            count = Arguments.toLong(argv[at + 1]);
        } catch (RedisException e) {
            throw new RedisException("ERR Number of fields must be a positive integer");
        }
        if (count <= 0) {
            throw new RedisException("ERR Number of fields must be a positive integer");
        }
        if (count * width != argv.length - at - 2) {
            throw new RedisException("ERR The `numfields` parameter must match the number of arguments");
        }
        byte[][] fields = new byte[(int) count][];
        for (int i = 0; i < count; i++) {
            fields[i] = argv[at + 2 + i * width];
        }
        return fields;
    }

    /** HEXPIRE key time [NX | XX | GT | LT] FIELDS numfields field ... */
    private static RedisCommand expire(String name, boolean seconds, boolean absolute) {
        return RedisCommand.of(command(name, -6).flags(WRITE, FAST).keys(1, 1, 1).categories("hash").build(), (c, argv, r) -> {
            long amount = Arguments.toLong(argv[2]);
            if (amount < 0 || amount > MAX_EXPIRY / (seconds ? 1000 : 1)) {
                throw Expiry.invalid(name);
            }
            long millis = seconds ? amount * 1000 : amount;
            long at = absolute ? millis : c.nowMillis() + millis;
            if (at > MAX_EXPIRY) {
                throw Expiry.invalid(name);
            }
            int fieldsAt = 3;
            String condition = null;
            if (fieldsAt < argv.length && !Arguments.is(argv[fieldsAt], "FIELDS")) {
                condition = Arguments.text(argv[fieldsAt]).toUpperCase(java.util.Locale.ROOT);
                if (!List.of("NX", "XX", "GT", "LT").contains(condition)) {
                    throw new RedisException("ERR unknown argument: " + Arguments.text(argv[fieldsAt]));
                }
                fieldsAt++;
            }
            String rule = condition;
            perField(c, argv[1], fields(argv, fieldsAt, 1), r, true, (hash, field, current) -> {
                boolean persistent = current == HashValue.NO_EXPIRY;
                boolean allowed = rule == null
                        || rule.equals("NX") && persistent
                        || rule.equals("XX") && !persistent
                        || rule.equals("GT") && !persistent && at > current
                        || rule.equals("LT") && (persistent || at < current);
                if (!allowed) {
                    return CONDITION_FAILED;
                }
                if (at <= c.nowMillis()) {
                    hash.remove(field);
                    return DELETED;
                }
                hash.expireAt(field, at);
                return SET;
            });
        });
    }

    /** HTTL, HPTTL (time left) and HEXPIRETIME, HPEXPIRETIME (the Unix time): -2 for a missing field, -1 without a time to live. */
    private static RedisCommand ttl(String name, boolean seconds) {
        boolean timeLeft = name.endsWith("ttl");
        return RedisCommand.of(command(name, -5).flags(READONLY, FAST).keys(1, 1, 1).categories("hash").build(), (c, argv, r) -> {
            perField(c, argv[1], fields(argv, 2, 1), r, false, (hash, field, at) -> {
                if (at == HashValue.NO_EXPIRY) {
                    return NO_TTL;
                }
                long shown = timeLeft ? Math.max(0, at - c.nowMillis()) : at;
                return seconds ? (timeLeft ? (shown + 999) / 1000 : shown / 1000) : shown;
            });
        });
    }

    /** Where an EX/PX/EXAT/PXAT option puts the expiry, or null for other words. */
    private static Long expiryOption(CommandContext c, byte[][] argv, int i, String name) throws RedisException {
        String option = Arguments.text(argv[i]).toUpperCase(java.util.Locale.ROOT);
        if (!List.of("EX", "PX", "EXAT", "PXAT").contains(option)) {
            return null;
        }
        if (i + 1 >= argv.length) {
            throw RedisException.syntax();
        }
        return Expiry.expireAt(argv[i + 1], option.startsWith("EX"), option.endsWith("AT"), c.nowMillis(), name);
    }

    /** HGETEX key [EX s | PX ms | EXAT t | PXAT t | PERSIST] FIELDS numfields field ... */
    private static void hgetex(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        int fieldsAt = 2;
        Long at = null;
        boolean persist = false;
        if (!Arguments.is(argv[2], "FIELDS")) {
            if (Arguments.is(argv[2], "PERSIST")) {
                persist = true;
                fieldsAt = 3;
            } else {
                at = expiryOption(c, argv, 2, "hgetex");
                if (at == null) {
                    throw RedisException.syntax();
                }
                fieldsAt = 4;
            }
        }
        byte[][] fields = fields(argv, fieldsAt, 1);
        HashValue hash = TypedValues.hash(c, argv[1]);
        r.array(fields.length);
        boolean changed = false;
        for (byte[] field : fields) {
            byte[] value = hash == null ? null : hash.get(field);
            HashCommands.bulkOrNil(r, value);
            if (value == null) {
                continue;
            }
            if (persist) {
                hash.expireAt(field, HashValue.NO_EXPIRY);
                changed = true;
            } else if (at != null) {
                if (at <= c.nowMillis()) {
                    hash.remove(field);
                } else {
                    hash.expireAt(field, at);
                }
                changed = true;
            }
        }
        if (changed) {
            c.keyspace().modified(argv[1]);
        }
    }

    /** HSETEX key [FNX | FXX] [EX s | PX ms | EXAT t | PXAT t | KEEPTTL] FIELDS numfields field value ... */
    private static void hsetex(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        boolean onlyNew = false;
        boolean onlyExisting = false;
        boolean keepTtl = false;
        Long at = null;
        int i = 2;
        while (i < argv.length && !Arguments.is(argv[i], "FIELDS")) {
            if (Arguments.is(argv[i], "FNX") && !onlyExisting) {
                onlyNew = true;
                i++;
            } else if (Arguments.is(argv[i], "FXX") && !onlyNew) {
                onlyExisting = true;
                i++;
            } else if (Arguments.is(argv[i], "KEEPTTL") && at == null) {
                keepTtl = true;
                i++;
            } else if (!keepTtl && at == null && (at = expiryOption(c, argv, i, "hsetex")) != null) {
                i += 2;
            } else {
                throw RedisException.syntax();
            }
        }
        byte[][] fields = fields(argv, i, 2);
        HashValue hash = TypedValues.hash(c, argv[1]);
        for (byte[] field : fields) {
            boolean exists = hash != null && hash.get(field) != null;
            if (onlyNew && exists || onlyExisting && !exists) {
                r.integer(0);
                return;
            }
        }
        boolean created = hash == null;
        if (created) {
            hash = new HashValue();
        }
        for (int f = 0; f < fields.length; f++) {
            byte[] field = fields[f];
            Long kept = keepTtl ? hash.expireAt(field) : null;
            hash.put(field, argv[i + 3 + f * 2]);
            if (kept != null && kept != HashValue.NO_EXPIRY) {
                hash.expireAt(field, kept);
            } else if (at != null) {
                if (at <= c.nowMillis()) {
                    hash.remove(field);
                } else {
                    hash.expireAt(field, at);
                }
            }
        }
        if (created) {
            if (!hash.isEmpty()) {
                c.keyspace().set(argv[1], hash);
            }
        } else {
            c.keyspace().modified(argv[1]);
        }
        r.integer(1);
    }
}
