package dev.larder.resp;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.Reply;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/** Writes replies as RESP2 or RESP3 into a buffer. */
final class RespReplyWriter implements Reply {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] NIL2 = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NIL_ARRAY2 = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);

    private ByteBuf out;
    /** Asked at each reply: HELLO switches the protocol in the middle of its own command. */
    private IntSupplier protocol = () -> 2;

    void target(ByteBuf buffer, IntSupplier protocolVersion) {
        this.out = buffer;
        this.protocol = protocolVersion;
    }

    @Override
    public void simple(String status) {
        out.writeByte('+');
        writeLine(status);
    }

    @Override
    public void ok() {
        out.writeBytes(OK);
    }

    @Override
    public void error(String message) {
        out.writeByte('-');
        // an error is one line: Redis replaces newlines the same way
        writeLine(message.replace('\r', ' ').replace('\n', ' '));
    }

    @Override
    public void integer(long value) {
        out.writeByte(':');
        writeNumber(value);
    }

    @Override
    public void bulk(byte[] value) {
        out.writeByte('$');
        writeNumber(value.length);
        out.writeBytes(value);
        out.writeBytes(CRLF);
    }

    @Override
    public void nil() {
        out.writeBytes(protocol.getAsInt() == 3 ? NULL3 : NIL2);
    }

    @Override
    public void array(int length) {
        out.writeByte('*');
        writeNumber(length);
    }

    @Override
    public void push(int length) {
        out.writeByte(protocol.getAsInt() == 3 ? '>' : '*');
        writeNumber(length);
    }

    @Override
    public void nilArray() {
        out.writeBytes(protocol.getAsInt() == 3 ? NULL3 : NIL_ARRAY2);
    }

    @Override
    public void map(int entries) {
        if (protocol.getAsInt() == 3) {
            out.writeByte('%');
            writeNumber(entries);
        } else {
            array(entries * 2);
        }
    }

    @Override
    public void set(int length) {
        if (protocol.getAsInt() == 3) {
            out.writeByte('~');
            writeNumber(length);
        } else {
            array(length);
        }
    }

    @Override
    public void doubleValue(double value) {
        doubleText(Arguments.formatDouble(value));
    }

    @Override
    public void doubleText(String text) {
        if (protocol.getAsInt() == 3) {
            out.writeByte(',');
            writeLine(text);
        } else {
            bulk(text.getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Override
    public void bool(boolean value) {
        if (protocol.getAsInt() == 3) {
            out.writeByte('#');
            out.writeByte(value ? 't' : 'f');
            out.writeBytes(CRLF);
        } else {
            integer(value ? 1 : 0);
        }
    }

    private void writeLine(String text) {
        out.writeCharSequence(text, StandardCharsets.UTF_8);
        out.writeBytes(CRLF);
    }

    private void writeNumber(long value) {
        if (value >= 0 && value < 10) {
            out.writeByte('0' + (int) value);
        } else {
            out.writeCharSequence(Long.toString(value), StandardCharsets.US_ASCII);
        }
        out.writeBytes(CRLF);
    }
}
