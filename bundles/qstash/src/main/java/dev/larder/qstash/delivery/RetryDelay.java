package dev.larder.qstash.delivery;

import java.time.Duration;
import net.objecthunter.exp4j.Expression;
import net.objecthunter.exp4j.ExpressionBuilder;
import net.objecthunter.exp4j.ValidationResult;
import net.objecthunter.exp4j.function.Function;

/**
 * An {@code Upstash-Retry-Delay} expression: milliseconds as a function of {@code retried} (0 before the first
 * retry), with {@code pow sqrt abs exp floor ceil round min max}, as {@code pow(retried, 2) * 1000}. Parsed once
 * when the message is published, so that a bad expression is refused then and not at its first retry.
 */
public final class RetryDelay {

    private static final Function POW = new Function("pow", 2) {
        @Override
        public double apply(double... arguments) {
            return Math.pow(arguments[0], arguments[1]);
        }
    };
    private static final Function ROUND = new Function("round", 1) {
        @Override
        public double apply(double... arguments) {
            return Math.round(arguments[0]);
        }
    };
    private static final Function MIN = new Function("min", 2) {
        @Override
        public double apply(double... arguments) {
            return Math.min(arguments[0], arguments[1]);
        }
    };
    private static final Function MAX = new Function("max", 2) {
        @Override
        public double apply(double... arguments) {
            return Math.max(arguments[0], arguments[1]);
        }
    };

    private final String text;
    private final Expression expression;

    private RetryDelay(String text, Expression expression) {
        this.text = text;
        this.expression = expression;
    }

    /** Throws IllegalArgumentException naming what does not parse. */
    public static RetryDelay parse(String text) {
        Expression expression;
        try {
            expression = new ExpressionBuilder(text).functions(POW, ROUND, MIN, MAX).variable("retried").build();
        } catch (RuntimeException unparsable) {
            throw new IllegalArgumentException("invalid retry delay expression '" + text + "': " + unparsable.getMessage(), unparsable);
        }
        ValidationResult validation = expression.setVariable("retried", 0).validate();
        if (!validation.isValid()) {
            throw new IllegalArgumentException("invalid retry delay expression '" + text + "': " + String.join(", ", validation.getErrors()));
        }
        return new RetryDelay(text, expression);
    }

    public String text() {
        return text;
    }

    /** The wait before the retry that follows {@code retried} retries; never negative, at most a day. */
    public Duration after(int retried) {
        double millis;
        synchronized (expression) { // an Expression holds its variables' values
            millis = expression.setVariable("retried", retried).evaluate();
        }
        if (Double.isNaN(millis) || millis <= 0) {
            return Duration.ZERO;
        }
        return millis >= Backoff.MAX.toMillis() ? Backoff.MAX : Duration.ofMillis((long) millis);
    }
}
