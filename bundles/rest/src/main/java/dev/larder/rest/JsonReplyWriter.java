package dev.larder.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.larder.redis.api.Resp2Shapes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Writes replies as Upstash's JSON: each reply at the item level is an object, {@code {"result": ...}} or
 * {@code {"error": "..."}}; inside it, RESP2's shapes (maps flat, doubles and booleans as RESP2 has them,
 * nil as null). With base64 every string inside a result is base64, but a result that is the status OK.
 * Replies above the item level are bare arrays: EXEC's answer, whose elements are a transaction's items.
 */
final class JsonReplyWriter implements Resp2Shapes {

    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private final JsonGenerator json;
    private final boolean base64;
    private final int itemDepth;
    /** Elements still to come in each open array, outermost first. */
    private int[] remaining = new int[8];
    private int depth;
    private boolean lastItemFailed;

    JsonReplyWriter(JsonGenerator json, boolean base64, int itemDepth) {
        this.json = json;
        this.base64 = base64;
        this.itemDepth = itemDepth;
    }

    /** Whether the item written last was an error. */
    boolean lastItemFailed() {
        return lastItemFailed;
    }

    @Override
    public void simple(String status) {
        if (depth == itemDepth && status.equals("OK")) {
            result();
            write(() -> json.writeString(status));
            completed();
        } else {
            string(status.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void ok() {
        simple("OK");
    }

    @Override
    public void error(String message) {
        if (depth == itemDepth) {
            lastItemFailed = true;
            write(() -> {
                json.writeStartObject();
                json.writeStringField("error", message);
            });
            completed();
        } else {
            string(message.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void integer(long value) {
        result();
        write(() -> json.writeNumber(value));
        completed();
    }

    @Override
    public void bulk(byte[] value) {
        string(value);
    }

    private void string(byte[] value) {
        result();
        write(() -> {
            if (base64) {
                json.writeString(BASE64.encodeToString(value));
            } else {
                // invalid UTF-8 becomes U+FFFD, as Upstash answers without base64
                json.writeString(new String(value, StandardCharsets.UTF_8));
            }
        });
        completed();
    }

    @Override
    public void nil() {
        result();
        write(json::writeNull);
        completed();
    }

    @Override
    public void nilArray() {
        nil();
    }

    @Override
    public void array(int length) {
        if (depth >= itemDepth) {
            result();
        }
        write(json::writeStartArray);
        if (length == 0) {
            write(json::writeEndArray);
            completed();
            return;
        }
        if (depth == remaining.length) {
            remaining = java.util.Arrays.copyOf(remaining, depth * 2);
        }
        remaining[depth++] = length;
    }

    /** Opens an item's object when a value starts at the item level. */
    private void result() {
        if (depth == itemDepth) {
            lastItemFailed = false;
            write(() -> {
                json.writeStartObject();
                json.writeFieldName("result");
            });
        }
    }

    /** A value is complete: close the item it finishes and the arrays it fills. */
    private void completed() {
        while (true) {
            if (depth == itemDepth) {
                write(json::writeEndObject);
            }
            if (depth == 0 || --remaining[depth - 1] > 0) {
                return;
            }
            depth--;
            write(json::writeEndArray);
        }
    }

    /** A step of writing JSON into memory, where an IOException cannot happen. */
    interface JsonWrite {
        void run() throws IOException;
    }

    static void write(JsonWrite step) {
        try {
            step.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
