package dev.larder.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Fuzzes {@link RespDecoder} in a Netty pipeline (an EmbeddedChannel, so Netty's own checks on a decoder
 * apply): whatever the bytes, it emits commands and at most one protocol error, last; it emits the same
 * however the bytes are split into reads; commands it was sent come back as sent; multibulk and bulk
 * lengths are refused exactly when Redis refuses them; and inline commands split as Redis's
 * sdssplitargs splits them ({@link #sdssplitargs}, a port of Redis's C in the test).
 */
class RespDecoderFuzzTest {

    private static final byte[] INLINE_ALPHABET = {' ', '\t', '\r', 0x0b, 0x0c, 0, '"', '\'', '\\', 'x', 'n', 'a', '4', 'F', (byte) 0xe9};
    private static final int MAX_MULTIBULK = 1024 * 1024;

    @FuzzTest(maxDuration = "15s")
    void decodesAsRedisReadsRequests(FuzzedDataProvider data) {
        long maxBulk = data.consumeBoolean() ? 16 : 512L * 1024 * 1024;
        List<byte[][]> sent = new ArrayList<>();
        byte[] input;
        switch (data.consumeInt(0, 5)) {
            case 0 -> input = commands(data, sent, maxBulk);
            case 1 -> { // valid commands, then a byte changed, inserted or dropped: no expectation but the invariants
                byte[] valid = commands(data, sent, maxBulk);
                sent.clear();
                input = glitch(data, valid);
            }
            case 2 -> input = longLine(data);
            case 3 -> {
                byte[] line = inlineLine(data);
                List<byte[]> expected = sdssplitargs(line);
                List<byte[]> split = RespDecoder.InlineSplitter.split(line);
                assertEquals(expected == null ? null : text(expected), split == null ? null : text(split),
                        () -> "inline " + HexFormat.of().formatHex(line));
                input = concat(line, new byte[] {'\r', '\n'});
            }
            case 4 -> {
                String header = headerNumber(data);
                boolean bulk = data.consumeBoolean();
                byte[] request = ((bulk ? "*1\r\n$" : "*") + header + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
                Long n = string2ll(header.getBytes(StandardCharsets.ISO_8859_1));
                boolean refused = bulk ? n == null || n < 0 || n > maxBulk : n == null || n > MAX_MULTIBULK;
                List<Object> out = decode(maxBulk, List.of(request));
                assertEquals(refused, !out.isEmpty() && out.get(out.size() - 1) instanceof RespDecoder.ProtocolError,
                        () -> (bulk ? "bulk length " : "multibulk length ") + header);
                input = request;
            }
            default -> input = data.consumeRemainingAsBytes();
        }
        byte[] bytes = input;
        List<Object> whole = decode(maxBulk, List.of(bytes));
        checkShape(whole);
        List<Object> chunked = decode(maxBulk, chunks(data, bytes));
        assertEquals(describe(whole), describe(chunked), () -> "split differently: " + HexFormat.of().formatHex(bytes));
        if (!sent.isEmpty()) {
            assertEquals(describe(new ArrayList<Object>(sent)), describe(whole), () -> "input " + HexFormat.of().formatHex(bytes));
        }
    }

    /** What the decoder emits for these reads, in order; an exception from the pipeline fails the test. */
    static List<Object> decode(long maxBulk, List<byte[]> reads) {
        EmbeddedChannel channel = new EmbeddedChannel(new RespDecoder(maxBulk));
        List<Object> out = new ArrayList<>();
        try {
            for (byte[] read : reads) {
                channel.writeInbound(Unpooled.wrappedBuffer(read));
                for (Object message; (message = channel.readInbound()) != null; ) {
                    out.add(message);
                }
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        return out;
    }

    private static void checkShape(List<Object> out) {
        for (int i = 0; i < out.size(); i++) {
            Object message = out.get(i);
            if (message instanceof RespDecoder.ProtocolError error) {
                assertEquals(out.size() - 1, i, "a protocol error is the last thing emitted");
                assertTrue(error.message().startsWith("Protocol error: "), error.message());
            } else if (message instanceof byte[][] argv) {
                assertTrue(argv.length > 0, "an empty command is never emitted");
                for (byte[] argument : argv) {
                    assertNotNull(argument);
                }
            } else {
                fail("unexpected message " + message);
            }
        }
    }

    static List<String> describe(List<Object> out) {
        List<String> described = new ArrayList<>();
        for (Object message : out) {
            if (message instanceof byte[][] argv) {
                described.add(text(List.of(argv)));
            } else {
                described.add(String.valueOf(message));
            }
        }
        return described;
    }

    private static String text(List<byte[]> words) {
        StringBuilder text = new StringBuilder("[");
        for (byte[] word : words) {
            text.append(text.length() > 1 ? ", " : "").append(HexFormat.of().formatHex(word));
        }
        return text.append(']').toString();
    }

    /** Commands as a client writes them (multibulk, or inline words that need no quoting), with what was sent. */
    private static byte[] commands(FuzzedDataProvider data, List<byte[][]> sent, long maxBulk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = data.consumeInt(1, 8);
        for (int c = 0; c < count; c++) {
            if (data.consumeBoolean()) {
                byte[][] argv = new byte[data.consumeInt(1, 5)][];
                out.writeBytes(("*" + argv.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < argv.length; i++) {
                    argv[i] = data.consumeBytes(data.consumeInt(0, (int) Math.min(maxBulk, 40)));
                    out.writeBytes(("$" + argv[i].length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.writeBytes(argv[i]);
                    out.writeBytes(new byte[] {'\r', '\n'});
                }
                sent.add(argv);
            } else {
                byte[][] argv = new byte[data.consumeInt(1, 4)][];
                for (int i = 0; i < argv.length; i++) {
                    String word = data.consumeAsciiString(12).replaceAll("[\\s\\x00\"']", "");
                    argv[i] = (word.isEmpty() || i == 0 && word.startsWith("*") ? "w" + word : word).getBytes(StandardCharsets.US_ASCII);
                    out.writeBytes(argv[i]);
                    out.write(i + 1 < argv.length ? ' ' : '\r');
                }
                out.write('\n');
                sent.add(argv);
            }
        }
        return out.toByteArray();
    }

    private static byte[] glitch(FuzzedDataProvider data, byte[] input) {
        if (input.length == 0) {
            return input;
        }
        int at = data.consumeInt(0, input.length - 1);
        byte[] changed;
        switch (data.consumeInt(0, 2)) {
            case 0 -> {
                changed = input.clone();
                changed[at] = data.pickValue(new byte[] {'*', '$', '\r', '\n', '-', '0', '9', 'x', ' ', '"'});
            }
            case 1 -> {
                changed = new byte[input.length + 1];
                System.arraycopy(input, 0, changed, 0, at);
                changed[at] = data.pickValue(new byte[] {'*', '$', '\r', '\n', '1', '"', '\''});
                System.arraycopy(input, at, changed, at + 1, input.length - at);
            }
            default -> {
                changed = new byte[input.length - 1];
                System.arraycopy(input, 0, changed, 0, at);
                System.arraycopy(input, at + 1, changed, at, input.length - at - 1);
            }
        }
        return changed;
    }

    /** A line around Redis's 64 KiB limit, as an inline command or a multibulk or bulk header, with or without its end. */
    private static byte[] longLine(FuzzedDataProvider data) {
        String prefix = data.pickValue(new String[] {"", "*", "*1\r\n$", "*1\r\n", "PING\r\n"});
        byte[] body = new byte[data.consumeInt(64 * 1024 - 4, 64 * 1024 + 4)];
        java.util.Arrays.fill(body, data.pickValue(new byte[] {'a', '1', ' ', '$'}));
        byte[] line = concat(prefix.getBytes(StandardCharsets.US_ASCII), body);
        return data.consumeBoolean() ? concat(line, new byte[] {'\r', '\n'}) : line;
    }

    private static byte[] inlineLine(FuzzedDataProvider data) {
        byte[] line = new byte[data.consumeInt(0, 24)];
        for (int i = 0; i < line.length; i++) {
            line[i] = data.pickValue(INLINE_ALPHABET);
        }
        return line;
    }

    /** A multibulk or bulk length as a client might (mis)write it. */
    private static String headerNumber(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> Long.toString(data.consumeLong());
            case 1 -> data.pickValue(new String[] {"0", "-0", "00", "01", "-", "+1", "-1", "1048576", "1048577", "16", "17",
                    "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
                    "99999999999999999999", "18446744073709551617", " 1", "1 "});
            case 2 -> data.consumeInt(-3, 40) + "" + "0".repeat(data.consumeInt(0, 20));
            default -> data.consumeAsciiString(22).replaceAll("[\\r\\n]", "");
        };
    }

    /** The input split into reads where the fuzzer says. */
    private static List<byte[]> chunks(FuzzedDataProvider data, byte[] input) {
        List<byte[]> reads = new ArrayList<>();
        int at = 0;
        while (at < input.length) {
            int length = data.remainingBytes() > 0 ? data.consumeInt(1, Math.max(1, input.length - at)) : input.length - at;
            reads.add(java.util.Arrays.copyOfRange(input, at, at + length));
            at += length;
        }
        return reads;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] bytes = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, bytes, a.length, b.length);
        return bytes;
    }

    /** Redis's string2ll (util.c): the numbers a multibulk or bulk length may be. */
    static Long string2ll(byte[] s) {
        int slen = s.length;
        if (slen == 0 || slen >= 21) {
            return null;
        }
        if (slen == 1 && s[0] == '0') {
            return 0L;
        }
        int p = 0;
        boolean negative = false;
        if (s[p] == '-') {
            negative = true;
            p++;
            if (p == slen) {
                return null;
            }
        }
        java.math.BigInteger v;
        if (s[p] >= '1' && s[p] <= '9') {
            v = java.math.BigInteger.valueOf(s[p] - '0');
            p++;
        } else {
            return null;
        }
        while (p < slen && s[p] >= '0' && s[p] <= '9') {
            v = v.multiply(java.math.BigInteger.TEN).add(java.math.BigInteger.valueOf(s[p] - '0'));
            p++;
        }
        if (p < slen) {
            return null;
        }
        if (negative) {
            v = v.negate();
        }
        return v.bitLength() < 64 ? v.longValue() : null;
    }

    /**
     * Redis's sdssplitargs (sds.c) on a C string: indexes for pointers, and a byte past the end reads as
     * the NUL that ends it (so a NUL in the line ends it too). Blanks are C's isspace between words, but a
     * word ends only at a space, \n, \r, \t or NUL.
     */
    static List<byte[]> sdssplitargs(byte[] line) {
        List<byte[]> vector = new ArrayList<>();
        int p = 0;
        while (true) {
            while (at(line, p) != 0 && isspace(at(line, p))) {
                p++;
            }
            if (at(line, p) == 0) {
                return vector;
            }
            boolean inq = false;
            boolean insq = false;
            boolean done = false;
            ByteArrayOutputStream current = new ByteArrayOutputStream();
            while (!done) {
                int c = at(line, p);
                if (inq) {
                    if (c == '\\' && at(line, p + 1) == 'x' && isHex(at(line, p + 2)) && isHex(at(line, p + 3))) {
                        current.write(Character.digit(at(line, p + 2), 16) * 16 + Character.digit(at(line, p + 3), 16));
                        p += 3;
                    } else if (c == '\\' && at(line, p + 1) != 0) {
                        p++;
                        int e = at(line, p);
                        current.write(switch (e) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> 7;
                            default -> e;
                        });
                    } else if (c == '"') {
                        if (at(line, p + 1) != 0 && !isspace(at(line, p + 1))) {
                            return null;
                        }
                        done = true;
                    } else if (c == 0) {
                        return null;
                    } else {
                        current.write(c);
                    }
                } else if (insq) {
                    if (c == '\\' && at(line, p + 1) == '\'') {
                        p++;
                        current.write('\'');
                    } else if (c == '\'') {
                        if (at(line, p + 1) != 0 && !isspace(at(line, p + 1))) {
                            return null;
                        }
                        done = true;
                    } else if (c == 0) {
                        return null;
                    } else {
                        current.write(c);
                    }
                } else {
                    switch (c) {
                        case ' ', '\n', '\r', '\t', 0 -> done = true;
                        case '"' -> inq = true;
                        case '\'' -> insq = true;
                        default -> current.write(c);
                    }
                }
                if (at(line, p) != 0) {
                    p++;
                }
            }
            vector.add(current.toByteArray());
        }
    }

    private static int at(byte[] bytes, int index) {
        return index < bytes.length ? bytes[index] & 0xff : 0;
    }

    private static boolean isspace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == 0x0c || c == '\r';
    }

    private static boolean isHex(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
