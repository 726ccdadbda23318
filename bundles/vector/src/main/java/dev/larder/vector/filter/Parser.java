package dev.larder.vector.filter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Recursive descent over the tokens: {@code or := and (OR and)*}, {@code and := term (AND term)*},
 * {@code term := '(' or ')' | HAS [NOT] FIELD path | path operator ...}. Parentheses nest at most
 * {@link #MAX_DEPTH} deep, which bounds the recursion whatever the filter.
 */
final class Parser {

    static final int MAX_DEPTH = 100;

    record Parsed(Node root, Set<String> fields) {
    }

    private final List<Token> tokens;
    private final Set<String> fields = new LinkedHashSet<>();
    private int next;

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static Parsed parse(String text) throws FilterException {
        Parser parser = new Parser(Lexer.tokens(text));
        Node root = parser.or(0);
        Token rest = parser.peek();
        if (rest.kind() == Token.Kind.RIGHT) {
            throw FilterException.at("unbalanced parentheses: ')' without a matching '('", rest.position());
        }
        if (rest.kind() != Token.Kind.END) {
            throw parser.expected("AND, OR or the end of the filter", rest);
        }
        return new Parsed(root, Collections.unmodifiableSet(parser.fields));
    }

    private Token peek() {
        return tokens.get(next);
    }

    private Token take() {
        Token token = tokens.get(next);
        if (token.kind() != Token.Kind.END) {
            next++;
        }
        return token;
    }

    private Node or(int depth) throws FilterException {
        List<Node> any = new ArrayList<>();
        any.add(and(depth));
        while (peek().isWord("OR")) {
            take();
            any.add(and(depth));
        }
        return any.size() == 1 ? any.getFirst() : new Node.Or(any.toArray(Node[]::new));
    }

    private Node and(int depth) throws FilterException {
        List<Node> all = new ArrayList<>();
        all.add(term(depth));
        while (peek().isWord("AND")) {
            take();
            all.add(term(depth));
        }
        return all.size() == 1 ? all.getFirst() : new Node.And(all.toArray(Node[]::new));
    }

    private Node term(int depth) throws FilterException {
        Token first = peek();
        if (first.kind() == Token.Kind.LEFT) {
            if (depth >= MAX_DEPTH) {
                throw FilterException.at("parentheses nested deeper than " + MAX_DEPTH + " levels", first.position());
            }
            take();
            Node inner = or(depth + 1);
            Token close = peek();
            if (close.kind() == Token.Kind.END) {
                throw FilterException.at("unbalanced parentheses: no ')' closes the '('", first.position());
            }
            if (close.kind() != Token.Kind.RIGHT) {
                throw expected("AND, OR or ')'", close);
            }
            take();
            return inner;
        }
        if (first.kind() != Token.Kind.WORD) {
            throw expected("a condition (a field name, HAS FIELD or '(')", first);
        }
        if (isHasField()) {
            take();
            boolean negated = peek().isWord("NOT");
            if (negated) {
                take();
            }
            take(); // FIELD
            return new Node.HasField(field(), negated);
        }
        FieldPath field = field();
        Token operator = peek();
        if (operator.kind() == Token.Kind.OPERATOR) {
            take();
            Node.Operator op = Node.Operator.of(operator.text());
            Token valueToken = peek();
            Literal value = literal();
            if (op.isOrdering() && !value.isNumber()) {
                throw FilterException.at("'" + op.symbol + "' compares numbers only, but found " + valueToken.describe(), valueToken.position());
            }
            return new Node.Compare(field, op, value);
        }
        boolean negated = operator.isWord("NOT");
        if (negated) {
            take();
            operator = peek();
        }
        if (operator.isWord("GLOB")) {
            take();
            Token pattern = peek();
            if (pattern.kind() != Token.Kind.STRING) {
                throw expected("a quoted string pattern", pattern);
            }
            take();
            return new Node.GlobMatch(field, Glob.compile(pattern.value(), pattern.position()), negated);
        }
        if (operator.isWord("CONTAINS")) {
            take();
            return new Node.Contains(field, literal(), negated);
        }
        if (operator.isWord("IN")) {
            take();
            return new Node.In(field, inList(), negated);
        }
        throw expected(negated ? "GLOB, CONTAINS or IN" : "an operator (=, !=, <, <=, >, >=, [NOT] GLOB, [NOT] IN, [NOT] CONTAINS)", operator);
    }

    /** HAS is a keyword only before FIELD or NOT FIELD, so a field may still be called "has". */
    private boolean isHasField() {
        if (!peek().isWord("HAS")) {
            return false;
        }
        Token second = tokens.get(Math.min(next + 1, tokens.size() - 1));
        Token third = tokens.get(Math.min(next + 2, tokens.size() - 1));
        return second.isWord("FIELD") || second.isWord("NOT") && third.isWord("FIELD");
    }

    private Literal[] inList() throws FilterException {
        Token open = peek();
        if (open.kind() != Token.Kind.LEFT) {
            throw expected("'('", open);
        }
        take();
        if (peek().kind() == Token.Kind.RIGHT) {
            throw FilterException.at("empty IN list", open.position());
        }
        List<Literal> values = new ArrayList<>();
        values.add(literal());
        while (peek().kind() == Token.Kind.COMMA) {
            take();
            values.add(literal());
        }
        Token close = peek();
        if (close.kind() == Token.Kind.END) {
            throw FilterException.at("unbalanced parentheses: no ')' closes the IN list's '('", open.position());
        }
        if (close.kind() != Token.Kind.RIGHT) {
            throw expected("',' or ')'", close);
        }
        take();
        return values.toArray(Literal[]::new);
    }

    private FieldPath field() throws FilterException {
        Token token = peek();
        if (token.kind() != Token.Kind.WORD) {
            throw expected("a field name", token);
        }
        take();
        FieldPath path = FieldPath.parse(token.text(), token.position());
        fields.add(token.text());
        return path;
    }

    private Literal literal() throws FilterException {
        Token token = peek();
        Literal literal = switch (token.kind()) {
            case STRING -> Literal.string(token.value());
            case NUMBER -> number(token);
            case WORD -> token.isWord("true") ? Literal.bool(true) : token.isWord("false") ? Literal.bool(false) : null;
            default -> null;
        };
        if (literal == null) {
            throw expected("a value", token);
        }
        take();
        return literal;
    }

    private static Literal number(Token token) throws FilterException {
        try {
            return Literal.number(token.text());
        } catch (NumberFormatException e) {
            throw FilterException.at("number out of range '" + token.text() + "'", token.position());
        }
    }

    /** "expected {what} after '{previous}'[ but found {token}] at position ..." */
    private FilterException expected(String what, Token found) {
        StringBuilder message = new StringBuilder("expected ").append(what);
        if (next > 0) {
            message.append(" after ").append(tokens.get(next - 1).describe());
        }
        if (found.kind() != Token.Kind.END) {
            message.append(" but found ").append(found.describe());
        }
        return FilterException.at(message.toString(), found.position());
    }
}
