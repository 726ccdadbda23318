package dev.larder.redis.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * The x87 80-bit long double arithmetic Redis uses for INCRBYFLOAT and HINCRBYFLOAT: values keep 64
 * significant bits, rounded half to even, and print with 17 decimals without trailing zeros.
 */
public final class LongDouble {

    private static final int MANTISSA_BITS = 64;
    private static final BigInteger TWO = BigInteger.TWO;

    private LongDouble() {
    }

    /** The sum as Redis computes it: both operands and the result rounded to long double. */
    public static BigDecimal add(BigDecimal a, BigDecimal b) {
        return round(round(a).add(round(b)));
    }

    /**
     * A number as Redis's strtold reads it, exactly; an infinity is refused with {@code infiniteError}
     * (each command words it its own way).
     */
    public static BigDecimal parseFinite(byte[] number, String infiniteError) throws RedisException {
        double value = Arguments.toDouble(number);
        if (Double.isInfinite(value)) {
            throw new RedisException(infiniteError);
        }
        try {
            return new BigDecimal(new String(number, java.nio.charset.StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return BigDecimal.valueOf(value);
        }
    }

    /** Redis's "%.17Lf" with trailing zeros (and a trailing point) removed. */
    public static String format(BigDecimal value) {
        BigDecimal printed = value.setScale(17, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return printed.signum() == 0 ? "0" : printed.toPlainString();
    }

    /** The nearest value with a 64-bit binary mantissa. */
    static BigDecimal round(BigDecimal value) {
        if (value.signum() == 0) {
            return BigDecimal.ZERO;
        }
        // value = numerator / denominator, both integers
        BigInteger numerator = value.unscaledValue().abs();
        BigInteger denominator = BigInteger.ONE;
        if (value.scale() > 0) {
            denominator = BigInteger.TEN.pow(value.scale());
        } else {
            numerator = numerator.multiply(BigInteger.TEN.pow(-value.scale()));
        }
        // find k with 2^63 <= numerator * 2^k / denominator < 2^64
        int k = MANTISSA_BITS - (numerator.bitLength() - denominator.bitLength());
        BigInteger mantissa = scaledQuotient(numerator, denominator, k);
        while (mantissa.bitLength() > MANTISSA_BITS) {
            k--;
            mantissa = scaledQuotient(numerator, denominator, k);
        }
        while (mantissa.bitLength() < MANTISSA_BITS) {
            k++;
            mantissa = scaledQuotient(numerator, denominator, k);
        }
        BigDecimal rounded = new BigDecimal(mantissa);
        rounded = k >= 0
                ? rounded.divide(new BigDecimal(TWO.pow(k)))
                : rounded.multiply(new BigDecimal(TWO.pow(-k)));
        return value.signum() < 0 ? rounded.negate() : rounded;
    }

    /** round_half_even(numerator * 2^k / denominator) */
    private static BigInteger scaledQuotient(BigInteger numerator, BigInteger denominator, int k) {
        BigInteger n = k >= 0 ? numerator.shiftLeft(k) : numerator;
        BigInteger d = k >= 0 ? denominator : denominator.shiftLeft(-k);
        BigInteger[] division = n.divideAndRemainder(d);
        int half = division[1].shiftLeft(1).compareTo(d);
        BigInteger quotient = division[0];
        if (half > 0 || (half == 0 && quotient.testBit(0))) {
            quotient = quotient.add(BigInteger.ONE);
        }
        return quotient;
    }
}
