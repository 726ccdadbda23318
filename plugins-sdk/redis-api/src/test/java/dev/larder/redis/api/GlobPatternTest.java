package dev.larder.redis.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GlobPatternTest {

    private static boolean matches(String pattern, String key) {
        return GlobPattern.matches(pattern.getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void matchesAsRedisKeysDoes() {
        assertEquals(true, matches("*", ""));
        assertEquals(true, matches("user:*", "user:42"));
        assertEquals(false, matches("user:*", "users"));
        assertEquals(true, matches("h?llo", "hallo"));
        assertEquals(false, matches("h?llo", "hllo"));
        assertEquals(true, matches("h[ae]llo", "hello"));
        assertEquals(false, matches("h[^e]llo", "hello"));
        assertEquals(true, matches("h[a-b]llo", "hbllo"));
        assertEquals(true, matches("h[b-a]llo", "hallo"));
        assertEquals(true, matches("a\\*b", "a*b"));
        assertEquals(false, matches("a\\*b", "axb"));
        assertEquals(true, matches("*a*b*", "xxaxxbxx"));
        assertEquals(false, matches("abc", "abcd"));
    }
}
