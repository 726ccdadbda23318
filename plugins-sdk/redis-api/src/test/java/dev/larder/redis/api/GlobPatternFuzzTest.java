package dev.larder.redis.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.HexFormat;

/**
 * Fuzzes {@link GlobPattern}: every match ends in bounded time (patterns and texts of up to a few KiB,
 * star-heavy ones included), and on short inputs it answers what Redis's stringmatchlen answers, as the
 * plain exponential {@link #stringmatchlen} below (Redis 7.0's, before its CVE-2022-36021 short cut,
 * which changes how long a match takes, not its answer) computes it.
 */
class GlobPatternFuzzTest {

    /** The bytes that mean something in a pattern, letters of both cases, and bytes that are negative as C chars. */
    private static final byte[] ALPHABET = {'*', '?', '[', ']', '^', '-', '\\', 'a', 'b', 'A', 'z', 0, (byte) 0x80, (byte) 0xff};
    private static final int SHORT = 9;
    private static final long MAX_NANOS = 2_000_000_000L;

    @FuzzTest(maxDuration = "15s")
    void answersAsRedisInBoundedTime(FuzzedDataProvider data) {
        boolean ignoreCase = data.consumeBoolean();
        byte[] pattern;
        byte[] text;
        switch (data.consumeInt(0, 2)) {
            case 0 -> { // short, from the bytes that matter: compared with Redis's answer
                pattern = fromAlphabet(data, data.consumeInt(0, SHORT));
                text = fromAlphabet(data, data.consumeInt(0, SHORT));
            }
            case 1 -> { // a unit repeated, as the patterns that made matching exponential are
                byte[] unit = fromAlphabet(data, data.consumeInt(1, 4));
                byte[] tail = fromAlphabet(data, data.consumeInt(0, 2));
                pattern = concat(repeat(unit, data.consumeInt(1, 300)), tail);
                text = concat(repeat(fromAlphabet(data, data.consumeInt(1, 3)), data.consumeInt(0, 1000)),
                        fromAlphabet(data, data.consumeInt(0, 2)));
            }
            default -> { // any bytes
                pattern = data.consumeBytes(data.consumeInt(0, 1024));
                text = data.consumeRemainingAsBytes();
            }
        }
        long start = System.nanoTime();
        boolean matched = ignoreCase ? GlobPattern.matchesIgnoringCase(pattern, text) : GlobPattern.matches(pattern, text);
        long took = System.nanoTime() - start;
        assertTrue(took < MAX_NANOS, () -> "took " + took / 1_000_000 + " ms: " + describe(pattern, text, ignoreCase));
        if (pattern.length <= SHORT && text.length <= SHORT) {
            assertEquals(stringmatchlen(pattern, 0, text, 0, ignoreCase), matched, () -> describe(pattern, text, ignoreCase));
        }
    }

    static String describe(byte[] pattern, byte[] text, boolean ignoreCase) {
        return "pattern " + HexFormat.of().formatHex(pattern) + " text " + HexFormat.of().formatHex(text)
                + (ignoreCase ? " ignoring case" : "");
    }

    private static byte[] fromAlphabet(FuzzedDataProvider data, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = data.pickValue(ALPHABET);
        }
        return bytes;
    }

    private static byte[] repeat(byte[] unit, int times) {
        byte[] bytes = new byte[unit.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(unit, 0, bytes, i * unit.length, unit.length);
        }
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] bytes = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, bytes, a.length, b.length);
        return bytes;
    }

    /**
     * Redis's stringmatchlen (util.c), statement for statement, with C's pointers as indexes: a pattern
     * byte past the end reads as the NUL that ends a Redis string, bytes compare as signed chars, and
     * tolower changes A-Z only (the C locale). Exponential in the number of stars: short inputs only.
     */
    static boolean stringmatchlen(byte[] pattern, int p, byte[] string, int s, boolean nocase) {
        int patternLen = pattern.length - p;
        int stringLen = string.length - s;
        while (patternLen > 0 && stringLen > 0) {
            switch (at(pattern, p)) {
                case '*' -> {
                    while (patternLen > 0 && at(pattern, p + 1) == '*') {
                        p++;
                        patternLen--;
                    }
                    if (patternLen == 1) {
                        return true;
                    }
                    while (stringLen > 0) {
                        if (stringmatchlen(pattern, p + 1, string, s, nocase)) {
                            return true;
                        }
                        s++;
                        stringLen--;
                    }
                    return false;
                }
                case '?' -> {
                    s++;
                    stringLen--;
                }
                case '[' -> {
                    p++;
                    patternLen--;
                    boolean not = at(pattern, p) == '^';
                    if (not) {
                        p++;
                        patternLen--;
                    }
                    boolean match = false;
                    while (true) {
                        if (at(pattern, p) == '\\' && patternLen >= 2) {
                            p++;
                            patternLen--;
                            if (at(pattern, p) == string[s]) {
                                match = true;
                            }
                        } else if (at(pattern, p) == ']') {
                            break;
                        } else if (patternLen == 0) {
                            p--;
                            patternLen++;
                            break;
                        } else if (patternLen >= 3 && at(pattern, p + 1) == '-') {
                            int start = at(pattern, p);
                            int end = at(pattern, p + 2);
                            int c = string[s];
                            if (start > end) {
                                int t = start;
                                start = end;
                                end = t;
                            }
                            if (nocase) {
                                start = tolower(start);
                                end = tolower(end);
                                c = tolower(c);
                            }
                            p += 2;
                            patternLen -= 2;
                            if (c >= start && c <= end) {
                                match = true;
                            }
                        } else if (!nocase) {
                            if (at(pattern, p) == string[s]) {
                                match = true;
                            }
                        } else if (tolower(at(pattern, p)) == tolower(string[s])) {
                            match = true;
                        }
                        p++;
                        patternLen--;
                    }
                    if (not) {
                        match = !match;
                    }
                    if (!match) {
                        return false;
                    }
                    s++;
                    stringLen--;
                }
                default -> {
                    if (at(pattern, p) == '\\' && patternLen >= 2) {
                        p++;
                        patternLen--;
                    }
                    if (!nocase ? at(pattern, p) != string[s] : tolower(at(pattern, p)) != tolower(string[s])) {
                        return false;
                    }
                    s++;
                    stringLen--;
                }
            }
            p++;
            patternLen--;
            if (stringLen == 0) {
                while (at(pattern, p) == '*') {
                    p++;
                    patternLen--;
                }
                break;
            }
        }
        return patternLen == 0 && stringLen == 0;
    }

    private static int at(byte[] bytes, int index) {
        return index < bytes.length ? bytes[index] : 0;
    }

    private static int tolower(int c) {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }
}
