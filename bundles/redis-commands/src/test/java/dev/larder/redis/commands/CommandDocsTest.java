package dev.larder.redis.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larder.redis.api.CommandArgument;
import dev.larder.redis.api.CommandArgument.Flag;
import dev.larder.redis.api.CommandArgument.Type;
import dev.larder.redis.api.CommandDocs;
import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.CommandSpec;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.commands.bitmaps.BitmapCommands;
import dev.larder.redis.commands.hashes.HashCommands;
import dev.larder.redis.commands.keys.KeyCommands;
import dev.larder.redis.commands.lists.ListCommands;
import dev.larder.redis.commands.sets.SetCommands;
import dev.larder.redis.commands.sortedsets.SortedSetCommands;
import dev.larder.redis.commands.streams.StreamCommands;
import dev.larder.redis.commands.strings.StringCommands;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The docs the built-in commands declare for COMMAND DOCS: that they agree with each command's arity
 * and keys, that the argument structures are Redis's (8.2 for the stream and bitmap additions), and that
 * the syntax they document is what the commands accept.
 */
class CommandDocsTest {

    private static final List<CommandFamily> FAMILIES = List.of(new StringCommands(), new KeyCommands(), new HashCommands(),
            new ListCommands(), new SortedSetCommands(), new BitmapCommands(), new StreamCommands());

    private static final Set<String> DOCUMENTED = Set.of("get", "set", "del", "expire", "hset", "lpush", "zadd", "bitop", "xadd",
            "xtrim", "xdelex", "xackdel", "xread", "xreadgroup");

    private static Map<String, CommandSpec> specs() {
        Map<String, CommandSpec> specs = new LinkedHashMap<>();
        for (CommandFamily family : FAMILIES) {
            for (RedisCommand command : family.commands()) {
                specs.put(command.spec().name(), command.spec());
            }
        }
        return specs;
    }

    private static CommandDocs docs(String name) {
        CommandDocs docs = specs().get(name).docs();
        assertNotNull(docs, name + " has docs");
        return docs;
    }

    @Test
    public void theCommandsRedisCliHintsMostAndRedis82ChangedAreDocumented() {
        Set<String> documented = specs().values().stream().filter(spec -> spec.docs() != null).map(CommandSpec::name)
                .collect(Collectors.toSet());
        assertTrue(documented.containsAll(DOCUMENTED), "missing: " + DOCUMENTED.stream().filter(n -> !documented.contains(n)).toList());
        assertNull(specs().get("getdel").docs(), "a command without docs declares none");
    }

    /** The fewest words a call can have for {@code argument}: what the command's arity counts. */
    private static int minimumWords(CommandArgument argument) {
        if (argument.has(Flag.OPTIONAL)) {
            return 0;
        }
        int token = argument.token() != null && argument.type() != Type.PURE_TOKEN ? 1 : 0;
        return token + switch (argument.type()) {
            case ONEOF -> argument.arguments().stream().mapToInt(CommandDocsTest::minimumWords).min().orElse(0);
            case BLOCK -> argument.arguments().stream().mapToInt(CommandDocsTest::minimumWords).sum();
            default -> 1;
        };
    }

    private static boolean variadic(CommandArgument argument) {
        return argument.has(Flag.OPTIONAL) || argument.has(Flag.MULTIPLE) || argument.arguments().stream().anyMatch(CommandDocsTest::variadic);
    }

    private static void collectKeys(List<CommandArgument> arguments, List<Integer> keySpecs) {
        for (CommandArgument argument : arguments) {
            if (argument.type() == Type.KEY) {
                keySpecs.add(argument.keySpecIndex());
            }
            collectKeys(argument.arguments(), keySpecs);
        }
    }

    private static void assertSiblingNamesDiffer(String command, List<CommandArgument> arguments) {
        Set<String> names = new HashSet<>();
        for (CommandArgument argument : arguments) {
            assertTrue(names.add(argument.name()), command + ": two arguments named " + argument.name());
            assertSiblingNamesDiffer(command, argument.arguments());
        }
    }

    @Test
    public void docsAgreeWithEachSpecsArityAndKeys() {
        for (CommandSpec spec : specs().values()) {
            CommandDocs docs = spec.docs();
            if (docs == null) {
                continue;
            }
            int words = 1 + docs.arguments().stream().mapToInt(CommandDocsTest::minimumWords).sum();
            assertEquals(Math.abs(spec.arity()), words, spec.name() + ": the shortest documented call");
            assertEquals(spec.arity() < 0, docs.arguments().stream().anyMatch(CommandDocsTest::variadic),
                    spec.name() + ": a negative arity is an optional or repeated argument");
            List<Integer> keySpecs = new ArrayList<>();
            collectKeys(docs.arguments(), keySpecs);
            for (int i = 0; i < keySpecs.size(); i++) {
                assertEquals(i, keySpecs.get(i), spec.name() + ": key specs are numbered in order");
            }
            assertTrue(spec.firstKey() == 0 || !keySpecs.isEmpty(), spec.name() + ": a command with keys documents them");
            assertSiblingNamesDiffer(spec.name(), docs.arguments());
            assertTrue(docs.since().matches("\\d+\\.\\d+\\.\\d+"), spec.name() + " since " + docs.since());
        }
    }

