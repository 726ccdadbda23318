package dev.larder.redis.api;

import java.nio.charset.StandardCharsets;

/**
 * How a command answers. The engine writes RESP2 or RESP3 as the client chose: in RESP2 a map is a flat
 * array, a null is the null bulk string, a double is a bulk string, a boolean an integer.
 */
public interface Reply {

    /** A status reply: +OK. */
    void simple(String status);

    /** An error reply; the message starts with its code: "ERR ...", "WRONGTYPE ...". */
    void error(String message);

    void integer(long value);

    void bulk(byte[] value);

    default void bulk(String value) {
        bulk(value.getBytes(StandardCharsets.UTF_8));
    }

    /** The null reply (RESP2: $-1). */
    void nil();

    /** An array header; the elements follow as further calls. */
    void array(int length);

    /** The null array (RESP2: *-1). */
    void nilArray();

    /** A map header for {@code entries} key/value pairs, which follow as 2 × entries calls. */
    void map(int entries);

    /** A set header (RESP2: an array). */
    void set(int length);

    void doubleValue(double value);

    /** A double in the text given (RESP2: a bulk string), for numbers Redis prints its own way (GEOPOS's coordinates). */
    void doubleText(String text);

    void bool(boolean value);

    /** A push message's header (RESP3 '>': pub/sub messages); RESP2 has none and writes an array. */
    default void push(int length) {
        array(length);
    }

    default void ok() {
        simple("OK");
    }

    /** A HELP subcommand's answer: one status line each. */
    default void help(String... lines) {
        array(lines.length);
        for (String line : lines) {
            simple(line);
        }
    }
}
