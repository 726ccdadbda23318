package dev.larder.vector.filter;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The compiled filter: a tree of conditions joined by AND and OR. Every condition on a value is false when the
 * field is missing or JSON null, negated forms included; only HAS FIELD / HAS NOT FIELD look at presence alone.
 */
sealed interface Node {

    boolean test(JsonNode metadata);

    /** The value a condition looks at, or null when there is none to look at (missing, or JSON null). */
    private static JsonNode valueAt(FieldPath field, JsonNode metadata) {
        JsonNode value = field.find(metadata);
        return value == null || value.isNull() ? null : value;
    }

    record And(Node[] all) implements Node {
        @Override
        public boolean test(JsonNode metadata) {
            for (Node node : all) {
                if (!node.test(metadata)) {
                    return false;
                }
            }
            return true;
        }
    }

    record Or(Node[] any) implements Node {
        @Override
        public boolean test(JsonNode metadata) {
            for (Node node : any) {
                if (node.test(metadata)) {
                    return true;
                }
            }
            return false;
        }
    }

    record HasField(FieldPath field, boolean negated) implements Node {
        @Override
        public boolean test(JsonNode metadata) {
            return (field.find(metadata) != null) != negated;
        }
    }

    enum Operator {
        EQ("="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">=");

        final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        boolean isOrdering() {
            return this != EQ && this != NE;
        }

        static Operator of(String symbol) {
            for (Operator operator : values()) {
                if (operator.symbol.equals(symbol)) {
                    return operator;
                }
            }
            throw new IllegalArgumentException(symbol);
        }
    }

    /** {@code !=} is true for a present value of another type: a number is not equal to a string. */
    record Compare(FieldPath field, Operator operator, Literal literal) implements Node {
        @Override
        public boolean test(JsonNode metadata) {
            JsonNode value = valueAt(field, metadata);
            if (value == null) {
                return false;
            }
            if (operator == Operator.EQ) {
                return literal.equalsValue(value);
            }
            if (operator == Operator.NE) {
                return !literal.equalsValue(value);
            }
            if (!value.isNumber()) {
                return false;
            }
            int order = literal.compareWith(value);
            if (order == Literal.UNORDERED) {
                return false;
            }
            return switch (operator) {
                case LT -> order < 0;
                case LE -> order <= 0;
                case GT -> order > 0;
                default -> order >= 0;
            };
        }
    }

    /** GLOB and NOT GLOB look at strings only: on any other value both are false. */
    record GlobMatch(FieldPath field, Glob glob, boolean negated) implements Node {
        @Override
        public boolean test(JsonNode metadata) {
            JsonNode value = valueAt(field, metadata);
            return value != null && value.isTextual() && glob.matches(value.textValue()) != negated;
        }
    }

    /** CONTAINS and NOT CONTAINS look at arrays only: on any other value both are false. */
    record Contains(FieldPath field, Literal literal, boolean negated) implements Node {
        @Override
        public boolean test(JsonNode metadata) {
            JsonNode value = valueAt(field, metadata);
            if (value == null || !value.isArray()) {
                return false;
            }
            for (int i = 0; i < value.size(); i++) {
                JsonNode element = value.get(i);
                if (!element.isNull() && literal.equalsValue(element)) {
                    return !negated;
                }
            }
            return negated;
        }
    }

    /** IN is an OR of =, NOT IN an AND of != (so true for a present value of another type). */
    record In(FieldPath field, Literal[] literals, boolean negated) implements Node {
        @Override
        public boolean test(JsonNode metadata) {
            JsonNode value = valueAt(field, metadata);
            if (value == null) {
                return false;
            }
            for (Literal literal : literals) {
                if (literal.equalsValue(value)) {
                    return !negated;
                }
            }
            return negated;
        }
    }
}
