package dev.larder.redis.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GlobPatternTest {

    private static boolean matches(String pattern, String key) {
        return GlobPattern.matches(pattern.getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void matchesAsRedisKeysDoes() {
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

    /** What redis-server 7.0.15 answers for the same patterns (KEYS, SCAN MATCH and PSUBSCRIBE checked by hand). */
    @Test
    void keepsRedissQuirks() {
        assertFalse(matches("*", ""), "only the callers' short cut makes a lone star match the empty key");
        assertFalse(matches("**", ""));
        assertTrue(GlobPattern.selectsEverything("*".getBytes(StandardCharsets.UTF_8)));
        assertFalse(GlobPattern.selectsEverything("**".getBytes(StandardCharsets.UTF_8)));
        assertTrue(matches("a*", "a"), "trailing stars match nothing at the end of the text");
        assertTrue(matches("[abc", "c"), "an unterminated class ends with the pattern");
        assertTrue(matches("[^", "x"));
        assertFalse(matches("[", "x"));
        assertTrue(matches("a\\", "a\\"), "a trailing backslash matches itself");
        assertTrue(matches("[\\]]", "]"));
        assertTrue(matches("[a\\-z]", "-"));
        assertFalse(matches("[a\\-z]", "b"));
        assertTrue(GlobPattern.matchesIgnoringCase("MAX*".getBytes(StandardCharsets.UTF_8),
                "maxmemory".getBytes(StandardCharsets.UTF_8)));
    }

    /** CVE-2022-36021: exponential backtracking stalled redis-server before 7.0.9, and Larder before this. */
    @Test
    void pathologicalPatternsEndAtOnce() {
        String text = "a".repeat(40);
        String pattern = "a*".repeat(20) + "b";
        assertTimeoutPreemptively(Duration.ofSeconds(1), () -> assertFalse(matches(pattern, text)));
        String longText = "a".repeat(100_000);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertFalse(matches("*a*a*a*a*a*a*a*a*a*a*b", longText)));
        String deep = "*?".repeat(2000);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertFalse(matches(deep, "x".repeat(3000))),
                "nesting beyond 1000 stars fails the match, as in Redis");
    }
}
