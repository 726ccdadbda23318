package dev.larder.rest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Percent-decoding of paths and queries; the cases are what CommandParserFuzzTest found. */
class CommandParserTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void onlyAsciiHexDigitsMakeAnEscape() {
        // Character.digit reads THAI DIGIT ONE as 1 and FULLWIDTH A as 10: "%4\u0e51" was decoded as "A"
        assertArrayEquals(utf8("%4\u0e51"), CommandParser.decode("%4\u0e51", false));
        assertArrayEquals(utf8("%\uff21\uff21"), CommandParser.decode("%\uff21\uff21", true));
        assertArrayEquals(utf8("&O%4\u0e51%zz%%%"), CommandParser.decode("&%4F%4\u0e51%zz%%%", false));
        assertArrayEquals(new byte[] {'A', (byte) 0xe9, ' '}, CommandParser.decode("%41%e9+", true));
    }
}
