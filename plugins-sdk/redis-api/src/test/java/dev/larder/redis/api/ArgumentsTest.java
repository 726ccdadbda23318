package dev.larder.redis.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ArgumentsTest {

    private static byte[] b(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void integersAreReadAsRedisStrictlyReadsThem() throws RedisException {
        assertEquals(0, Arguments.toLong(b("0")));
        assertEquals(-12, Arguments.toLong(b("-12")));
        assertEquals(Long.MAX_VALUE, Arguments.toLong(b("9223372036854775807")));
        assertEquals(Long.MIN_VALUE, Arguments.toLong(b("-9223372036854775808")));
        for (String bad : new String[] {"", "-", "+1", "01", "-0", " 1", "1 ", "1.0", "9223372036854775808", "abc"}) {
            assertFalse(Arguments.isLong(b(bad)), bad);
            assertThrows(RedisException.class, () -> Arguments.toLong(b(bad)), bad);
        }
    }

    @Test
    void rangesClampAsRedisDoes() {
        assertArrayEquals(new long[] {0, 4}, Arguments.range(0, -1, 5));
        assertArrayEquals(new long[] {3, 4}, Arguments.range(-2, 100, 5));
        assertArrayEquals(new long[] {0, 0}, Arguments.range(-100, -5, 5));
        assertNull(Arguments.range(-1, -3, 5));
        assertNull(Arguments.range(3, 2, 5));
        assertNull(Arguments.range(0, -1, 0));
    }

    @Test
    void optionNamesIgnoreCase() {
        assertTrue(Arguments.is(b("ex"), "EX"));
        assertTrue(Arguments.is(b("KeepTtl"), "KEEPTTL"));
        assertFalse(Arguments.is(b("EXAT"), "EX"));
    }

    @Test
    void doublesAcceptInfinityButNotNan() throws RedisException {
        assertEquals(1.5, Arguments.toDouble(b("1.5")));
        assertEquals(Double.POSITIVE_INFINITY, Arguments.toDouble(b("inf")));
        assertEquals(Double.NEGATIVE_INFINITY, Arguments.toDouble(b("-INF")));
        assertThrows(RedisException.class, () -> Arguments.toDouble(b("nan")));
        assertThrows(RedisException.class, () -> Arguments.toDouble(b(" 1")));
        assertThrows(RedisException.class, () -> Arguments.toDouble(b("1f")));
        assertThrows(RedisException.class, () -> Arguments.toDouble(b("\u00001.5")), "SETRANGE pads with NUL bytes");
        assertThrows(RedisException.class, () -> Arguments.toDouble(b("1.5 ")));
    }

    @Test
    void doublesPrintAsCsPercent17g() {
        double[] values = {1.5, 0.1, 1e20, 1e17, 1e16, 0.00001, -2.5e-7, 123.456, 3.0, -0.0, 1.0 / 3, Math.pow(2, 70), Double.MIN_VALUE,
            Double.MAX_VALUE, 0.0001, Double.NEGATIVE_INFINITY};
        String[] printed = {"1.5", "0.10000000000000001", "1e+20", "1e+17", "10000000000000000", "1.0000000000000001e-05",
            "-2.4999999999999999e-07", "123.456", "3", "-0", "0.33333333333333331", "1.1805916207174113e+21",
            "4.9406564584124654e-324", "1.7976931348623157e+308", "0.0001", "-inf"};
        for (int i = 0; i < values.length; i++) {
            assertEquals(printed[i], Arguments.formatDouble(values[i]), "for " + values[i]);
        }
    }

    /** A double exactly halfway between two 17-digit decimals: glibc rounds to even (LuaConversionFuzzTest found it). */
    @Test
    void formatsTiesToEvenAsPrintfDoes() {
        // what redis-server 7.0.15 answers for EVAL "return redis.call('echo', ARGV...)" of these numbers as Lua numbers
        assertEquals("2066357476086103.2", Arguments.formatDouble(2066357476086103.25));
        assertEquals("1234567890123456.8", Arguments.formatDouble(1234567890123456.75));
        assertEquals("2.5000000000000001e-05", Arguments.formatDouble(2.5e-5));
        assertEquals("0.5", Arguments.formatDouble(0.5, 14));
        assertEquals("2", Arguments.formatDouble(2.5, 1));
        assertEquals("4", Arguments.formatDouble(3.5, 1));
    }
}
