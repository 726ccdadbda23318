package dev.larder.vector.filter;

import java.util.ArrayList;
import java.util.List;

/**
 * A GLOB pattern, case-sensitive: {@code *} any run of characters, {@code ?} one character, {@code [abc]},
 * {@code [a-z]}, {@code [^abc]}, {@code [^a-z]} one character of (or not of) a class, {@code \} makes the next
 * character literal. Characters are code points. In a class a {@code ]} right after {@code [} or {@code [^},
 * and a {@code -} first or last, are literal.
 *
 * <p>Compiled once into elements; matched with the two-pointer star backtrack, which on a failure resumes only
 * from the last star seen: O(pattern x text) at worst, never exponential, whatever the pattern.
 */
final class Glob {

    private sealed interface Element {
    }

    private record Star() implements Element {
    }

    private record AnyOne() implements Element {
    }

    private record Literal(int codePoint) implements Element {
    }

    /** {@code ranges} holds inclusive low, high pairs. */
    private record CharClass(int[] ranges, boolean negated) implements Element {
        boolean has(int codePoint) {
            for (int i = 0; i < ranges.length; i += 2) {
                if (codePoint >= ranges[i] && codePoint <= ranges[i + 1]) {
                    return !negated;
                }
            }
            return negated;
        }
    }

    private static final Star STAR = new Star();
    private static final AnyOne ANY_ONE = new AnyOne();

    private final Element[] elements;

    private Glob(Element[] elements) {
        this.elements = elements;
    }

    /** Compiles a pattern; {@code position} (from 1) is where its string starts in the filter, for messages. */
    static Glob compile(String pattern, int position) throws FilterException {
        List<Element> elements = new ArrayList<>();
        int at = 0;
        while (at < pattern.length()) {
            int c = pattern.codePointAt(at);
            at += Character.charCount(c);
            if (c == '*') {
                if (elements.isEmpty() || elements.getLast() != STAR) { // a run of stars is one star
                    elements.add(STAR);
                }
            } else if (c == '?') {
                elements.add(ANY_ONE);
            } else if (c == '[') {
                at = charClass(pattern, at, position, elements);
            } else if (c == '\\' && at < pattern.length()) {
                int escaped = pattern.codePointAt(at);
                at += Character.charCount(escaped);
                elements.add(new Literal(escaped));
            } else {
                elements.add(new Literal(c)); // a trailing lone backslash stands for itself
            }
        }
        return new Glob(elements.toArray(Element[]::new));
    }

    /** Reads a class whose '[' is just before {@code at}; returns the index just past its ']'. */
    private static int charClass(String pattern, int at, int position, List<Element> elements) throws FilterException {
        boolean negated = at < pattern.length() && pattern.charAt(at) == '^';
        if (negated) {
            at++;
        }
        List<Integer> ranges = new ArrayList<>();
        boolean first = true;
        while (at < pattern.length() && (pattern.charAt(at) != ']' || first)) {
            first = false;
            int low = pattern.codePointAt(at);
            if (low == '\\' && at + 1 < pattern.length()) {
                at++;
                low = pattern.codePointAt(at);
            }
            at += Character.charCount(low);
            int high = low;
            if (at + 1 < pattern.length() && pattern.charAt(at) == '-' && pattern.charAt(at + 1) != ']') {
                at++;
                high = pattern.codePointAt(at);
                if (high == '\\' && at + 1 < pattern.length()) {
                    at++;
                    high = pattern.codePointAt(at);
                }
                at += Character.charCount(high);
            }
            ranges.add(low);
            ranges.add(high);
        }
        if (at >= pattern.length()) {
            throw FilterException.at("unterminated '[' in the GLOB pattern", position);
        }
        elements.add(new CharClass(ranges.stream().mapToInt(Integer::intValue).toArray(), negated));
        return at + 1;
    }

    boolean matches(String text) {
        int p = 0;
        int t = 0;
        int starP = -1;
        int starT = 0;
        while (t < text.length()) {
            int c = text.codePointAt(t);
            if (p < elements.length && elements[p] == STAR) {
                starP = p++;
                starT = t;
            } else if (p < elements.length && matchesOne(elements[p], c)) {
                p++;
                t += Character.charCount(c);
            } else if (starP >= 0) {
                // let the last star take one more character, and retry what follows it from there
                p = starP + 1;
                starT += Character.charCount(text.codePointAt(starT));
                t = starT;
            } else {
                return false;
            }
        }
        while (p < elements.length && elements[p] == STAR) {
            p++;
        }
        return p == elements.length;
    }

    private static boolean matchesOne(Element element, int c) {
        return switch (element) {
            case Star s -> false;
            case AnyOne a -> true;
            case Literal(int codePoint) -> codePoint == c;
            case CharClass charClass -> charClass.has(c);
        };
    }
}
