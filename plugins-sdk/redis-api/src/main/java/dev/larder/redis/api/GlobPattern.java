package dev.larder.redis.api;

/** Redis's glob matching (stringmatchlen): *, ?, [abc], [^a-z], and \ to escape. */
public final class GlobPattern {

    private GlobPattern() {
    }

    public static boolean matches(byte[] pattern, byte[] text) {
        return matches(pattern, 0, text, 0, 0);
    }

    private static boolean matches(byte[] p, int pi, byte[] s, int si, int depth) {
        if (depth > 1000) {
            return false; // as Redis, stop pathological patterns
        }
        while (pi < p.length) {
            switch (p[pi]) {
                case '*' -> {
                    while (pi + 1 < p.length && p[pi + 1] == '*') {
                        pi++;
                    }
                    if (pi + 1 == p.length) {
                        return true;
                    }
                    for (int from = si; from <= s.length; from++) {
                        if (matches(p, pi + 1, s, from, depth + 1)) {
                            return true;
                        }
                    }
                    return false;
                }
                case '?' -> {
                    if (si >= s.length) {
                        return false;
                    }
                    si++;
                }
                case '[' -> {
                    if (si >= s.length) {
                        return false;
                    }
                    pi++;
                    boolean not = pi < p.length && p[pi] == '^';
                    if (not) {
                        pi++;
                    }
                    boolean match = false;
                    while (pi < p.length && p[pi] != ']') {
                        if (p[pi] == '\\' && pi + 1 < p.length) {
                            pi++;
                            match |= p[pi] == s[si];
                        } else if (pi + 2 < p.length && p[pi + 1] == '-') {
                            int low = p[pi] & 0xff;
                            int high = p[pi + 2] & 0xff;
                            if (low > high) {
                                int swap = low;
                                low = high;
                                high = swap;
                            }
                            int c = s[si] & 0xff;
                            match |= c >= low && c <= high;
                            pi += 2;
                        } else {
                            match |= p[pi] == s[si];
                        }
                        pi++;
                    }
                    if (pi >= p.length) {
                        pi--; // unterminated class: Redis treats the end of pattern as ']'
                    }
                    if (not) {
                        match = !match;
                    }
                    if (!match) {
                        return false;
                    }
                    si++;
                }
                case '\\' -> {
                    if (pi + 1 < p.length) {
                        pi++;
                    }
                    if (si >= s.length || p[pi] != s[si]) {
                        return false;
                    }
                    si++;
                }
                default -> {
                    if (si >= s.length || p[pi] != s[si]) {
                        return false;
                    }
                    si++;
                }
            }
            pi++;
        }
        return si == s.length;
    }
}
