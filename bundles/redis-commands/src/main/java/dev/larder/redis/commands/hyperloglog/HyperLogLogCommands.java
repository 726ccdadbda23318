package dev.larder.redis.commands.hyperloglog;

import static dev.larder.redis.api.CommandFlag.DENYOOM;
import static dev.larder.redis.api.CommandFlag.FAST;
import static dev.larder.redis.api.CommandFlag.READONLY;
import static dev.larder.redis.api.CommandFlag.WRITE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.StringValue;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** PFADD, PFCOUNT and PFMERGE over Redis's HyperLogLog strings (Redis's hyperloglog.c). */
@Component
public class HyperLogLogCommands implements CommandFamily {

    private static final String NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";
    private static final String CORRUPT = "INVALIDOBJ Corrupted HLL object detected";

    @Override
    public List<RedisCommand> commands() {
        return List.of(
                RedisCommand.of(command("pfadd", -2).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("hyperloglog").build(),
                        HyperLogLogCommands::pfadd),
                RedisCommand.of(command("pfcount", -2).flags(READONLY).keys(1, -1, 1).categories("hyperloglog").build(),
                        HyperLogLogCommands::pfcount),
                RedisCommand.of(command("pfmerge", -2).flags(WRITE, DENYOOM).keys(1, -1, 1).categories("hyperloglog").build(),
                        HyperLogLogCommands::pfmerge));
    }

    /** The HLL at the key, or null when the key does not exist; WRONGTYPE when the value is not one. */
    private static HyperLogLog read(CommandContext c, byte[] key) throws RedisException {
        StringValue value = c.keyspace().getString(key);
        if (value == null) {
            return null;
        }
        HyperLogLog hll = HyperLogLog.of(value.bytes());
        if (hll == null) {
            throw new RedisException(NOT_HLL);
        }
        return hll;
    }

    private static void store(CommandContext c, byte[] key, HyperLogLog hll, boolean created) {
        // Redis keeps an HLL as a raw string, changed in place
        if (created) {
            c.keyspace().set(key, StringValue.raw(hll.toBytes()));
        } else {
            c.keyspace().replace(key, StringValue.raw(hll.toBytes()));
        }
    }

    private static void pfadd(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        HyperLogLog hll = read(c, argv[1]);
        boolean created = hll == null;
        int updated = created ? 1 : 0;
        if (created) {
            hll = HyperLogLog.empty();
        }
        for (int i = 2; i < argv.length; i++) {
            int result = hll.add(argv[i]);
            if (result < 0) {
                throw new RedisException(CORRUPT);
            }
            updated += result;
        }
        if (updated > 0) {
            hll.invalidateCache();
            store(c, argv[1], hll, created);
        }
        r.integer(updated > 0 ? 1 : 0);
    }

    /** One key: the cached count, or a fresh one that is then cached in the string. Several: the count of their union. */
    private static void pfcount(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        if (argv.length > 2) {
            int[] registers = new int[HyperLogLog.REGISTERS];
            for (int i = 1; i < argv.length; i++) {
                HyperLogLog hll = read(c, argv[i]);
                if (hll != null && !hll.mergeInto(registers)) {
                    throw new RedisException(CORRUPT);
                }
            }
            r.integer(HyperLogLog.count(registers));
            return;
        }
        HyperLogLog hll = read(c, argv[1]);
        if (hll == null) {
            r.integer(0);
            return;
        }
        long count = hll.cachedCount();
        if (count < 0) {
            count = hll.count();
            if (count < 0) {
                throw new RedisException(CORRUPT);
            }
            hll.cacheCount(count);
            store(c, argv[1], hll, false);
        }
        r.integer(count);
    }

    private static void pfmerge(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        int[] max = new int[HyperLogLog.REGISTERS];
        boolean dense = false;
        for (int i = 1; i < argv.length; i++) {
            HyperLogLog hll = read(c, argv[i]);
            if (hll == null) {
                continue;
            }
            dense |= hll.dense();
            if (!hll.mergeInto(max)) {
                throw new RedisException(CORRUPT);
            }
        }
        HyperLogLog target = read(c, argv[1]);
        boolean created = target == null;
        if (created) {
            target = HyperLogLog.empty();
        }
        if (dense && !target.toDense()) {
            throw new RedisException(CORRUPT);
        }
        for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
            if (max[i] != 0) {
                target.set(i, max[i]);
            }
        }
        target.invalidateCache();
        store(c, argv[1], target, created);
        r.ok();
    }
}
