package dev.larder.vector.filter;

/**
 * A lexical token: its kind, the source text it spans, for a string the text between the quotes with escapes
 * resolved, and the position (from 1) of its first character.
 */
record Token(Kind kind, String text, String value, int position) {

    enum Kind {
        /** A field path such as {@code a.b[0]}, a keyword (AND, OR, NOT, ...) or true/false. */
        WORD, STRING, NUMBER, OPERATOR, LEFT, RIGHT, COMMA, END
    }

    private static final int SHOWN = 40;

    boolean isWord(String keyword) {
        return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
    }

    /** For messages: {@code 'text'}, shortened when long. */
    String describe() {
        if (kind == Kind.END) {
            return "the end of the filter";
        }
        String shown = text.length() > SHOWN ? text.substring(0, SHOWN) + "..." : text;
        return kind == Kind.STRING ? "the string " + shown : "'" + shown + "'";
    }
}
