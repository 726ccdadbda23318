package dev.larder.redis.commands.bitmaps;

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
import dev.larder.redis.api.StringValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * BITFIELD and BITFIELD_RO: integers of 1 to 64 bits at any bit offset of a string, as Redis's bitops.c
 * reads and writes them (most significant bit first), with its WRAP, SAT and FAIL overflow rules.
 */
final class BitfieldCommand {

    private static final long MAX_BYTES = 512L * 1024 * 1024;

    private enum Operation { GET, SET, INCRBY }

    private enum Overflow { WRAP, SAT, FAIL }

    private record Field(Operation operation, boolean signed, int bits, long offset, long value, Overflow overflow) {
    }

    private BitfieldCommand() {
    }

    static List<RedisCommand> commands() {
        return List.of(
                RedisCommand.of(command("bitfield", -2).flags(WRITE, DENYOOM).keys(1, 1, 1).categories("bitmap").build(),
                        (c, argv, r) -> bitfield(c, argv, r, false)),
                RedisCommand.of(command("bitfield_ro", -2).flags(READONLY, FAST).keys(1, 1, 1).categories("bitmap").build(),
                        (c, argv, r) -> bitfield(c, argv, r, true)));
    }

    private static void bitfield(CommandContext c, byte[][] argv, Reply r, boolean readOnlyCommand) throws RedisException {
        List<Field> fields = new ArrayList<>();
        Overflow overflow = Overflow.WRAP;
        boolean writes = false;
        long highestWrittenBit = 0;
        for (int j = 2; j < argv.length; j++) {
            int remaining = argv.length - j - 1;
            Operation operation;
            if (Arguments.is(argv[j], "GET") && remaining >= 2) {
                operation = Operation.GET;
            } else if (Arguments.is(argv[j], "SET") && remaining >= 3) {
                operation = Operation.SET;
            } else if (Arguments.is(argv[j], "INCRBY") && remaining >= 3) {
                operation = Operation.INCRBY;
            } else if (Arguments.is(argv[j], "OVERFLOW") && remaining >= 1) {
                overflow = overflow(argv[++j]);
                continue;
            } else {
                throw RedisException.syntax();
            }
            byte[] type = argv[j + 1];
            boolean signed = type.length > 0 && type[0] == 'i';
            int bits = bits(type);
            long offset = offset(argv[j + 2], bits);
            long value = 0;
            if (operation != Operation.GET) {
                writes = true;
                highestWrittenBit = Math.max(highestWrittenBit, offset + bits - 1);
                value = Arguments.toLong(argv[j + 3]);
            }
            fields.add(new Field(operation, signed, bits, offset, value, overflow));
            j += operation == Operation.GET ? 2 : 3;
        }
        if (writes && readOnlyCommand) {
            throw new RedisException("ERR BITFIELD_RO only supports the GET subcommand");
        }
        StringValue existing = c.keyspace().getString(argv[1]);
        byte[] bytes = existing == null ? new byte[0] : existing.bytes();
        if (writes) {
            // as Redis: the string is created or grown to the highest bit written, even if every write fails
            bytes = Arrays.copyOf(bytes, (int) Math.max(bytes.length, (highestWrittenBit >> 3) + 1));
        }
        r.array(fields.size());
        for (Field field : fields) {
            long old = read(bytes, field.offset, field.bits, field.signed);
            if (field.operation == Operation.GET) {
                r.integer(old);
                continue;
            }
            long wanted = field.operation == Operation.SET ? field.value : old + field.value;
            long[] result = field.signed
                    ? signedOverflow(field.operation == Operation.SET ? field.value : old,
                            field.operation == Operation.SET ? 0 : field.value, field.bits, field.overflow)
                    : unsignedOverflow(field.operation == Operation.SET ? field.value : old,
                            field.operation == Operation.SET ? 0 : field.value, field.bits, field.overflow);
            boolean overflowed = result != null;
            long written = overflowed ? result[0] : wanted;
            if (overflowed && field.overflow == Overflow.FAIL) {
                r.nil();
                continue;
            }
            write(bytes, field.offset, field.bits, written);
            r.integer(field.operation == Operation.SET ? old : written);
        }
        if (writes) {
            c.keyspace().replace(argv[1], StringValue.raw(bytes));
        }
    }

