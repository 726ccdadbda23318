package dev.larder.vector.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** GLOB patterns on their own. */
class GlobTest {

    private static boolean glob(String pattern, String text) {
        try {
            return Glob.compile(pattern, 1).matches(text);
        } catch (FilterException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void literalsMatchWholeStringsCaseSensitively() {
        assertTrue(glob("Istanbul", "Istanbul"));
        assertFalse(glob("Istanbul", "istanbul"));
        assertFalse(glob("Istanbul", "Istanbu"));
        assertFalse(glob("Istanbu", "Istanbul"));
        assertTrue(glob("", ""));
        assertFalse(glob("", "a"));
    }

    @Test
    void starMatchesAnyRun() {
        assertTrue(glob("*", ""));
        assertTrue(glob("*", "anything"));
        assertTrue(glob("A*", "Ankara"));
        assertFalse(glob("A*", "Istanbul"));
        assertTrue(glob("*bul", "Istanbul"));
        assertTrue(glob("*imgur.com*", "https://i.imgur.com/x.png"));
        assertFalse(glob("*imgur.com*", "https://imgur.co/x"));
        assertTrue(glob("a*b*c", "abc"));
        assertTrue(glob("a*b*c", "a-x-b-y-c"));
        assertFalse(glob("a*b*c", "a-x-c-y-b"));
        assertTrue(glob("a**b", "ab"));
        assertTrue(glob("*a", "aaa"));
        assertFalse(glob("*ab", "aaba"));
    }

    @Test
    void questionMarkMatchesOneCharacter() {
        assertTrue(glob("?", "x"));
        assertFalse(glob("?", ""));
        assertFalse(glob("?", "xy"));
        assertTrue(glob("I?tanbul", "Istanbul"));
        assertTrue(glob("??", "🐈☕"));
        assertFalse(glob("?", "🐈☕"));
        assertTrue(glob("?", "🐈"));
    }

    @Test
    void classesMatchOneCharacterOfASet() {
        assertTrue(glob("?[sz]*[^m-z]", "Istanbul"));
        assertTrue(glob("[abc]", "b"));
        assertFalse(glob("[abc]", "d"));
        assertTrue(glob("[a-z]", "q"));
        assertFalse(glob("[a-z]", "Q"));
        assertTrue(glob("[^abc]", "d"));
        assertFalse(glob("[^abc]", "a"));
        assertTrue(glob("[^a-z]", "Q"));
        assertFalse(glob("[^a-z]", "q"));
        assertTrue(glob("[a-cx-z0-9_]*", "y7"));
        assertFalse(glob("[^a-cx-z]", "y"));
        assertFalse(glob("[abc]", ""));
    }

    @Test
    void classCorners() {
        assertTrue(glob("[]]", "]"));
        assertTrue(glob("[]a]", "a"));
        assertTrue(glob("[^]]", "x"));
        assertFalse(glob("[^]]", "]"));
        assertTrue(glob("[-a]", "-"));
        assertTrue(glob("[a-]", "-"));
        assertTrue(glob("[*?]", "*"));
        assertFalse(glob("[*?]", "x"));
        assertTrue(glob("[\\]x]", "]"));
        assertTrue(glob("[\\^]", "^"));
        assertFalse(glob("[z-a]", "m"));
        assertTrue(glob("[🐈-🐉]", "🐉"));
    }

    @Test
    void backslashEscapes() {
        assertTrue(glob("a\\*b", "a*b"));
        assertFalse(glob("a\\*b", "axb"));
        assertTrue(glob("\\?", "?"));
        assertFalse(glob("\\?", "x"));
        assertTrue(glob("\\[a]", "[a]"));
        assertTrue(glob("\\\\", "\\"));
        assertTrue(glob("a\\", "a\\")); // a trailing lone backslash stands for itself
    }

    @Test
    void anUnterminatedClassIsAnError() {
        FilterException e = assertThrows(FilterException.class, () -> Glob.compile("ab[cd", 7));
        assertEquals("Invalid filter: unterminated '[' in the GLOB pattern at position 7", e.getMessage());
        assertThrows(FilterException.class, () -> Glob.compile("[", 1));
        assertThrows(FilterException.class, () -> Glob.compile("[]", 1));
        assertThrows(FilterException.class, () -> Glob.compile("[^", 1));
    }

    @Test
    void hostilePatternsFinish() {
        String as = "a".repeat(200_000);
        assertFalse(glob("a*".repeat(1_000) + "b", as));
        assertFalse(glob("*a*a*a*a*a*a*a*a*a*a*a*a*b", as));
        assertFalse(glob("*" + "a".repeat(100) + "b", as));
        assertFalse(glob("*" + "?".repeat(100) + "b", as));
        assertTrue(glob("*a*a*a*a*a*a*a*a*a*a*a*a", as));
        assertTrue(glob("a*".repeat(1_000), as));
    }
}
