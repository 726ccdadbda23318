package dev.larder.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link RespDecoder} emits; the cases are what RespDecoderFuzzTest found, answered as redis-server answers them. */
class RespDecoderTest {

    /** The messages emitted for these reads, commands as their words joined by '|'. */
    private static List<String> decode(String... reads) {
        EmbeddedChannel channel = new EmbeddedChannel(new RespDecoder(512L * 1024 * 1024));
        List<String> out = new ArrayList<>();
        try {
            for (String read : reads) {
                channel.writeInbound(Unpooled.wrappedBuffer(read.getBytes(StandardCharsets.ISO_8859_1)));
                for (Object message; (message = channel.readInbound()) != null; ) {
                    if (message instanceof byte[][] argv) {
                        List<String> words = new ArrayList<>();
                        for (byte[] word : argv) {
                            words.add(new String(word, StandardCharsets.ISO_8859_1));
                        }
                        out.add(String.join("|", words));
                    } else {
                        out.add(((RespDecoder.ProtocolError) message).message());
                    }
                }
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        return out;
    }

    @Test
    void inlineCommandsSplitAsSdssplitargsSplitsThem() {
        assertEquals(List.of(), decode("\u000b\r\n"), "\\v and \\f are blanks between words (isspace)");
        assertEquals(List.of("a\u000bb|c"), decode("a\u000bb c\r\n"), "but do not end a word");
        assertEquals(List.of("a|b"), decode("\"a\"\u000c b\r\n"), "and may follow a closing quote");
        assertEquals(List.of("SET|a|b"), decode("SET a b\u0000c d\r\n"), "a NUL ends the line, a C string");
        assertEquals(List.of("Protocol error: unbalanced quotes in request"), decode("\"a\u0000\"\r\n"));
        assertEquals(List.of("a\u0000b"), decode("\"a\\x00b\"\r\n"), "an escaped NUL is kept");
    }

    @Test
    void lengthsAreNumbersAsString2llReadsThem() {
        assertEquals(List.of("Protocol error: invalid multibulk length"), decode("*00\r\n"));
        assertEquals(List.of("Protocol error: invalid multibulk length"), decode("*-0\r\n"));
        assertEquals(List.of("Protocol error: invalid multibulk length"), decode("*+1\r\n"));
        assertEquals(List.of("Protocol error: invalid multibulk length"), decode("*9999999999999999999\r\n"),
                "an overflowing count was read as a negative one, an empty request");
        assertEquals(List.of("PING"), decode("*-9223372036854775808\r\n*1\r\n$4\r\nPING\r\n"));
        assertEquals(List.of("Protocol error: invalid bulk length"), decode("*1\r\n$01\r\nx\r\n"));
        assertEquals(List.of("Protocol error: invalid bulk length"), decode("*1\r\n$-0\r\n"));
        assertEquals(List.of("GET|k"), decode("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"));
    }

    /** A refusal that consumed nothing in its read made Netty throw instead of passing the error on. */
    @Test
    void refusalsAtTheStartOfAReadAreErrorsNotExceptions() {
        assertEquals(List.of("Protocol error: expected '$', got 'X'"), decode("*1\r\n", "X\r\n"));
        assertEquals(List.of("Protocol error: too big inline request"), decode("a".repeat(64 * 1024)));
        assertEquals(List.of("Protocol error: too big bulk count string"), decode("*1\r\n", "$" + "1".repeat(64 * 1024)));
    }
}
