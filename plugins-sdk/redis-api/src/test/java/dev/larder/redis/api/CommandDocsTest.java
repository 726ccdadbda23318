package dev.larder.redis.api;

import static dev.larder.redis.api.CommandArgument.block;
import static dev.larder.redis.api.CommandArgument.integer;
import static dev.larder.redis.api.CommandArgument.key;
import static dev.larder.redis.api.CommandArgument.oneOf;
import static dev.larder.redis.api.CommandArgument.pureToken;
import static dev.larder.redis.api.CommandArgument.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larder.redis.api.CommandArgument.Flag;
import dev.larder.redis.api.CommandArgument.Type;
import dev.larder.redis.api.CommandDocs.Group;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CommandDocsTest {

    @Test
    public void aSpecCarriesItsDocsAndHasNoneUnlessGiven() {
        CommandDocs docs = CommandDocs.summary("Greets.").since("1.0.0").group(Group.MODULE).build();
        assertSame(docs, CommandSpec.command("hello.greet", 2).keys(1, 1, 1).docs(docs).build().docs());
        assertNull(CommandSpec.command("hello.greet", 2).build().docs());
        assertNull(new CommandSpec("x", 1, Set.of(), 0, 0, 0, Set.of()).docs());
    }

    @Test
    public void summarySinceAndGroupAreRequired() {
        assertThrows(IllegalArgumentException.class, () -> CommandDocs.summary("x").group(Group.STRING).build());
        assertThrows(IllegalArgumentException.class, () -> CommandDocs.summary("x").since("1.0.0").build());
        assertThrows(IllegalArgumentException.class, () -> CommandDocs.summary(null).since("1.0.0").group(Group.STRING).build());
    }

    @Test
    public void groupsAndFlagsHaveRedisNames() {
        assertEquals("sorted-set", Group.SORTED_SET.redisName());
        assertEquals("hyperloglog", Group.HYPERLOGLOG.redisName());
        assertEquals("pure-token", Type.PURE_TOKEN.redisName());
        assertEquals("unix-time", Type.UNIX_TIME.redisName());
        assertEquals("multiple_token", Flag.MULTIPLE_TOKEN.redisName());
        assertEquals("syscmd", CommandDocs.DocFlag.SYSCMD.redisName());
    }

    @Test
    public void argumentsAreRefinedByCopies() {
        CommandArgument count = integer("count");
        CommandArgument limit = count.token("LIMIT").since("6.2.0").optional();
        assertNull(count.token());
        assertEquals(Set.of(), count.flags());
        assertEquals("LIMIT", limit.token());
        assertEquals("6.2.0", limit.since());
        assertEquals(Set.of(Flag.OPTIONAL), limit.flags());
        assertEquals(List.of(Flag.OPTIONAL, Flag.MULTIPLE, Flag.MULTIPLE_TOKEN), List.copyOf(limit.multipleToken().flags()));
        assertEquals(-1, limit.keySpecIndex());
        assertEquals(2, key("destination", 2).keySpecIndex());
    }

    @Test
    public void malformedArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> oneOf("empty"));
        assertThrows(IllegalArgumentException.class, () -> block("empty"));
        assertThrows(IllegalArgumentException.class, () -> key("key", -1));
        assertThrows(IllegalArgumentException.class, () -> pureToken("nx", null));
        assertThrows(IllegalArgumentException.class, () -> string(""));
        assertThrows(IllegalArgumentException.class,
                () -> new CommandArgument("s", Type.STRING, null, 0, null, null, null, null, Set.of(), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new CommandArgument("s", Type.STRING, null, -1, null, null, null, null, Set.of(), List.of(string("x"))));
    }

    @Test
    public void docsKeepWhatTheBuilderWasGiven() {
        CommandDocs docs = CommandDocs.summary("Sets hash fields.").since("2.0.0").group(Group.HASH).complexity("O(N)")
                .deprecated("4.0.0", "HSET").history("2.4.0", "one").history("3.0.0", "two")
                .arguments(key("key", 0), block("field_value", string("field"), string("value")).multiple())
                .subcommand("HELP", CommandDocs.summary("Help.").since("2.0.0").group(Group.HASH).build())
                .build();
        assertEquals(Set.of(CommandDocs.DocFlag.DEPRECATED), docs.docFlags());
        assertEquals("4.0.0", docs.deprecatedSince());
        assertEquals("HSET", docs.replacedBy());
        assertEquals(List.of(new CommandDocs.History("2.4.0", "one"), new CommandDocs.History("3.0.0", "two")), docs.history());
        assertEquals(2, docs.arguments().size());
        assertTrue(docs.subcommands().containsKey("help"));
    }
}
