package dev.larder.rest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Fuzzes {@link CommandParser}, how a REST request's body and path become commands: any body is a
 * command or a 400 answer, never another exception; a JSON command written by a JSON library reads back
 * as written; a path of percent-encoded segments reads back as the bytes encoded; and percent-decoding
 * agrees with a plain reference (RFC 3986: two ASCII hex digits after '%', '+' a space in a query).
 */
class CommandParserFuzzTest {

    /** Pieces of paths and queries: escapes, near-escapes, and characters that are digits to Character.digit but not ASCII. */
    private static final String[] PIECES = {"%", "%4", "%41", "%e9", "%C3%A9", "%zz", "%%", "+", "/", "=", "&", "a", "F", "7",
            "\u0663", "\uff21", "\uff41", "\u0e51", "\u00e9", "\ud83d\ude00", "\ud800", " "};

    @FuzzTest(maxDuration = "15s")
    void readsRequestsAsUpstashSendsThem(FuzzedDataProvider data) {
        switch (data.consumeInt(0, 3)) {
            case 0 -> jsonRoundTrip(data);
            case 1 -> pathRoundTrip(data);
            case 2 -> {
                String text = pieces(data);
                boolean query = data.consumeBoolean();
                assertArrayEquals(referenceDecode(text, query), CommandParser.decode(text, query),
                        () -> "decoding " + escape(text) + (query ? " in a query" : " in a path"));
                CommandParser.fromPath(CommandParser.segments(text), data.consumeBytes(4), text);
            }
            default -> {
                byte[] body = data.consumeRemainingAsBytes();
                refusedOrRead(() -> CommandParser.command(body));
                refusedOrRead(() -> {
                    List<byte[][]> commands = CommandParser.commands(body, 3);
                    assertTrue(!commands.isEmpty() && commands.size() <= 3);
                    return commands.get(0);
                });
            }
        }
    }

    private interface Parse {
        byte[][] parse() throws RestException;
    }

    private static void refusedOrRead(Parse parse) {
        try {
            byte[][] argv = parse.parse();
            assertTrue(argv.length > 0);
        } catch (RestException refused) {
            assertEquals(400, refused.status(), refused.getMessage());
        }
    }

    /** Strings, numbers and booleans written as Upstash's clients write them, read back as their text. */
    private static void jsonRoundTrip(FuzzedDataProvider data) {
        int commands = data.consumeInt(1, 3);
        List<List<byte[]>> expected = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean pipeline = data.consumeBoolean();
        try (JsonGenerator json = CommandParser.JSON.createGenerator(body, JsonEncoding.UTF8)) {
            if (pipeline) {
                json.writeStartArray();
            }
            for (int c = 0; c < (pipeline ? commands : 1); c++) {
                List<byte[]> argv = new ArrayList<>();
                json.writeStartArray();
                int arguments = data.consumeInt(1, 5);
                for (int i = 0; i < arguments; i++) {
                    switch (data.consumeInt(0, 3)) {
                        case 0 -> {
                            long n = data.consumeLong();
                            json.writeNumber(n);
                            argv.add(Long.toString(n).getBytes(StandardCharsets.US_ASCII));
                        }
                        case 1 -> {
                            double d = data.consumeRegularDouble();
                            json.writeNumber(d);
                            argv.add(Double.toString(d).getBytes(StandardCharsets.US_ASCII));
                        }
                        case 2 -> {
                            boolean b = data.consumeBoolean();
                            json.writeBoolean(b);
                            argv.add(Boolean.toString(b).getBytes(StandardCharsets.US_ASCII));
                        }
                        default -> {
                            String s = wellFormed(data.consumeString(30));
                            json.writeString(s);
                            argv.add(s.getBytes(StandardCharsets.UTF_8));
                        }
                    }
                }
                json.writeEndArray();
                expected.add(argv);
            }
            if (pipeline) {
                json.writeEndArray();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = body.toByteArray();
        try {
            List<byte[][]> read = pipeline ? CommandParser.commands(bytes, 10) : List.<byte[][]>of(CommandParser.command(bytes));
            assertEquals(expected.size(), read.size());
            for (int c = 0; c < read.size(); c++) {
                assertEquals(texts(expected.get(c)), texts(List.of(read.get(c))), new String(bytes, StandardCharsets.UTF_8));
            }
        } catch (RestException e) {
            throw new AssertionError(new String(bytes, StandardCharsets.UTF_8) + ": " + e.getMessage(), e);
        }
    }

    /** Binary arguments, each byte percent-encoded or (when unreserved) as itself, in a path. */
    private static void pathRoundTrip(FuzzedDataProvider data) {
        int count = data.consumeInt(1, 5);
        List<byte[]> arguments = new ArrayList<>();
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < count; i++) {
            byte[] argument = data.consumeBytes(data.consumeInt(0, 12));
            arguments.add(argument);
            path.append('/');
            for (byte b : argument) {
                boolean unreserved = b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '.' || b == '_'
                        || b == '~';
                if (unreserved && data.consumeBoolean()) {
                    path.append((char) b);
                } else {
                    path.append(String.format(data.consumeBoolean() ? "%%%02X" : "%%%02x", b & 0xff));
                }
            }
        }
        // a trailing slash adds no segment, so an empty last argument needs one
        if (data.consumeBoolean() || arguments.get(count - 1).length == 0) {
            path.append('/');
        }
        List<byte[]> segments = CommandParser.segments(path.toString());
        assertEquals(texts(arguments), texts(segments), path::toString);
    }

    private static String pieces(FuzzedDataProvider data) {
        StringBuilder text = new StringBuilder();
        int count = data.consumeInt(0, 12);
        for (int i = 0; i < count; i++) {
            text.append(data.pickValue(PIECES));
        }
        return text.toString();
    }

    /** Percent-decoding to bytes: '%' and two ASCII hex digits is a byte, anything else is its UTF-8. */
    static byte[] referenceDecode(String text, boolean query) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder plain = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length() && asciiHex(text.charAt(i + 1)) >= 0 && asciiHex(text.charAt(i + 2)) >= 0) {
                out.writeBytes(plain.toString().getBytes(StandardCharsets.UTF_8));
                plain.setLength(0);
                out.write(asciiHex(text.charAt(i + 1)) * 16 + asciiHex(text.charAt(i + 2)));
                i += 2;
            } else if (c == '+' && query) {
                plain.append(' ');
            } else {
                plain.append(c);
            }
        }
        out.writeBytes(plain.toString().getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static int asciiHex(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    /** Lone surrogates replaced: a JSON library cannot write them as UTF-8. */
    private static String wellFormed(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else if (!Character.isSurrogate(c)) {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static List<String> texts(List<byte[]> words) {
        List<String> texts = new ArrayList<>();
        for (byte[] word : words) {
            texts.add(HexFormat.of().formatHex(word));
        }
        return texts;
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder();
        text.chars().forEach(c -> out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return out.toString();
    }
}
