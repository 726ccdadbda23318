package dev.larder.vector.filter;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/** A value written in a filter: a string, a number or a boolean, and how metadata values compare with it. */
final class Literal {

    /** What {@link #compareWith} answers when the two are not ordered (a NaN in the metadata). */
    static final int UNORDERED = Integer.MIN_VALUE;

    private final String string;
    private final Boolean bool;
    private final BigDecimal decimal;
    // The number again in the forms the common metadata numbers compare with, without allocating per record.
    private final double asDouble;
    private final boolean isLong;
    private final long asLong;

    private Literal(String string, Boolean bool, BigDecimal decimal) {
        this.string = string;
        this.bool = bool;
        this.decimal = decimal;
        this.asDouble = decimal == null ? 0 : decimal.doubleValue();
        long exact = 0;
        boolean whole = false;
        if (decimal != null) {
            try {
                exact = decimal.longValueExact();
                whole = true;
            } catch (ArithmeticException fractionOrTooLarge) {
                // compared as a double or a BigDecimal
            }
        }
        this.isLong = whole;
        this.asLong = exact;
    }

    static Literal string(String value) {
        return new Literal(value, null, null);
    }

    static Literal bool(boolean value) {
        return new Literal(null, value, null);
    }

    /** @throws NumberFormatException when the text is no number BigDecimal takes (an exponent beyond its range) */
    static Literal number(String text) {
        return new Literal(null, null, new BigDecimal(text));
    }

    boolean isString() {
        return string != null;
    }

    boolean isNumber() {
        return decimal != null;
    }

    /**
     * Whether a metadata value equals this literal: strings exactly, numbers by value whatever their JSON form
     * (15460000 = 15460000.0), booleans as booleans, and a number 1 or 0 as true or false against a boolean.
     * Values of other types, objects and arrays are never equal.
     */
    boolean equalsValue(JsonNode value) {
        if (string != null) {
            return value.isTextual() && value.textValue().equals(string);
        }
        if (bool != null) {
            return value.isBoolean() && value.booleanValue() == bool;
        }
        if (value.isNumber()) {
            return compareWith(value) == 0;
        }
        if (value.isBoolean()) {
            // Upstash's prose writes booleans as 1 and 0, its examples as true and false: both are taken
            return isLong && (asLong == 1 && value.booleanValue() || asLong == 0 && !value.booleanValue());
        }
        return false;
    }

    /** The sign of (value - this number) for a numeric metadata value; {@link #UNORDERED} for a NaN. */
    int compareWith(JsonNode value) {
        if (value.isIntegralNumber() && value.canConvertToLong() && isLong) {
            return Long.compare(value.longValue(), asLong);
        }
        if (value.isFloatingPointNumber() && !value.isBigDecimal()) {
            double d = value.doubleValue();
            return d < asDouble ? -1 : d > asDouble ? 1 : d == asDouble ? 0 : UNORDERED;
        }
        return value.decimalValue().compareTo(decimal);
    }
}
