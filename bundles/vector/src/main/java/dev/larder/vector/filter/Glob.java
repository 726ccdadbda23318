package dev.larder.vector.filter;

/**
 * A GLOB pattern, case-sensitive: {@code *} any run, {@code ?} one character, {@code [abc]}, {@code [a-z]},
 * {@code [^abc]} classes, {@code \} escapes. Matched with the two-pointer star backtrack, which never revisits
 * more than the last star: time O(pattern × text) at worst, whatever the pattern.
 */
final class Glob {

    private final String pattern;

    Glob(String pattern) {
        this.pattern = pattern;
    }

    boolean matches(String text) {
        int p = 0;
        int t = 0;
        int starP = -1;
        int starT = 0;
        while (t < text.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                starP = p++;
                starT = t;
                continue;
            }
            int next = p < pattern.length() ? matchOne(p, text.charAt(t)) : -1;
            if (next >= 0) {
                p = next;
                t++;
            } else if (starP >= 0) {
                p = starP + 1;
                t = ++starT;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    /** Where the pattern continues when its element at {@code p} matches {@code c}; -1 when it does not. */
    private int matchOne(int p, char c) {
        char first = pattern.charAt(p);
        if (first == '?') {
            return p + 1;
        }
        if (first == '\\' && p + 1 < pattern.length()) {
            return pattern.charAt(p + 1) == c ? p + 2 : -1;
        }
        if (first != '[') {
            return first == c ? p + 1 : -1;
        }
        int at = p + 1;
        boolean negated = at < pattern.length() && pattern.charAt(at) == '^';
        if (negated) {
            at++;
        }
        boolean matched = false;
        boolean firstInClass = true;
        while (at < pattern.length() && (pattern.charAt(at) != ']' || firstInClass)) {
            char low = pattern.charAt(at);
            if (low == '\\' && at + 1 < pattern.length()) {
                low = pattern.charAt(++at);
            }
            if (at + 2 < pattern.length() && pattern.charAt(at + 1) == '-' && pattern.charAt(at + 2) != ']') {
                char high = pattern.charAt(at + 2);
                matched |= c >= low && c <= high;
                at += 3;
            } else {
                matched |= c == low;
                at++;
            }
            firstInClass = false;
        }
        if (at >= pattern.length()) {
            return first == c ? p + 1 : -1; // no closing ']': the '[' is an ordinary character
        }
        return matched != negated ? at + 1 : -1;
    }
}
