package dev.larder.vector.filter;

import java.util.ArrayList;
import java.util.List;

/** Splits a filter into tokens. */
final class Lexer {

    private final String text;
    private int at;

    private Lexer(String text) {
        this.text = text;
    }

    /** The tokens of the text, the last one {@link Token.Kind#END}. */
    static List<Token> tokens(String text) throws FilterException {
        Lexer lexer = new Lexer(text);
        List<Token> tokens = new ArrayList<>();
        Token token;
        do {
            token = lexer.next();
            tokens.add(token);
        } while (token.kind() != Token.Kind.END);
        return tokens;
    }

    private Token next() throws FilterException {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
        if (at >= text.length()) {
            return new Token(Token.Kind.END, "", null, at + 1);
        }
        char c = text.charAt(at);
        return switch (c) {
            case '(' -> single(Token.Kind.LEFT);
            case ')' -> single(Token.Kind.RIGHT);
            case ',' -> single(Token.Kind.COMMA);
            case '\'', '"' -> string(c);
            case '=', '<', '>', '!' -> operator(c);
            default -> {
                if (isDigit(c) || c == '-' && at + 1 < text.length() && isDigit(text.charAt(at + 1))) {
                    yield number();
                }
                if (isPathStart(c)) {
                    yield word();
                }
                throw unexpectedCharacter(at);
            }
        };
    }

    private Token single(Token.Kind kind) {
        int start = at++;
        return new Token(kind, text.substring(start, at), null, start + 1);
    }

    private Token operator(char c) throws FilterException {
        int start = at++;
        boolean equalsFollows = at < text.length() && text.charAt(at) == '=';
        if (c == '!' && !equalsFollows) {
            throw unexpectedCharacter(start);
        }
        if (equalsFollows && c != '=') {
            at++;
        }
        return new Token(Token.Kind.OPERATOR, text.substring(start, at), null, start + 1);
    }

    /**
     * A quoted string. Inside it the quote doubled, or {@code \'}, {@code \"} and {@code \\}, stand for
     * themselves; any other backslash is kept as written, so that GLOB patterns such as {@code 'a\*'} reach the
     * pattern with their escape.
     */
    private Token string(char quote) throws FilterException {
        int start = at++;
        StringBuilder value = new StringBuilder();
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == '\\' && at < text.length() && isEscapable(text.charAt(at))) {
                value.append(text.charAt(at++));
            } else if (c != quote) {
                value.append(c);
            } else if (at < text.length() && text.charAt(at) == quote) {
                value.append(quote);
                at++;
            } else {
                return new Token(Token.Kind.STRING, text.substring(start, at), value.toString(), start + 1);
            }
        }
        throw FilterException.at("unterminated string", start + 1);
    }

    private static boolean isEscapable(char c) {
        return c == '\'' || c == '"' || c == '\\';
    }

    /** {@code -? digits (. digits)? ([eE] [+-]? digits)?}, not followed by a letter or digit. */
    private Token number() throws FilterException {
        int start = at;
        if (text.charAt(at) == '-') {
            at++;
        }
        boolean valid = digits();
        if (at < text.length() && text.charAt(at) == '.') {
            at++;
            valid &= digits();
        }
        if (at < text.length() && (text.charAt(at) == 'e' || text.charAt(at) == 'E')) {
            at++;
            if (at < text.length() && (text.charAt(at) == '+' || text.charAt(at) == '-')) {
                at++;
            }
            valid &= digits();
        }
        while (at < text.length() && isPathPart(text.charAt(at))) {
            valid = false;
            at++;
        }
        String number = text.substring(start, at);
        if (!valid) {
            throw FilterException.at("invalid number '" + number + "'", start + 1);
        }
        return new Token(Token.Kind.NUMBER, number, null, start + 1);
    }

    private boolean digits() {
        int start = at;
        while (at < text.length() && isDigit(text.charAt(at))) {
            at++;
        }
        return at > start;
    }

    private Token word() {
        int start = at;
        while (at < text.length() && isPathPart(text.charAt(at))) {
            at++;
        }
        return new Token(Token.Kind.WORD, text.substring(start, at), null, start + 1);
    }

    private FilterException unexpectedCharacter(int index) {
        int c = text.codePointAt(index);
        String shown = Character.isISOControl(c) || Character.isWhitespace(c) ? String.format("U+%04X", c) : "'" + Character.toString(c) + "'";
        return FilterException.at("unexpected character " + shown, index + 1);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isPathStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
    }

    private static boolean isPathPart(char c) {
        return isPathStart(c) || isDigit(c) || c == '.' || c == '[' || c == ']' || c == '#' || c == '-';
    }
}
