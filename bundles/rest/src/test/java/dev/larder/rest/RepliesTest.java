package dev.larder.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The answer shapes: Upstash's JSON (items, base64, RESP2 shapes), RESP2 bytes, and event-stream lines. */
class RepliesTest {

    private static String json(boolean base64, int itemDepth, Consumer<JsonReplyWriter> replies) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator generator = CommandParser.JSON.createGenerator(out, JsonEncoding.UTF8)) {
            replies.accept(new JsonReplyWriter(generator, base64, itemDepth));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void itemsAreResultOrErrorObjectsWithRedisTwoShapes() throws IOException {
        assertEquals("{\"result\":\"OK\"}", json(false, 0, JsonReplyWriter::ok));
        assertEquals("{\"result\":null}", json(false, 0, JsonReplyWriter::nil));
        assertEquals("{\"result\":42}", json(false, 0, r -> r.integer(42)));
        assertEquals("{\"result\":\"1.5\"}", json(false, 0, r -> r.doubleValue(1.5)));
        assertEquals("{\"result\":1}", json(false, 0, r -> r.bool(true)));
        assertEquals("{\"error\":\"ERR nope\"}", json(false, 0, r -> r.error("ERR nope")));
        assertEquals("{\"result\":[]}", json(false, 0, r -> r.array(0)));
        assertEquals("{\"result\":[\"a\",\"1\",[7,null]]}", json(false, 0, r -> {
            r.set(3);
            r.bulk("a");
            r.bulk("1");
            r.array(2);
            r.integer(7);
            r.nilArray();
        }));
        assertEquals("{\"result\":\"\uFFFD!\"}", json(false, 0, r -> r.bulk(new byte[] {(byte) 0xff, '!'})));
    }

    @Test
    void base64EncodesEveryStringButATopLevelOk() throws IOException {
        assertEquals("{\"result\":\"OK\"}", json(true, 0, JsonReplyWriter::ok));
        assertEquals("{\"result\":\"UE9ORw==\"}", json(true, 0, r -> r.simple("PONG")));
        assertEquals("{\"result\":[\"T0s=\",3,[\"eA==\"],null]}", json(true, 0, r -> {
            r.array(4);
            r.ok();
            r.integer(3);
            r.array(1);
            r.bulk("x");
            r.nil();
        }));
        assertEquals("{\"error\":\"ERR plain\"}", json(true, 0, r -> r.error("ERR plain")));
    }

    @Test
    void aTransactionsElementsAreItems() throws IOException {
        String[] failed = new String[1];
        String answer = json(true, 1, r -> {
            r.array(3);
            r.ok();
            r.error("WRONGTYPE x");
            failed[0] = String.valueOf(r.lastItemFailed());
            r.array(2);
            r.bulk("a");
            r.integer(1);
            failed[0] += r.lastItemFailed();
        });
        assertEquals("[{\"result\":\"OK\"},{\"error\":\"WRONGTYPE x\"},{\"result\":[\"YQ==\",1]}]", answer);
        assertEquals("truefalse", failed[0]);
    }

    @Test
    void resp2IsWhatATcpClientReads() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Resp2ReplyWriter r = new Resp2ReplyWriter(out);
        r.map(1);
        r.bulk("k");
        r.doubleValue(2.5);
        r.nil();
        r.error("ERR a\nb");
        r.bool(false);
        assertEquals("*2\r\n$1\r\nk\r\n$3\r\n2.5\r\n$-1\r\n-ERR a b\r\n:0\r\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void eventLinesJoinAnArraysElementsWithCommas() {
        EventLines lines = new EventLines();
        lines.array(3);
        lines.bulk("message");
        lines.bulk("chat");
        lines.bulk("a,b\nc");
        lines.array(3);
        lines.bulk("subscribe");
        lines.bulk("chat");
        lines.integer(1);
        lines.simple("1700000000.000001 [0 lua] \"get\" \"k\"");
        assertEquals("data: message,chat,a,b\ndata: c\n\ndata: subscribe,chat,1\n\ndata: 1700000000.000001 [0 lua] \"get\" \"k\"\n\n",
                new String(lines.bytes(), StandardCharsets.UTF_8));
        assertEquals(null, lines.error());
        EventLines refused = new EventLines();
        refused.error("NOPERM no");
        assertEquals("NOPERM no", refused.error());
    }

    @Test
    void pathAndQueryArgumentsArePercentDecodedToBytes() {
        byte[][] argv = CommandParser.fromPath(CommandParser.segments("/set/a%2Fb/%FF%20x/"), "body".getBytes(StandardCharsets.UTF_8),
                "EX=100&NX&_token=secret&q=a+b%2B");
        assertEquals(9, argv.length);
        assertEquals((byte) 0xff, argv[2][0]);
        assertEquals(java.util.List.of("set", "a/b", "\uFFFD x", "body", "EX", "100", "NX", "q", "a b+"),
                java.util.Arrays.stream(argv).map(bytes -> new String(bytes, StandardCharsets.UTF_8)).toList());
        assertEquals("é%zz", new String(CommandParser.decode("é%zz", false), StandardCharsets.UTF_8));
    }

    @Test
    void jsonCommandsTakeStringsNumbersAndBooleansOnly() throws RestException {
        byte[][] argv = CommandParser.command("[\"SET\", \"k\", 1.5e3, true, -0]".getBytes(StandardCharsets.UTF_8));
        assertEquals("SET k 1.5e3 true -0", String.join(" ", java.util.Arrays.stream(argv).map(String::new).toList()));
        RestException refused = org.junit.jupiter.api.Assertions.assertThrows(RestException.class,
                () -> CommandParser.commands("[[\"GET\",\"a\"],[\"GET\",\"b\"],[\"GET\",\"c\"]]".getBytes(StandardCharsets.UTF_8), 2));
        assertEquals(400, refused.status());
        assertTrue(refused.getMessage().contains("Limit: 2 commands"));
        assertFalse(CommandParser.commands("[[\"PING\"]]".getBytes(StandardCharsets.UTF_8), 2).isEmpty());
    }
}
