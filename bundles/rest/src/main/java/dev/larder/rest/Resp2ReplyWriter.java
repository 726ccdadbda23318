package dev.larder.rest;

import dev.larder.redis.api.Resp2Shapes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes replies as the RESP2 bytes a TCP client would read: the {@code Upstash-Response-Format: resp2} answer. */
final class Resp2ReplyWriter implements Resp2Shapes {

    private final ByteArrayOutputStream out;

    Resp2ReplyWriter(ByteArrayOutputStream out) {
        this.out = out;
    }

    @Override
    public void simple(String status) {
        line('+', status);
    }

    @Override
    public void error(String message) {
        line('-', message.replace('\r', ' ').replace('\n', ' '));
    }

    @Override
    public void integer(long value) {
        line(':', Long.toString(value));
    }

    @Override
    public void bulk(byte[] value) {
        line('$', Integer.toString(value.length));
        out.writeBytes(value);
        out.write('\r');
        out.write('\n');
    }

    @Override
    public void nil() {
        line('$', "-1");
    }

    @Override
    public void array(int length) {
        line('*', Integer.toString(length));
    }

    @Override
    public void nilArray() {
        line('*', "-1");
    }

    private void line(char type, String text) {
        out.write(type);
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
    }
}