    private static Overflow overflow(byte[] argument) throws RedisException {
        for (Overflow overflow : Overflow.values()) {
            if (Arguments.is(argument, overflow.name())) {
                return overflow;
            }
        }
        throw new RedisException("ERR Invalid OVERFLOW type specified");
    }

    private static int bits(byte[] type) throws RedisException {
        byte[] digits = type.length < 2 ? new byte[0] : Arrays.copyOfRange(type, 1, type.length);
        long bits = Arguments.isLong(digits) ? Arguments.toLong(digits) : 0;
        if (type.length < 2 || type[0] != 'i' && type[0] != 'u' || bits < 1 || bits > (type[0] == 'i' ? 64 : 63)) {
            throw new RedisException(
                    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.");
        }
        return (int) bits;
    }

    /** A bit offset, or with '#' an index of {@code bits}-wide fields. */
    private static long offset(byte[] argument, int bits) throws RedisException {
        boolean indexed = argument.length > 0 && argument[0] == '#';
        byte[] digits = indexed ? Arrays.copyOfRange(argument, 1, argument.length) : argument;
        long offset = Arguments.isLong(digits) ? Arguments.toLong(digits) * (indexed ? bits : 1) : -1;
        if (offset < 0 || (offset >> 3) >= MAX_BYTES) {
            throw new RedisException("ERR bit offset is not an integer or out of range");
        }
        return offset;
    }

    /** Reads past the end as zeros. */
    private static long read(byte[] bytes, long offset, int bits, boolean signed) {
        long value = 0;
        for (int i = 0; i < bits; i++, offset++) {
            long index = offset >> 3;
            int bit = index < bytes.length ? (bytes[(int) index] >> (7 - (offset & 7))) & 1 : 0;
            value = (value << 1) | bit;
        }
        if (signed && bits < 64 && (value & (1L << (bits - 1))) != 0) {
            value |= -1L << bits;
        }
        return value;
    }

    private static void write(byte[] bytes, long offset, int bits, long value) {
        for (int i = 0; i < bits; i++, offset++) {
            int bit = (int) (value >>> (bits - 1 - i)) & 1;
            int index = (int) (offset >> 3);
            int mask = 0x80 >> (offset & 7);
            bytes[index] = (byte) (bit == 1 ? bytes[index] | mask : bytes[index] & ~mask);
        }
    }

    /** Redis's checkUnsignedBitfieldOverflow: null when {@code value + increment} fits, else {the value to store}. */
    private static long[] unsignedOverflow(long value, long increment, int bits, Overflow overflow) {
        long max = (1L << bits) - 1;
        long maxIncrement = max - value;
        long minIncrement = -value;
        if (Long.compareUnsigned(value, max) > 0 || increment > 0 && increment > maxIncrement) {
            return new long[] {overflow == Overflow.WRAP ? (value + increment) & max : max};
        }
        if (increment < 0 && increment < minIncrement) {
            return new long[] {overflow == Overflow.WRAP ? (value + increment) & max : 0};
        }
        return null;
    }

    /** Redis's checkSignedBitfieldOverflow, same contract as {@link #unsignedOverflow}. */
    private static long[] signedOverflow(long value, long increment, int bits, Overflow overflow) {
        long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
        long min = -max - 1;
        long maxIncrement = max - value;
        long minIncrement = min - value;
        if (value > max || bits != 64 && increment > maxIncrement || value >= 0 && increment > 0 && increment > maxIncrement) {
            return new long[] {overflow == Overflow.WRAP ? wrapSigned(value, increment, bits) : max};
        }
        if (value < min || bits != 64 && increment < minIncrement || value < 0 && increment < 0 && increment < minIncrement) {
            return new long[] {overflow == Overflow.WRAP ? wrapSigned(value, increment, bits) : min};
        }
        return null;
    }

    private static long wrapSigned(long value, long increment, int bits) {
        long sum = value + increment;
        if (bits < 64) {
            long mask = -1L << bits;
            sum = (sum & (1L << (bits - 1))) != 0 ? sum | mask : sum & ~mask;
        }
        return sum;
    }
}
