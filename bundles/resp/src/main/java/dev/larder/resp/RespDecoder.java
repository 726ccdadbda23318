package dev.larder.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads client requests: RESP arrays of bulk strings, or inline commands (a line of words). Emits one
 * {@code byte[][]} per command, or a {@link ProtocolError} after which the connection must close, as
 * Redis does. Limits follow Redis: 64 KiB for a line, proto-max-bulk-len for a bulk string.
 */
final class RespDecoder extends ByteToMessageDecoder {

    /** A request Redis would refuse; the message is Redis's. */
    record ProtocolError(String message) {
    }

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.resp");
    private static final int MAX_LINE = 64 * 1024;
    private static final int MAX_MULTIBULK = 1024 * 1024;

    private final LongSupplier maxBulkLength;
    private final LongSupplier maxQueryBuffer;
    private byte[][] argv;
    /** Bytes of the command being read that are already in {@link #argv}. */
    private long argumentBytes;
    private int filled;
    private long bulkLength = -1;
    private boolean failed;

    RespDecoder(long maxBulkLength) {
        this(() -> maxBulkLength, () -> Long.MAX_VALUE);
    }

    /** With Redis's proto-max-bulk-len and client-query-buffer-limit, read again for every command (CONFIG SET changes them). */
    RespDecoder(LongSupplier maxBulkLength, LongSupplier maxQueryBuffer) {
        this.maxBulkLength = maxBulkLength;
        this.maxQueryBuffer = maxQueryBuffer;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decodeCommands(in, out);
        if (!failed && argv != null && argumentBytes + in.readableBytes() > maxQueryBuffer.getAsLong()) {
            // as Redis: a client whose unfinished command passes client-query-buffer-limit is closed without a reply
            LOG.warn("Closing client {} that reached max query buffer length ({} bytes)", ctx.channel().remoteAddress(),
                    argumentBytes + in.readableBytes());
            failed = true;
            ctx.close();
        }
        if (failed) {
            in.skipBytes(in.readableBytes()); // also when the refusal itself consumed nothing: Netty wants progress
        }
    }

    private void decodeCommands(ByteBuf in, List<Object> out) {
        while (!failed && in.isReadable()) {
            if (argv == null) {
                if (in.getByte(in.readerIndex()) == '*') {
                    if (!readMultibulkHeader(in, out)) {
                        return;
                    }
                    if (argv == null) {
                        continue; // *0 or *-1: nothing to run
                    }
                } else {
                    if (!readInline(in, out)) {
                        return;
                    }
                    continue;
                }
            }
            while (filled < argv.length) {
                if (bulkLength < 0 && !readBulkLength(in, out)) {
                    return;
                }
                if (failed || in.readableBytes() < bulkLength + 2) {
                    return;
                }
                byte[] argument = new byte[(int) bulkLength];
                in.readBytes(argument);
                in.skipBytes(2);
                argv[filled++] = argument;
                argumentBytes += argument.length;
                bulkLength = -1;
            }
            out.add(argv);
            argv = null;
            argumentBytes = 0;
        }
    }

    private boolean readMultibulkHeader(ByteBuf in, List<Object> out) {
        int lf = lineEnd(in, out, "Protocol error: too big mbulk count string");
        if (lf < 0) {
            return false;
        }
        Long count = parseNumber(in, in.readerIndex() + 1, lf);
        in.readerIndex(lf + 1);
        if (count == null || count > MAX_MULTIBULK) {
            fail(out, "Protocol error: invalid multibulk length");
            return false;
        }
        if (count > 0) {
            argv = new byte[count.intValue()][];
            filled = 0;
        }
        return true;
    }

    private boolean readBulkLength(ByteBuf in, List<Object> out) {
        int lf = lineEnd(in, out, "Protocol error: too big bulk count string");
        if (lf < 0) {
            return false;
        }
        byte first = in.getByte(in.readerIndex());
        if (first != '$') {
            fail(out, "Protocol error: expected '$', got '" + (char) (first & 0xff) + "'");
            return false;
        }
        Long length = parseNumber(in, in.readerIndex() + 1, lf);
        in.readerIndex(lf + 1);
        if (length == null || length < 0 || length > maxBulkLength.getAsLong()) {
            fail(out, "Protocol error: invalid bulk length");
            return false;
        }
        bulkLength = length;
        return true;
    }

    private boolean readInline(ByteBuf in, List<Object> out) {
        int lf = lineEnd(in, out, "Protocol error: too big inline request");
        if (lf < 0) {
            return false;
        }
        int end = lf > in.readerIndex() && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        byte[] line = new byte[end - in.readerIndex()];
        in.getBytes(in.readerIndex(), line);
        in.readerIndex(lf + 1);
        List<byte[]> words = InlineSplitter.split(line);
        if (words == null) {
            fail(out, "Protocol error: unbalanced quotes in request");
            return false;
        }
        if (!words.isEmpty()) {
            out.add(words.toArray(new byte[0][]));
        }
        return true;
    }

