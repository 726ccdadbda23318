package dev.larder.redis.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** Expected values are what redis-server 7.0 (x86-64, 80-bit long double) answers to INCRBYFLOAT. */
class LongDoubleTest {

    private static String add(String a, String b) {
        return LongDouble.format(LongDouble.add(new BigDecimal(a), new BigDecimal(b)));
    }

    @Test
    void smallDecimalsPrintWithoutNoise() {
        assertEquals("10.6", add("10.5", "0.1"));
        assertEquals("0.3", add("0.1", "0.2"));
        assertEquals("5200", add("5.0e3", "200"));
        assertEquals("0", add("1.5", "-1.5"));
    }

    @Test
    void largeValuesRoundToA64BitMantissa() {
        assertEquals("9223372036854775807.5", add("9223372036854775806", "1.5"));
        assertEquals("9223372036854775806", add("9223372036854775806", "-0.25"));
        assertEquals("9223372036854775808", add("9223372036854775807.5", "0.5"));
    }
}
