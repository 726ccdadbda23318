package dev.larder.vector.filter;

/** A lexical token of a filter, with the character (from 1) it starts at. */
record Token(Kind kind, String text, Object value, int position) {

    enum Kind {
        /** A field path such as {@code a.b[0]}, or a keyword (AND, OR, NOT, IN, GLOB, CONTAINS, HAS, FIELD, TRUE, FALSE). */
        WORD, STRING, NUMBER, OPERATOR, LEFT, RIGHT, COMMA, END
    }

    boolean isWord(String keyword) {
        return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
    }

    String describe() {
        return switch (kind) {
            case END -> "the end of the filter";
            case STRING -> "the string '" + text + "'";
            default -> "'" + text + "'";
        };
    }
}