    /** Index of the next line feed, or -1 to wait for more bytes (failing once a line exceeds 64 KiB). */
    private int lineEnd(ByteBuf in, List<Object> out, String tooLong) {
        int lf = in.forEachByte(in.readerIndex(), Math.min(in.readableBytes(), MAX_LINE), ByteProcessor.FIND_LF);
        if (lf < 0 && in.readableBytes() >= MAX_LINE) {
            fail(out, tooLong);
        }
        return lf;
    }

    private void fail(List<Object> out, String message) {
        failed = true;
        out.add(new ProtocolError(message));
    }

    /**
     * The decimal between two indexes (a trailing \r ignored) as Redis's string2ll reads it (no sign but
     * '-', no leading zeros, "-0" or overflow), or null when it is not one.
     */
    private static Long parseNumber(ByteBuf in, int from, int lf) {
        int to = lf > from && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        if (to <= from || to - from > 20) {
            return null;
        }
        if (to - from == 1 && in.getByte(from) == '0') {
            return 0L;
        }
        boolean negative = in.getByte(from) == '-';
        int i = negative ? from + 1 : from;
        if (i == to || in.getByte(i) < '1' || in.getByte(i) > '9') {
            return null;
        }
        long value = 0; // counted below zero, so that Long.MIN_VALUE fits
        for (; i < to; i++) {
            byte b = in.getByte(i);
            if (b < '0' || b > '9' || value < (Long.MIN_VALUE + (b - '0')) / 10) {
                return null;
            }
            value = value * 10 - (b - '0');
        }
        if (negative) {
            return value;
        }
        return value == Long.MIN_VALUE ? null : -value;
    }

    /** Redis's sdssplitargs: words separated by blanks, "double" quotes with escapes, 'single' quotes. */
    static final class InlineSplitter {

        private InlineSplitter() {
        }

        /** @return the words, or null for unbalanced quotes */
        static List<byte[]> split(byte[] line) {
            List<byte[]> words = new ArrayList<>();
            int i = 0;
            int n = 0;
            while (n < line.length && line[n] != 0) {
                n++; // Redis splits the line as a C string: a NUL ends it
            }
            while (true) {
                while (i < n && isSpace(line[i])) {
                    i++;
                }
                if (i >= n) {
                    return words;
                }
                java.io.ByteArrayOutputStream word = new java.io.ByteArrayOutputStream();
                boolean inDouble = false;
                boolean inSingle = false;
                boolean done = false;
                while (!done) {
                    if (inDouble) {
                        if (i >= n) {
                            return null;
                        }
                        if (line[i] == '\\' && i + 3 < n && line[i + 1] == 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
                            word.write(Character.digit(line[i + 2], 16) * 16 + Character.digit(line[i + 3], 16));
                            i += 3;
                        } else if (line[i] == '\\' && i + 1 < n) {
                            i++;
                            word.write(switch (line[i]) {
                                case 'n' -> '\n';
                                case 'r' -> '\r';
                                case 't' -> '\t';
                                case 'b' -> '\b';
                                case 'a' -> 7;
                                default -> line[i];
                            });
                        } else if (line[i] == '"') {
                            if (i + 1 < n && !isSpace(line[i + 1])) {
                                return null; // closing quote must be followed by a blank
                            }
                            done = true;
                        } else {
                            word.write(line[i]);
                        }
                    } else if (inSingle) {
                        if (i >= n) {
                            return null;
                        }
                        if (line[i] == '\\' && i + 1 < n && line[i + 1] == '\'') {
                            i++;
                            word.write('\'');
                        } else if (line[i] == '\'') {
                            if (i + 1 < n && !isSpace(line[i + 1])) {
                                return null;
                            }
                            done = true;
                        } else {
                            word.write(line[i]);
                        }
                    } else {
                        if (i >= n || endsWord(line[i])) {
                            done = true;
                            i--;
                        } else if (line[i] == '"') {
                            inDouble = true;
                        } else if (line[i] == '\'') {
                            inSingle = true;
                        } else {
                            word.write(line[i]);
                        }
                    }
                    i++;
                }
                words.add(word.toByteArray());
            }
        }

        /** C's isspace: what is skipped between words and must follow a closing quote. */
        private static boolean isSpace(byte b) {
            return b == ' ' || b == '\n' || b == '\r' || b == '\t' || b == 0x0b || b == '\f';
        }

        /** What ends an unquoted word (not \v or \f, which sdssplitargs keeps in it). */
        private static boolean endsWord(byte b) {
            return b == ' ' || b == '\n' || b == '\r' || b == '\t';
        }

        private static boolean isHex(byte b) {
            return Character.digit(b, 16) >= 0;
        }
    }
}
