package dev.larder.redis.api;

import java.nio.charset.StandardCharsets;

/** Reading command arguments the way Redis does. */
public final class Arguments {

    private Arguments() {
    }

    /** Whether the argument equals an ASCII word, ignoring case (option names). */
    public static boolean is(byte[] argument, String word) {
        if (argument.length != word.length()) {
            return false;
        }
        for (int i = 0; i < argument.length; i++) {
            int a = argument[i];
            int b = word.charAt(i);
            if (a != b && Character.toLowerCase(a) != Character.toLowerCase(b)) {
                return false;
            }
        }
        return true;
    }

    public static String text(byte[] argument) {
        return new String(argument, StandardCharsets.UTF_8);
    }

    /** A signed 64-bit integer in Redis's strict form: no spaces, no '+', no leading zeros. */
    public static long toLong(byte[] argument) throws RedisException {
        if (!isLong(argument)) {
            throw RedisException.notInteger();
        }
        return Long.parseLong(new String(argument, StandardCharsets.US_ASCII));
    }

    /** Whether the bytes are an integer Redis accepts: optional '-', no leading zeros, within 64 bits. */
    public static boolean isLong(byte[] b) {
        int n = b.length;
        if (n == 0 || n > 20) {
            return false;
        }
        if (n == 1 && b[0] == '0') {
            return true;
        }
        int first = b[0] == '-' ? 1 : 0;
        if (first == n || b[first] < '1' || b[first] > '9') {
            return false;
        }
        for (int i = first + 1; i < n; i++) {
            if (b[i] < '0' || b[i] > '9') {
                return false;
            }
        }
        if (n - first < 19) {
            return true;
        }
        try {
            Long.parseLong(new String(b, StandardCharsets.US_ASCII));
            return true;
        } catch (NumberFormatException overflow) {
            return false;
        }
    }

    /**
     * An inclusive range over {@code length} elements as Redis reads start and end (GETRANGE, BITCOUNT,
     * BITPOS): negative indexes count from the end, both are clamped into the elements.
     *
     * @return {start, end}, or null when the range holds nothing
     */
    public static long[] range(long start, long end, long length) {
        if (start < 0 && end < 0 && start > end) {
            return null;
        }
        if (start < 0) {
            start = Math.max(0, length + start);
        }
        if (end < 0) {
            end = Math.max(0, length + end);
        }
        if (end >= length) {
            end = length - 1;
        }
        return start > end || length == 0 ? null : new long[] {start, end};
    }

    /** An integer of at least 0, refused with {@code error} when it is not one (getPositiveLongFromObjectOrReply with a message). */
    public static long nonNegative(byte[] argument, String error) throws RedisException {
        if (!isLong(argument) || argument[0] == '-') {
            throw new RedisException(error);
        }
        return Long.parseLong(new String(argument, StandardCharsets.US_ASCII));
    }

    /**
     * An integer of at least 1, refused with {@code error} when it is not one (Redis's
     * getRangeLongFromObjectOrReply with a message: numkeys, COUNT).
     */
    public static long positive(byte[] argument, String error) throws RedisException {
        if (!isLong(argument)) {
            throw new RedisException(error);
        }
        long value = Long.parseLong(new String(argument, StandardCharsets.US_ASCII));
        if (value < 1) {
            throw new RedisException(error);
        }
        return value;
    }

    /**
     * Start and stop indexes as LRANGE, LTRIM, ZRANGE and ZREMRANGEBYRANK read them over {@code length}
     * elements: negative ones count from the end, the start is raised to 0 and the stop cut to the last.
     *
     * @return {start, stop}, or null when the range holds nothing
     */
    public static long[] indexRange(long start, long stop, long length) {
        if (start < 0) {
            start += length;
        }
        if (stop < 0) {
            stop += length;
        }
        if (start < 0) {
            start = 0;
        }
        if (start > stop || start >= length) {
            return null;
        }
        return new long[] {start, Math.min(stop, length - 1)};
    }

    /**
     * The subcommand at {@code argv[1]} in lower case, checked as Redis checks it: an unknown one is
     * "unknown subcommand", a known one with the wrong number of arguments (an arity as {@link CommandSpec}
     * counts it) is "wrong number of arguments for 'command|sub'".
     */
    public static String subcommand(byte[][] argv, String command, java.util.Map<String, Integer> arities) throws RedisException {
        String sub = text(argv[1]).toLowerCase(java.util.Locale.ROOT);
        Integer arity = arities.get(sub);
        if (arity == null) {
            throw RedisException.unknownSubcommand(command.toUpperCase(java.util.Locale.ROOT), argv[1]);
        }
        if (arity > 0 ? argv.length != arity : argv.length < -arity) {
            throw RedisException.wrongArity(command.toLowerCase(java.util.Locale.ROOT) + "|" + sub);
        }
        return sub;
    }

    /** A double as Redis's strtold accepts it, without NaN; "inf" and "-inf" are infinities. */
    public static double toDouble(byte[] argument) throws RedisException {
        // strtold stops at a blank or a NUL byte, and Redis then refuses the rest; Java would trim them
        for (byte b : argument) {
            if ((b & 0xff) <= ' ') {
                throw RedisException.notFloat();
            }
        }
        String text = new String(argument, StandardCharsets.US_ASCII);
        if (text.isEmpty()) {
            throw RedisException.notFloat();
        }
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        switch (lower) {
            case "inf", "+inf", "infinity", "+infinity":
                return Double.POSITIVE_INFINITY;
            case "-inf", "-infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        if (lower.contains("nan") || lower.endsWith("d") || lower.endsWith("f")) {
            throw RedisException.notFloat();
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw RedisException.notFloat();
        }
    }

    /** Redis's way of printing a double in replies: C's "%.17g" (shortest of plain and exponent form, trailing zeros cut). */
    public static String formatDouble(double value) {
        return formatDouble(value, 17);
    }

    /** A double as C's {@code %.<precision>g} prints it (Lua 5.1's tostring is {@code %.14g}). */
    public static String formatDouble(double value, int precision) {
        if (Double.isNaN(value)) {
            return Double.doubleToRawLongBits(value) < 0 ? "-nan" : "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0) {
            return 1 / value < 0 ? "-0" : "0";
        }
        if (value == (long) value && Math.abs(value) < 1e15 && precision >= 15) {
            return Long.toString((long) value); // the common case, without BigDecimal
        }
        // the exact value, a tie to the even digit as glibc's printf rounds (1234567890123456.25 is ...456.2)
        java.math.BigDecimal rounded = new java.math.BigDecimal(value)
                .round(new java.math.MathContext(precision, java.math.RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < -4 || exponent >= precision) {
            java.math.BigDecimal mantissa = rounded.movePointLeft(exponent).stripTrailingZeros();
            String digits = mantissa.scale() <= 0 ? mantissa.toBigInteger().toString() : mantissa.toPlainString();
            String sign = exponent < 0 ? "-" : "+";
            int magnitude = Math.abs(exponent);
            return digits + "e" + sign + (magnitude < 10 ? "0" : "") + magnitude;
        }
        java.math.BigDecimal plain = rounded.stripTrailingZeros();
        return plain.scale() <= 0 ? plain.toBigInteger().toString() : plain.toPlainString();
    }
}
