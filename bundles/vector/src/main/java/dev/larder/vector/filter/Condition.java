package dev.larder.vector.filter;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.List;

/** A parsed filter: conditions on fields, joined by AND and OR. */
sealed interface Condition {

    boolean test(JsonNode metadata);

    record And(List<Condition> all) implements Condition {
        @Override
        public boolean test(JsonNode metadata) {
            for (Condition condition : all) {
                if (!condition.test(metadata)) {
                    return false;
                }
            }
            return true;
        }
    }

    record Or(List<Condition> any) implements Condition {
        @Override
        public boolean test(JsonNode metadata) {
            for (Condition condition : any) {
                if (condition.test(metadata)) {
                    return true;
                }
            }
            return false;
        }
    }

    record HasField(FieldPath field, boolean negated) implements Condition {
        @Override
        public boolean test(JsonNode metadata) {
            return (field.find(metadata) != null) != negated;
        }
    }

    /** = and != (and IN, NOT IN as one condition over several values). */
    record Equals(FieldPath field, List<Object> values, boolean negated) implements Condition {
        @Override
        public boolean test(JsonNode metadata) {
            JsonNode value = field.find(metadata);
            if (value == null) {
                return false; // a missing field is neither equal nor unequal to anything
            }
            for (Object literal : values) {
                if (Literals.equal(value, literal)) {
                    return !negated;
                }
            }
            return negated;
        }
    }

    record Compare(FieldPath field, String operator, BigDecimal bound) implements Condition {
        @Override
        public boolean test(JsonNode metadata) {
            JsonNode value = field.find(metadata);
            if (value == null || !value.isNumber()) {
                return false;
            }
            int order = value.decimalValue().compareTo(bound);
            return switch (operator) {
                case "<" -> order < 0;
                case "<=" -> order <= 0;
                case ">" -> order > 0;
                default -> order >= 0;
            };
        }
    }

    record GlobMatch(FieldPath field, Glob glob, boolean negated) implements Condition {
        @Override
        public boolean test(JsonNode metadata) {
            JsonNode value = field.find(metadata);
            return value != null && value.isTextual() && glob.matches(value.textValue()) != negated;
        }
    }

    record Contains(FieldPath field, Object literal, boolean negated) implements Condition {
        @Override
        public boolean test(JsonNode metadata) {
            JsonNode value = field.find(metadata);
            if (value == null || !value.isArray()) {
                return false;
            }
            for (JsonNode element : value) {
                if (Literals.equal(element, literal)) {
                    return !negated;
                }
            }
            return negated;
        }
    }

    /** How a literal (String, BigDecimal or Boolean) compares with a metadata value. */
    final class Literals {

        private Literals() {
        }

        static boolean equal(JsonNode value, Object literal) {
            if (literal instanceof String text) {
                return value.isTextual() && value.textValue().equals(text);
            }
            if (literal instanceof Boolean flag) {
                return value.isBoolean() ? value.booleanValue() == flag : value.isNumber() && value.decimalValue().compareTo(flag ? BigDecimal.ONE : BigDecimal.ZERO) == 0;
            }
            BigDecimal number = (BigDecimal) literal;
            if (value.isBoolean()) {
                // booleans are written 1 and 0 in Upstash's prose, true and false in its examples: both are taken
                return number.compareTo(BigDecimal.ONE) == 0 && value.booleanValue() || number.signum() == 0 && !value.booleanValue();
            }
            return value.isNumber() && value.decimalValue().compareTo(number) == 0;
        }
    }
}
