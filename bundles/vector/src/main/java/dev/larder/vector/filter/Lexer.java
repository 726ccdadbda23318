package dev.larder.vector.filter;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Splits a filter into tokens. */
final class Lexer {

    private final String text;
    private int at;

    private Lexer(String text) {
        this.text = text;
    }

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
        int start = at;
        if (at >= text.length()) {
            return new Token(Token.Kind.END, "", null, start + 1);
        }
        char c = text.charAt(at);
        switch (c) {
            case '(' -> {
                at++;
                return new Token(Token.Kind.LEFT, "(", null, start + 1);
            }
            case ')' -> {
                at++;
                return new Token(Token.Kind.RIGHT, ")", null, start + 1);
            }
            case ',' -> {
                at++;
                return new Token(Token.Kind.COMMA, ",", null, start + 1);
            }
            case '\'', '"' -> {
                return string(c);
            }
            case '=', '!', '<', '>' -> {
                return operator();
            }
            default -> {
                if (Character.isDigit(c) || (c == '-' || c == '+' || c == '.') && at + 1 < text.length()
                        && (Character.isDigit(text.charAt(at + 1)) || text.charAt(at + 1) == '.')) {
                    return number();
                }
                if (Character.isLetter(c) || c == '_' || c == '$') {
                    return word();
                }
                throw new FilterException("Invalid filter: unexpected character '" + c + "' at position " + (start + 1), start + 1);
            }
        }
    }

    private Token string(char quote) throws FilterException {
        int start = at++;
        StringBuilder value = new StringBuilder();
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == '\\' && at < text.length()) {
                value.append(text.charAt(at++));
            } else if (c == quote) {
                if (at < text.length() && text.charAt(at) == quote) {
                    value.append(quote); // a doubled quote stands for itself
                    at++;
                } else {
                    return new Token(Token.Kind.STRING, value.toString(), value.toString(), start + 1);
                }
            } else {
                value.append(c);
            }
        }
        throw new FilterException("Invalid filter: the string starting at position " + (start + 1) + " is not closed", start + 1);
    }

    private Token operator() throws FilterException {
        int start = at;
        char c = text.charAt(at++);
        boolean equals = at < text.length() && text.charAt(at) == '=';
        String operator = switch (c) {
            case '=' -> "=";
            case '!' -> {
                if (!equals) {
                    throw new FilterException("Invalid filter: '!' must be followed by '=' at position " + (start + 1), start + 1);
                }
                yield "!=";
            }
            case '<' -> equals ? "<=" : "<";
            default -> equals ? ">=" : ">";
        };
        if (operator.length() == 2) {
            at++;
        }
        return new Token(Token.Kind.OPERATOR, operator, null, start + 1);
    }

    private Token number() throws FilterException {
        int start = at;
        if (text.charAt(at) == '-' || text.charAt(at) == '+') {
            at++;
        }
        while (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '.')) {
            at++;
        }
        if (at < text.length() && (text.charAt(at) == 'e' || text.charAt(at) == 'E')) {
            at++;
            if (at < text.length() && (text.charAt(at) == '-' || text.charAt(at) == '+')) {
                at++;
            }
            while (at < text.length() && Character.isDigit(text.charAt(at))) {
                at++;
            }
        }
        String literal = text.substring(start, at);
        try {
            return new Token(Token.Kind.NUMBER, literal, new BigDecimal(literal.startsWith("+") ? literal.substring(1) : literal), start + 1);
        } catch (NumberFormatException e) {
            throw new FilterException("Invalid filter: '" + literal + "' at position " + (start + 1) + " is not a number", start + 1);
        }
    }

    /** A keyword or a field path: letters, digits, '_', '$', '.', and array indexes in brackets ([0], [#-1]). */
    private Token word() {
        int start = at;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '.') {
                at++;
            } else if (c == '[') {
                int close = text.indexOf(']', at);
                if (close < 0) {
                    break;
                }
                at = close + 1;
            } else {
                break;
            }
        }
        String word = text.substring(start, at);
        return new Token(Token.Kind.WORD, word, null, start + 1);
    }
}
