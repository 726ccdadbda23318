package dev.larder.redis.engine.internal;

import static dev.larder.redis.api.CommandArgument.block;
import static dev.larder.redis.api.CommandArgument.integer;
import static dev.larder.redis.api.CommandArgument.key;
import static dev.larder.redis.api.CommandArgument.oneOf;
import static dev.larder.redis.api.CommandArgument.pureToken;
import static dev.larder.redis.api.CommandArgument.string;
import static dev.larder.redis.api.CommandSpec.command;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.larder.redis.api.CommandDocs;
import dev.larder.redis.api.CommandDocs.Group;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * COMMAND DOCS's reply, written as text the way itests' RespClient shows a reply ("%[...]" a RESP3 map,
 * "~[...]" a set); the expected texts have redis-server 7.0.15's layout, the words are ours.
 */
class CommandDocsReplyTest {

    private static final CommandDocs GET = CommandDocs.summary("Returns the string stored at a key.")
            .since("1.0.0").group(Group.STRING).complexity("O(1)").arguments(key("key", 0)).build();

    private static final CommandDocs HMSET = CommandDocs.summary("Sets hash fields.")
            .since("2.0.0").group(Group.HASH).complexity("O(N) for N fields.")
            .deprecated("4.0.0", "HSET with several fields")
            .arguments(key("key", 0), block("field_value", string("field"), string("value")).multiple())
            .build();

    private static final CommandDocs XINFO = CommandDocs.summary("Stream introspection.")
            .since("5.0.0").group(Group.STREAM).complexity("Per subcommand.")
            .subcommand("HELP", CommandDocs.summary("Lists the subcommands.").since("5.0.0").group(Group.STREAM).complexity("O(1)").build())
            .build();

    private final Map<String, RedisCommand> commands = new LinkedHashMap<>();

    CommandDocsReplyTest() {
        add(GET, "get");
        add(HMSET, "hmset");
        add(XINFO, "xinfo");
        add(null, "nodocs");
    }

    private void add(CommandDocs docs, String name) {
        commands.put(name, RedisCommand.of(command(name, -1).docs(docs).build(), (c, argv, r) -> r.ok()));
    }

    private String docs(int protocol, String... names) {
        TextReply reply = new TextReply(protocol);
        List<byte[]> asked = Arrays.stream(names).map(name -> name.getBytes(StandardCharsets.UTF_8)).toList();
        CommandDocsReply.reply(reply, commands.values(), name -> commands.get(name), asked);
        return reply.text();
    }

    @Test
    public void aCommandsDocsAreLaidOutAsRedis7LaysThemOut() {
        assertEquals("*[$get, *[$summary, $Returns the string stored at a key., $since, $1.0.0, $group, $string, $complexity, $O(1), "
                + "$arguments, *[*[$name, $key, $type, $key, $key_spec_index, :0]]]]", docs(2, "GET"));
        assertEquals("%[$get, %[$summary, $Returns the string stored at a key., $since, $1.0.0, $group, $string, $complexity, $O(1), "
                + "$arguments, *[%[$name, $key, $type, $key, $key_spec_index, :0]]]]", docs(3, "get"));
    }

    @Test
    public void deprecationFlagsAndNestedArgumentsFollowTheSummary() {
        assertEquals("*[$hmset, *[$summary, $Sets hash fields., $since, $2.0.0, $group, $hash, $complexity, "
                + "$O(N) for N fields., $doc_flags, *[+deprecated], $deprecated_since, $4.0.0, "
                + "$replaced_by, $HSET with several fields, $arguments, *[*[$name, $key, $type, $key, $key_spec_index, :0], "
                + "*[$name, $field_value, $type, $block, $flags, *[+multiple], $arguments, *[*[$name, $field, $type, $string], "
                + "*[$name, $value, $type, $string]]]]]]", docs(2, "hmset"));
    }

    @Test
    public void historyIsASetOfVersionAndChangePairsAndFlagsASetOfStatuses() {
        CommandDocs xtrim = CommandDocs.summary("Trims.").since("5.0.0").group(Group.STREAM).complexity("O(N)")
                .history("6.2.0", "MINID and LIMIT.")
                .arguments(key("key", 0), block("trim",
                        oneOf("strategy", pureToken("maxlen", "MAXLEN"), pureToken("minid", "MINID").since("6.2.0")),
                        oneOf("operator", pureToken("equal", "="), pureToken("approximately", "~")).optional(),
                        string("threshold"),
                        integer("count").token("LIMIT").since("6.2.0").optional()))
                .build();
        add(xtrim, "xtrim");
        assertEquals("%[$xtrim, %[$summary, $Trims., $since, $5.0.0, $group, $stream, $complexity, $O(N), "
                + "$history, ~[*[$6.2.0, $MINID and LIMIT.]], $arguments, *[%[$name, $key, $type, $key, $key_spec_index, :0], "
                + "%[$name, $trim, $type, $block, $arguments, *[%[$name, $strategy, $type, $oneof, $arguments, "
                + "*[%[$name, $maxlen, $type, $pure-token, $token, $MAXLEN], %[$name, $minid, $type, $pure-token, $token, $MINID, "
                + "$since, $6.2.0]]], %[$name, $operator, $type, $oneof, $flags, ~[+optional], $arguments, "
                + "*[%[$name, $equal, $type, $pure-token, $token, $=], %[$name, $approximately, $type, $pure-token, $token, $~]]], "
                + "%[$name, $threshold, $type, $string], %[$name, $count, $type, $integer, $token, $LIMIT, $since, $6.2.0, "
                + "$flags, ~[+optional]]]]]]]", docs(3, "xtrim"));
    }

