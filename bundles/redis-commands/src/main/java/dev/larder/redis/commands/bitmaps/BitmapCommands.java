package dev.larder.redis.commands.bitmaps;

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
import dev.larder.redis.api.StringValue;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** Bit operations on strings: Redis's bitops.c (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD). */
@Component
public class BitmapCommands implements CommandFamily {

    /** 512 MB of bits, Redis's limit for a bit offset. */
    private static final long MAX_BIT_OFFSET = 512L * 1024 * 1024 * 8 - 1;

    @Override
    public List<RedisCommand> commands() {
        List<RedisCommand> commands = new java.util.ArrayList<>(BitfieldCommand.commands());
        commands.addAll(List.of(
                RedisCommand.of(command("setbit", 4).flags(WRITE, DENYOOM).keys(1, 1, 1).categories("bitmap").build(), BitmapCommands::setbit),
                RedisCommand.of(command("getbit", 3).flags(READONLY, FAST).keys(1, 1, 1).categories("bitmap").build(), (c, argv, r) -> {
                    long offset = offset(argv[2]);
                    byte[] bytes = bytes(c, argv[1]);
                    long index = offset >> 3;
                    r.integer(index < bytes.length && (bytes[(int) index] & (0x80 >> (offset & 7))) != 0 ? 1 : 0);
                }),
                RedisCommand.of(command("bitcount", -2).flags(READONLY).keys(1, 1, 1).categories("bitmap").build(), BitmapCommands::bitcount),
                RedisCommand.of(command("bitpos", -3).flags(READONLY).keys(1, 1, 1).categories("bitmap").build(), BitmapCommands::bitpos),
                RedisCommand.of(command("bitop", -4).flags(WRITE, DENYOOM).keys(2, -1, 1).categories("bitmap")
                        .docs(BitmapDocs.BITOP).build(), BitmapCommands::bitop)));
        return commands;
    }

    private static byte[] bytes(CommandContext c, byte[] key) throws RedisException {
        StringValue value = c.keyspace().getString(key);
        return value == null ? new byte[0] : value.bytes();
    }

    private static long offset(byte[] argument) throws RedisException {
        if (!Arguments.isLong(argument)) {
            throw new RedisException("ERR bit offset is not an integer or out of range");
        }
        long offset = Arguments.toLong(argument);
        if (offset < 0 || offset > MAX_BIT_OFFSET) {
            throw new RedisException("ERR bit offset is not an integer or out of range");
        }
        return offset;
    }

    private static void setbit(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        long offset = offset(argv[2]);
        if (!Arguments.is(argv[3], "0") && !Arguments.is(argv[3], "1")) {
            throw new RedisException("ERR bit is not an integer or out of range");
        }
        boolean on = argv[3][0] == '1';
        StringValue old = c.keyspace().getString(argv[1]);
        byte[] before = old == null ? new byte[0] : old.bytes();
        int index = (int) (offset >> 3);
        byte[] after = java.util.Arrays.copyOf(before, Math.max(before.length, index + 1));
        int mask = 0x80 >> (offset & 7);
        int previous = (after[index] & mask) != 0 ? 1 : 0;
        after[index] = (byte) (on ? after[index] | mask : after[index] & ~mask);
        c.keyspace().replace(argv[1], StringValue.raw(after));
        r.integer(previous);
    }

    /** BITCOUNT key [start end [BYTE | BIT]]; as in Redis, a missing key answers 0 before the range is read. */
    private static void bitcount(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        StringValue value = c.keyspace().getString(argv[1]);
        if (value == null) {
            r.integer(0);
            return;
        }
        if (argv.length == 3 || argv.length > 5) {
            throw RedisException.syntax();
        }
        boolean bits = false;
        long start = 0;
        long end = -1;
        if (argv.length >= 4) {
            start = Arguments.toLong(argv[2]);
            end = Arguments.toLong(argv[3]);
            if (argv.length == 5) {
                bits = unit(argv[4]);
            }
        }
        byte[] bytes = value.bytes();
        long length = bits ? bytes.length * 8L : bytes.length;
        long[] span = Arguments.range(start, end, length);
        if (span == null) {
            r.integer(0);
            return;
        }
        long count = 0;
        for (long i = span[0]; i <= span[1]; i++) {
            count += bits ? bit(bytes, i) : Integer.bitCount(bytes[(int) i] & 0xff);
        }
        r.integer(count);
    }