    /** The syntax line redis-cli builds from the docs for its hints (redis-cli 7.0's cliAddArgument). */
    private static String syntax(List<CommandArgument> arguments, String separator) {
        List<String> parts = new ArrayList<>();
        for (CommandArgument argument : arguments) {
            String token = argument.token() == null ? "" : argument.token();
            String repeated = switch (argument.type()) {
                case ONEOF -> syntax(argument.arguments(), "|");
                case BLOCK -> syntax(argument.arguments(), " ");
                case PURE_TOKEN -> "";
                default -> argument.name();
            };
            if (!token.isEmpty() && argument.type() != Type.PURE_TOKEN) {
                token += " ";
            }
            String part = token + repeated;
            if (argument.has(Flag.MULTIPLE)) {
                part += " [" + (argument.has(Flag.MULTIPLE_TOKEN) ? token : "") + repeated + " ...]";
            }
            parts.add(argument.has(Flag.OPTIONAL) ? "[" + part + "]" : part);
        }
        return String.join(separator, parts);
    }

    @Test
    public void redisCliHintsReadAsRedisDocumentsTheSyntax() {
        assertEquals("key", syntax(docs("get").arguments(), " "));
        assertEquals("key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]",
                syntax(docs("set").arguments(), " "));
        assertEquals("key [key ...]", syntax(docs("del").arguments(), " "));
        assertEquals("key seconds [NX|XX|GT|LT]", syntax(docs("expire").arguments(), " "));
        assertEquals("key field value [field value ...]", syntax(docs("hset").arguments(), " "));
        assertEquals("key element [element ...]", syntax(docs("lpush").arguments(), " "));
        assertEquals("key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]", syntax(docs("zadd").arguments(), " "));
        assertEquals("[COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]", syntax(docs("xread").arguments(), " "));
        assertEquals("GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key [key ...] id [id ...]",
                syntax(docs("xreadgroup").arguments(), " "));
        assertEquals("key [NOMKSTREAM] [KEEPREF|DELREF|ACKED] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...]",
                syntax(docs("xadd").arguments(), " "));
        assertEquals("key MAXLEN|MINID [=|~] threshold [LIMIT count] [KEEPREF|DELREF|ACKED]", syntax(docs("xtrim").arguments(), " "));
        assertEquals("key [KEEPREF|DELREF|ACKED] IDS numids id [id ...]", syntax(docs("xdelex").arguments(), " "));
        assertEquals("key group [KEEPREF|DELREF|ACKED] IDS numids id [id ...]", syntax(docs("xackdel").arguments(), " "));
        assertEquals("AND|OR|XOR|NOT|DIFF|DIFF1|ANDOR|ONE destkey key [key ...]", syntax(docs("bitop").arguments(), " "));
    }

    @Test
    public void redis82AdditionsAreMarkedWithTheirVersion() {
        assertEquals("8.2.0", docs("xdelex").since());
        assertEquals("8.2.0", docs("xackdel").since());
        assertEquals(CommandDocs.Group.STREAM, docs("xackdel").group());
        CommandArgument condition = docs("xadd").arguments().get(2);
        assertEquals("condition", condition.name());
        assertEquals(Type.ONEOF, condition.type());
        assertEquals("8.2.0", condition.since());
        assertEquals(List.of("KEEPREF", "DELREF", "ACKED"), condition.arguments().stream().map(CommandArgument::token).toList());
        assertEquals("8.2.0", docs("xtrim").arguments().get(2).since());
        assertEquals("8.2.0", docs("xadd").history().get(2).version());
        CommandArgument operation = docs("bitop").arguments().get(0);
        assertEquals(List.of("AND", "OR", "XOR", "NOT", "DIFF", "DIFF1", "ANDOR", "ONE"),
                operation.arguments().stream().map(CommandArgument::token).toList());
        assertEquals(List.of("8.2.0", "8.2.0", "8.2.0", "8.2.0"),
                operation.arguments().subList(4, 8).stream().map(CommandArgument::since).toList());
        assertNull(operation.arguments().get(0).since());
        CommandArgument ids = docs("xdelex").arguments().get(2);
        assertEquals("IDS", ids.token());
        assertEquals(Type.BLOCK, ids.type());
        assertEquals(Set.of(Flag.MULTIPLE), ids.arguments().get(1).flags());
    }

    @Test
    public void theDocumentedRedis82SyntaxIsWhatTheCommandsAccept() {
        CommandHarness redis = new CommandHarness(new StreamCommands(), new BitmapCommands(), new StringCommands(), new SetCommands());
        assertEquals("$1-0", redis.call("XADD", "s", "KEEPREF", "MAXLEN", "=", "5", "1-0", "f", "v"));
        assertEquals("$2-0", redis.call("XADD", "s", "NOMKSTREAM", "ACKED", "MINID", "~", "0", "LIMIT", "10", "2-0", "f", "v"));
        assertEquals(":0", redis.call("XTRIM", "s", "MAXLEN", "~", "5", "LIMIT", "10", "DELREF"));
        assertEquals("+OK", redis.call("XGROUP", "CREATE", "s", "g", "0"));
        assertEquals("*[:-1]", redis.call("XACKDEL", "s", "g", "ACKED", "IDS", "1", "9-0"));
        assertEquals("*[:1, :-1]", redis.call("XDELEX", "s", "DELREF", "IDS", "2", "1-0", "9-0"));
        assertEquals("*[:1]", redis.call("XDELEX", "s", "IDS", "1", "2-0"));
        redis.call("SET", "a", "x");
        redis.call("SET", "b", "y");
        for (String operation : List.of("AND", "OR", "XOR", "DIFF", "DIFF1", "ANDOR", "ONE")) {
            assertEquals(":1", redis.call("BITOP", operation, "dest", "a", "b"), operation);
        }
    }
}