    @Test
    public void displayTextAndMultipleTokenAreReportedWhereDeclared() {
        CommandDocs docs = CommandDocs.summary("Sorts.").since("1.0.0").group(Group.GENERIC)
                .arguments(string("pattern").token("GET").multipleToken().optional().displayText("pattern"))
                .build();
        add(docs, "sortish");
        assertEquals("*[$sortish, *[$summary, $Sorts., $since, $1.0.0, $group, $generic, $arguments, *[*[$name, $pattern, "
                + "$type, $string, $display_text, $pattern, $token, $GET, $flags, *[+optional, +multiple, +multiple_token]]]]]",
                docs(2, "sortish"));
    }

    @Test
    public void unknownNamesAndCommandsWithoutDocsAreLeftOutAndRepeatsRepeated() {
        assertEquals("%[]", docs(3, "nosuch", "nodocs"));
        assertEquals("*[]", docs(2, "nosuch"));
        String get = docs(2, "get").substring(2, docs(2, "get").length() - 1);
        assertEquals("*[" + get + ", " + get + "]", docs(2, "get", "nosuch", "GET"));
    }

    @Test
    public void withoutNamesEveryDocumentedCommandIsListed() {
        String all = docs(2);
        assertEquals("*[" + String.join(", ", List.of(inner("get"), inner("hmset"), inner("xinfo"))) + "]", all);
    }

    private String inner(String name) {
        String one = docs(2, name);
        return one.substring(2, one.length() - 1);
    }

    @Test
    public void subcommandsAreNamedAfterTheirCommandAndCanBeAskedFor() {
        String help = "*[$summary, $Lists the subcommands., $since, $5.0.0, $group, $stream, $complexity, $O(1)]";
        assertEquals("*[$xinfo, *[$summary, $Stream introspection., $since, $5.0.0, $group, $stream, $complexity, "
                + "$Per subcommand., $subcommands, *[$xinfo|help, " + help + "]]]", docs(2, "xinfo"));
        assertEquals("*[$xinfo|help, " + help + "]", docs(2, "XINFO|HELP"));
        assertEquals("*[]", docs(2, "xinfo|nosuch", "get|help", "nosuch|help"));
    }

    /** Replies as text: arrays "*[a, b]", RESP3 maps "%[k, v]" and sets "~[...]", RESP2 both as arrays. */
    private static final class TextReply implements Reply {
        private final int protocol;
        private final List<StringBuilder> open = new ArrayList<>();
        private final List<Integer> remaining = new ArrayList<>();
        private final StringBuilder done = new StringBuilder();

        TextReply(int protocol) {
            this.protocol = protocol;
        }

        String text() {
            return done.toString();
        }

        private void element(String text) {
            if (open.isEmpty()) {
                done.append(text);
                return;
            }
            int last = open.size() - 1;
            StringBuilder container = open.get(last);
            if (container.charAt(container.length() - 1) != '[') {
                container.append(", ");
            }
            container.append(text);
            remaining.set(last, remaining.get(last) - 1);
            if (remaining.get(last) == 0) {
                open.remove(last);
                remaining.remove(last);
                element(container.append(']').toString());
            }
        }

        private void container(char type, int elements) {
            if (elements == 0) {
                element(type + "[]");
                return;
            }
            open.add(new StringBuilder().append(type).append('['));
            remaining.add(elements);
        }

        @Override
        public void simple(String status) {
            element("+" + status);
        }

        @Override
        public void error(String message) {
            element("-" + message);
        }

        @Override
        public void integer(long value) {
            element(":" + value);
        }

        @Override
        public void bulk(byte[] value) {
            element("$" + new String(value, StandardCharsets.UTF_8));
        }

        @Override
        public void nil() {
            element("$nil");
        }

        @Override
        public void array(int length) {
            container('*', length);
        }

        @Override
        public void nilArray() {
            element("*nil");
        }

        @Override
        public void map(int entries) {
            container(protocol == 3 ? '%' : '*', entries * 2);
        }

        @Override
        public void set(int length) {
            container(protocol == 3 ? '~' : '*', length);
        }

        @Override
        public void doubleValue(double value) {
            element("," + value);
        }

        @Override
        public void doubleText(String text) {
            element("," + text);
        }

        @Override
        public void bool(boolean value) {
            element(protocol == 3 ? "#" + (value ? "t" : "f") : ":" + (value ? 1 : 0));
        }
    }
}
