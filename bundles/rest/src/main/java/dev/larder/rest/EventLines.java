package dev.larder.rest;

import dev.larder.redis.api.Resp2Shapes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes replies and pushed messages as Server-Sent Events, Upstash's way: an array becomes one
 * {@code data:} line of its elements joined by commas ({@code data: message,chat,hello}), a status one
 * line of its text. A newline inside a message continues it on another {@code data:} line, as the
 * event-stream format wants.
 */
final class EventLines implements Resp2Shapes {

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    /** Elements still to come in the line being written; 0: between lines. */
    private int remaining;
    private boolean firstField;
    private String error;

    byte[] bytes() {
        return out.toByteArray();
    }

    /** The error the reply was, if it was one. */
    String error() {
        return error;
    }

    /** A line as it is, for MONITOR's first event {@code data: "OK"}. */
    void line(String text) {
        field(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void simple(String status) {
        field(status.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void error(String message) {
        if (remaining == 0) {
            error = message;
        }
        field(message.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void integer(long value) {
        field(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void bulk(byte[] value) {
        field(value);
    }

    @Override
    public void nil() {
        field(new byte[0]);
    }

    @Override
    public void array(int length) {
        if (remaining == 0) {
            if (length == 0) {
                return;
            }
            remaining = length;
            firstField = true;
            out.writeBytes(DATA);
        } else {
            // a nested array's elements join the line
            remaining += length - 1;
            if (remaining == 0) {
                endLine();
            }
        }
    }

    @Override
    public void nilArray() {
        nil();
    }

    private void field(byte[] value) {
        if (remaining == 0) {
            out.writeBytes(DATA);
            text(value);
            endLine();
            return;
        }
        if (!firstField) {
            out.write(',');
        }
        firstField = false;
        text(value);
        if (--remaining == 0) {
            endLine();
        }
    }

    private void text(byte[] value) {
        int start = 0;
        for (int i = 0; i < value.length; i++) {
            if (value[i] == '\n') {
                out.write(value, start, i - start);
                out.write('\n');
                out.writeBytes(DATA);
                start = i + 1;
            }
        }
        out.write(value, start, value.length - start);
    }

    private void endLine() {
        out.write('\n');
        out.write('\n');
    }
}