    private static boolean unit(byte[] argument) throws RedisException {
        if (Arguments.is(argument, "BIT")) {
            return true;
        }
        if (Arguments.is(argument, "BYTE")) {
            return false;
        }
        throw RedisException.syntax();
    }

    private static int bit(byte[] bytes, long offset) {
        return (bytes[(int) (offset >> 3)] & (0x80 >> (offset & 7))) != 0 ? 1 : 0;
    }

    /** BITPOS key bit [start [end [BYTE | BIT]]]; a missing key answers before the range is read. */
    private static void bitpos(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        if (argv.length > 6) {
            throw RedisException.syntax();
        }
        long wanted = Arguments.toLong(argv[2]);
        if (wanted != 0 && wanted != 1) {
            throw new RedisException("ERR The bit argument must be 1 or 0.");
        }
        StringValue value = c.keyspace().getString(argv[1]);
        if (value == null) {
            r.integer(wanted == 1 ? -1 : 0);
            return;
        }
        boolean bits = argv.length == 6 && unit(argv[5]);
        boolean endGiven = argv.length >= 5;
        long start = argv.length >= 4 ? Arguments.toLong(argv[3]) : 0;
        long end = endGiven ? Arguments.toLong(argv[4]) : -1;
        byte[] bytes = value.bytes();
        long length = bits ? bytes.length * 8L : bytes.length;
        long[] span = Arguments.range(start, end, length);
        if (span == null) {
            r.integer(-1);
            return;
        }
        long firstBit = bits ? span[0] : span[0] * 8;
        long lastBit = bits ? span[1] : span[1] * 8 + 7;
        for (long i = firstBit; i <= lastBit; i++) {
            if (bit(bytes, i) == wanted) {
                r.integer(i);
                return;
            }
        }
        // looking for a clear bit with no end given: the string continues with zeros, as Redis answers
        r.integer(wanted == 0 && !endGiven ? lastBit + 1 : -1);
    }

    /** BITOP's operations; DIFF, DIFF1 and ANDOR (Redis 8.2) set the first key against the union of the others. */
    private enum BitOp {
        AND, OR, XOR, NOT, DIFF, DIFF1, ANDOR, ONE;

        boolean againstOthers() {
            return this == DIFF || this == DIFF1 || this == ANDOR;
        }
    }

    private static BitOp bitOp(byte[] argument) throws RedisException {
        for (BitOp op : BitOp.values()) {
            if (Arguments.is(argument, op.name())) {
                return op;
            }
        }
        throw RedisException.syntax();
    }

    /** BITOP AND | OR | XOR | NOT | DIFF | DIFF1 | ANDOR | ONE destkey key [key ...] */
    private static void bitop(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        BitOp op = bitOp(argv[1]);
        if (op == BitOp.NOT && argv.length != 4) {
            throw new RedisException("ERR BITOP NOT must be called with a single source key.");
        }
        if (op.againstOthers() && argv.length < 5) {
            throw new RedisException("ERR BITOP " + op + " must be called with at least two source keys.");
        }
        byte[][] sources = new byte[argv.length - 3][];
        int longest = 0;
        for (int i = 3; i < argv.length; i++) {
            sources[i - 3] = bytes(c, argv[i]);
            longest = Math.max(longest, sources[i - 3].length);
        }
        byte[] result = new byte[longest];
        for (int i = 0; i < longest; i++) {
            result[i] = (byte) combine(op, sources, i);
        }
        if (longest == 0) {
            c.keyspace().remove(argv[2]);
        } else {
            c.keyspace().set(argv[2], StringValue.raw(result));
        }
        r.integer(longest);
    }

    /** Byte {@code i} of the result; a source shorter than that counts as zeros. */
    private static int combine(BitOp op, byte[][] sources, int i) {
        int first = byteAt(sources[0], i);
        int others = 0;
        int more = 0;
        int acc = op == BitOp.NOT ? ~first & 0xff : first;
        for (int s = 1; s < sources.length; s++) {
            int b = byteAt(sources[s], i);
            switch (op) {
                case AND -> acc &= b;
                case OR -> acc |= b;
                case XOR -> acc ^= b;
                case ONE -> {
                    more |= acc & b;
                    acc |= b;
                }
                default -> others |= b;
            }
        }
        return switch (op) {
            case DIFF -> first & ~others & 0xff;
            case DIFF1 -> ~first & others & 0xff;
            case ANDOR -> first & others;
            case ONE -> acc & ~more & 0xff;
            default -> acc;
        };
    }

    private static int byteAt(byte[] bytes, int i) {
        return i < bytes.length ? bytes[i] & 0xff : 0;
    }
}
