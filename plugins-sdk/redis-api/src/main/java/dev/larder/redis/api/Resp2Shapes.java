package dev.larder.redis.api;

import java.nio.charset.StandardCharsets;

/**
 * A reply that only has RESP2's shapes (a REST answer, an event line): maps are flat arrays, sets arrays,
 * doubles bulk strings in Redis's format, booleans the integers 1 and 0.
 */
public interface Resp2Shapes extends Reply {

    @Override
    default void map(int entries) {
        array(entries * 2);
    }

    @Override
    default void set(int length) {
        array(length);
    }

    @Override
    default void doubleValue(double value) {
        doubleText(Arguments.formatDouble(value));
    }

    @Override
    default void doubleText(String text) {
        bulk(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    default void bool(boolean value) {
        integer(value ? 1 : 0);
    }
}
