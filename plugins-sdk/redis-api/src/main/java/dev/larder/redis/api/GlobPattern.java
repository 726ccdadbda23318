package dev.larder.redis.api;

/**
 * Redis's glob matching (stringmatchlen of Redis 7.0.9+): {@code *}, {@code ?}, {@code [abc]},
 * {@code [^a-z]}, and {@code \} to escape, byte for byte, including its quirks (bytes compare as signed
 * chars in ranges, an unterminated class ends at the end of the pattern, a trailing {@code \} matches
 * itself) and its limit of 1000 nested stars.
 *
 * <p>A star tries the rest of the pattern at each later position; once the rest matches nowhere, no
 * earlier star can help by eating more, so the whole search stops there (Redis's fix for
 * CVE-2022-36021). That bounds a match at O(pattern × text) steps instead of exponentially many.
 */
public final class GlobPattern {

    private static final int MAX_NESTING = 1000;
    private final byte[] p;
    private final byte[] s;
    private final boolean ignoreCase;
    /** Set once the rest of the pattern after some star matched at no position: nothing can match. */
    private boolean skipLongerMatches;

    private GlobPattern(byte[] pattern, byte[] text, boolean ignoreCase) {
        this.p = pattern;
        this.s = text;
        this.ignoreCase = ignoreCase;
    }

    public static boolean matches(byte[] pattern, byte[] text) {
        return new GlobPattern(pattern, text, false).match(0, 0, 0);
    }

    /** ASCII letters of either case are the same letter (CONFIG GET's parameter names). */
    public static boolean matchesIgnoringCase(byte[] pattern, byte[] text) {
        return new GlobPattern(pattern, text, true).match(0, 0, 0);
    }

    /**
     * Whether the pattern is the lone {@code *} that KEYS, SCAN and the *SCAN commands answer without
     * matching: it selects every key, the empty one included, which {@link #matches} would not.
     */
    public static boolean selectsEverything(byte[] pattern) {
        return pattern.length == 1 && pattern[0] == '*';
    }

    private boolean match(int pi, int si, int nesting) {
        if (nesting > MAX_NESTING) {
            return false;
        }
        while (pi < p.length && si < s.length) {
            switch (p[pi]) {
                case '*' -> {
                    while (pi + 1 < p.length && p[pi + 1] == '*') {
                        pi++;
                    }
                    if (pi + 1 == p.length) {
                        return true;
                    }
                    for (; si < s.length; si++) {
                        if (match(pi + 1, si, nesting + 1)) {
                            return true;
                        }
                        if (skipLongerMatches) {
                            return false;
                        }
                    }
                    skipLongerMatches = true;
                    return false;
                }
                case '?' -> si++;
                case '[' -> {
                    pi = matchClass(pi + 1, s[si]);
                    if (pi < 0) {
                        return false;
                    }
                    si++;
                }
                case '\\' -> {
                    if (pi + 1 < p.length) {
                        pi++;
                    }
                    if (!same(p[pi], s[si])) {
                        return false;
                    }
                    si++;
                }
                default -> {
                    if (!same(p[pi], s[si])) {
                        return false;
                    }
                    si++;
                }
            }
            pi++;
            if (si == s.length) {
                while (pi < p.length && p[pi] == '*') {
                    pi++;
                }
            }
        }
        return pi == p.length && si == s.length;
    }

    /**
     * Matches one byte against the class starting at {@code pi} (after its '['): returns the position
     * of the class's closing ']' (or of the pattern's last byte when it has none) if it matched, else -1.
     */
    private int matchClass(int pi, byte c) {
        boolean not = pi < p.length && p[pi] == '^';
        if (not) {
            pi++;
        }
        boolean matched = false;
        while (true) {
            if (pi + 1 < p.length && p[pi] == '\\') {
                pi++;
                matched |= p[pi] == c;
            } else if (pi >= p.length) {
                pi--; // an unterminated class ends with the pattern
                break;
            } else if (p[pi] == ']') {
                break;
            } else if (pi + 2 < p.length && p[pi + 1] == '-') {
                byte start = p[pi];
                byte end = p[pi + 2];
                if (start > end) {
                    byte swap = start;
                    start = end;
                    end = swap;
                }
                int at = lower(c);
                matched |= at >= lower(start) && at <= lower(end);
                pi += 2;
            } else {
                matched |= same(p[pi], c);
            }
            pi++;
        }
        return matched != not ? pi : -1;
    }

    private boolean same(byte a, byte b) {
        return a == b || ignoreCase && lower(a) == lower(b);
    }

    private int lower(byte b) {
        return ignoreCase && b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
    }
}
