package dev.larder.vector.filter;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Upstash's filter grammar: {@code or := and (OR and)*}, {@code and := term (AND term)*}, a term a
 * parenthesized filter or a condition on a field. Nesting is bounded so a hostile filter cannot exhaust the stack.
 */
final class Parser {

    static final int MAX_DEPTH = 100;

    private final List<Token> tokens;
    private final Set<String> fields = new LinkedHashSet<>();
    private int at;
    private int depth;

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    record Parsed(Condition condition, Set<String> fields) {
    }

    static Parsed parse(String text) throws FilterException {
        Parser parser = new Parser(Lexer.tokens(text));
        Condition condition = parser.or();
        Token trailing = parser.peek();
        if (trailing.kind() != Token.Kind.END) {
            throw parser.unexpected(trailing, "AND, OR or the end of the filter");
        }
        return new Parsed(condition, Set.copyOf(parser.fields));
    }

    private Token peek() {
        return tokens.get(at);
    }

    private Token take() {
        return tokens.get(at++);
    }

    private FilterException unexpected(Token token, String expected) {
        return new FilterException("Invalid filter: expected " + expected + " at position " + token.position() + ", found "
                + token.describe(), token.position());
    }

    private Condition or() throws FilterException {
        if (++depth > MAX_DEPTH) {
            throw new FilterException("Invalid filter: parentheses nested deeper than " + MAX_DEPTH + " at position " + peek().position(),
                    peek().position());
        }
        List<Condition> any = new ArrayList<>();
        any.add(and());
        while (peek().isWord("OR")) {
            take();
            any.add(and());
        }
        depth--;
        return any.size() == 1 ? any.get(0) : new Condition.Or(List.copyOf(any));
    }

    private Condition and() throws FilterException {
        List<Condition> all = new ArrayList<>();
        all.add(term());
        while (peek().isWord("AND")) {
            take();
            all.add(term());
        }
        return all.size() == 1 ? all.get(0) : new Condition.And(List.copyOf(all));
    }

    private Condition term() throws FilterException {
        Token first = take();
        if (first.kind() == Token.Kind.LEFT) {
            Condition inner = or();
            Token close = take();
            if (close.kind() != Token.Kind.RIGHT) {
                throw unexpected(close, "')' to close the '(' at position " + first.position());
            }
            return inner;
        }
        if (first.isWord("HAS")) {
            boolean negated = peek().isWord("NOT");
            if (negated) {
                take();
            }
            Token keyword = take();
            if (!keyword.isWord("FIELD")) {
                throw unexpected(keyword, "FIELD after HAS" + (negated ? " NOT" : ""));
            }
            return new Condition.HasField(field(take()), negated);
        }
        FieldPath field = field(first);
        Token operator = take();
        if (operator.kind() == Token.Kind.OPERATOR) {
            Token value = take();
            Object literal = literal(value, "a value after '" + operator.text() + "'");
            return switch (operator.text()) {
                case "=" -> new Condition.Equals(field, List.of(literal), false);
                case "!=" -> new Condition.Equals(field, List.of(literal), true);
                default -> {
                    if (!(literal instanceof BigDecimal bound)) {
                        throw new FilterException("Invalid filter: '" + operator.text() + "' compares numbers; " + value.describe()
                                + " at position " + value.position() + " is not one", value.position());
                    }
                    yield new Condition.Compare(field, operator.text(), bound);
                }
            };
        }
        boolean negated = operator.isWord("NOT");
        if (negated) {
            operator = take();
        }
        if (operator.isWord("GLOB")) {
            Token pattern = take();
            if (pattern.kind() != Token.Kind.STRING) {
                throw unexpected(pattern, "a quoted pattern after GLOB");
            }
            return new Condition.GlobMatch(field, new Glob(pattern.text()), negated);
        }
        if (operator.isWord("CONTAINS")) {
            return new Condition.Contains(field, literal(take(), "a value after CONTAINS"), negated);
        }
        if (operator.isWord("IN")) {
            Token open = take();
            if (open.kind() != Token.Kind.LEFT) {
                throw unexpected(open, "'(' after IN");
            }
            List<Object> values = new ArrayList<>();
            values.add(literal(take(), "a value in the IN list"));
            Token next = take();
            while (next.kind() == Token.Kind.COMMA) {
                values.add(literal(take(), "a value after ','"));
                next = take();
            }
            if (next.kind() != Token.Kind.RIGHT) {
                throw unexpected(next, "',' or ')' in the IN list");
            }
            return new Condition.Equals(field, List.copyOf(values), negated);
        }
        throw unexpected(operator, negated ? "GLOB, CONTAINS or IN after NOT"
                : "an operator (=, !=, <, <=, >, >=, GLOB, NOT GLOB, IN, NOT IN, CONTAINS, NOT CONTAINS) after '" + field + "'");
    }

    private FieldPath field(Token token) throws FilterException {
        if (token.kind() != Token.Kind.WORD || isKeyword(token)) {
            throw unexpected(token, "a field name");
        }
        FieldPath path = FieldPath.parse(token.text(), token.position());
        fields.add(token.text());
        return path;
    }

    private static boolean isKeyword(Token token) {
        for (String keyword : new String[] {"AND", "OR", "NOT", "IN", "GLOB", "CONTAINS", "HAS", "FIELD"}) {
            if (token.isWord(keyword)) {
                return true;
            }
        }
        return false;
    }

    private Object literal(Token token, String expected) throws FilterException {
        return switch (token.kind()) {
            case STRING, NUMBER -> token.value();
            case WORD -> {
                if (token.isWord("TRUE")) {
                    yield Boolean.TRUE;
                }
                if (token.isWord("FALSE")) {
                    yield Boolean.FALSE;
                }
                throw unexpected(token, expected + " (a quoted string, a number, true or false)");
            }
            default -> throw unexpected(token, expected);
        };
    }
}
