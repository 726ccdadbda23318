package dev.larder.redis.engine.internal;

import static dev.larder.redis.api.CommandFlag.ADMIN;
import static dev.larder.redis.api.CommandFlag.DENYOOM;
import static dev.larder.redis.api.CommandFlag.FAST;
import static dev.larder.redis.api.CommandFlag.NO_AUTH;
import static dev.larder.redis.api.CommandFlag.PUBSUB;
import static dev.larder.redis.api.CommandFlag.READONLY;
import static dev.larder.redis.api.CommandFlag.WRITE;
import static dev.larder.redis.api.CommandSpec.command;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.larder.redis.api.CommandSpec;
import dev.larder.redis.api.RedisCommand;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ACL rule language and ACL LIST's form of it, against what redis-server 7.0.15 answers for the same
 * rules (where the answer does not depend on Redis's own set of commands).
 */
class AclRulesTest {

    static final CommandRegistry REGISTRY = new CommandRegistry();
    static final AclCommandTable TABLE = new AclCommandTable(REGISTRY);

    static {
        List<CommandSpec> specs = List.of(
                command("get", 2).flags(READONLY, FAST).keys(1, 1, 1).categories("string").build(),
                command("set", -3).flags(WRITE, DENYOOM).keys(1, 1, 1).categories("string").build(),
                command("mget", -2).flags(READONLY, FAST).keys(1, -1, 1).categories("string").build(),
                command("del", -2).flags(WRITE).keys(1, -1, 1).categories("keyspace").build(),
                command("exists", -2).flags(READONLY, FAST).keys(1, -1, 1).categories("keyspace").build(),
                command("lmove", 5).flags(WRITE, DENYOOM).keys(1, 2, 1).categories("list").build(),
                command("pfadd", -2).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("hyperloglog").build(),
                command("pfcount", -2).flags(READONLY).keys(1, -1, 1).categories("hyperloglog").build(),
                command("publish", 3).flags(PUBSUB, FAST).categories("pubsub").build(),
                command("subscribe", -2).flags(PUBSUB).categories("pubsub").build(),
                command("psubscribe", -2).flags(PUBSUB).categories("pubsub").build(),
                command("select", 2).flags(FAST).categories("connection").build(),
                command("auth", -2).flags(NO_AUTH, FAST).categories("connection").build(),
                command("config", -2).flags(ADMIN).build(),
                command("client", -2).build());
        List<RedisCommand> commands = new ArrayList<>();
        for (CommandSpec spec : specs) {
            commands.add(RedisCommand.of(spec, (c, argv, r) -> r.ok()));
        }
        REGISTRY.add(() -> commands);
    }

    static byte[][] argv(String... words) {
        return Arrays.stream(words).map(word -> word.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    }

    /** ACL SETUSER's arguments applied to a new user, as the command applies them. */
    static AclUser user(String name, String... rules) throws AclRuleException {
        String[] unmatched = new String[1];
        List<byte[]> merged = AclUser.mergeSelectors(Arrays.asList(argv(rules)), unmatched);
        AclUser.State state = AclUser.created(false);
        for (byte[] rule : merged) {
            state = AclUser.apply(state, rule, TABLE, false);
        }
        return new AclUser(name, state);
    }

    static String describe(String... rules) throws AclRuleException {
        return user("u", rules).describe(TABLE);
    }

    static String error(String... rules) {
        return assertThrows(AclRuleException.class, () -> user("u", rules)).getMessage();
    }

    @Test
    void newUserIsOffWithNothing() throws Exception {
        assertEquals("off resetchannels -@all", describe());
        AclUser.State created = AclUser.created(true);
        assertEquals("off &* -@all", new AclUser("u", created).describe(TABLE));
    }

    @Test
    void describesAsRedisDoes() throws Exception {
        assertEquals("on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 ~k* %R~r* resetchannels &ch* -@all +get",
                describe("on", ">pw", "~k*", "%R~r*", "&ch*", "+get", "+config|get", "-@admin"));
        assertEquals("off resetchannels +@all", describe("+@all", "-get", "+get"));
        assertEquals("off resetchannels -@all +@read -get", describe("-@all", "+@read", "-get"));
        assertEquals("off resetchannels +@all -client|kill", describe("+@all", "-client|kill"));
        assertEquals("off resetchannels -@all +client|id +client|info", describe("+client|id", "+client|info"));
        assertEquals("off resetchannels +@all", describe("+@all", "-@all", "+@read", "+@all"));
        assertEquals("off resetchannels +@all", describe("nocommands", "+get", "allcommands"));
        assertEquals("off ~b resetchannels -@all", describe("~a", "resetkeys", "~b"));
        assertEquals("off resetchannels & &a -@all", describe("&", "&a", "&a"));
    }

    @Test
    void keyPatternsCombineTheirPermissions() throws Exception {
        assertEquals("off ~a ~b %W~c %R~d ~e resetchannels -@all", describe("%RW~a", "%WR~b", "%W~c", "%R~d", "~e"));
        assertEquals("off ~* resetchannels -@all", describe("%RW~*"));
        assertEquals("off ~* %R~ resetchannels -@all", describe("%RW~*", "%R", "%R~*"), "%RW~* is a pattern: more may follow");
        assertEquals(AclRuleException.KEY_AFTER_ALL, error("~*", "%R~a"));
        assertEquals("off %R~* resetchannels -@all", describe("%R~*"));
        assertEquals("off ~a resetchannels -@all", describe("%R~a", "%W~a"));
        assertEquals("off ~ resetchannels -@all", describe("~"));
        assertEquals("off %R~ resetchannels -@all", describe("%R"));
    }

    @Test
    void passwordsAndFlags() throws Exception {
        assertEquals("on nopass resetchannels -@all", describe("on", ">pw", "nopass"));
        assertEquals("on #93915a0a4bf8f634cb1856494dd4304472ad46b9827f541f76b6761c49cc55b0 resetchannels -@all",
                describe("on", ">pw", "nopass", ">pw2"));
        assertEquals("on resetchannels -@all", describe("on", ">pw", "resetpass"));
        assertEquals("off sanitize-payload resetchannels -@all", describe("on", ">pw", "~*", "+@all", "(+get)", "reset"));
        assertEquals("off skip-sanitize-payload resetchannels -@all", describe("sanitize-payload", "skip-sanitize-payload"));
        assertEquals("on resetchannels -@all", describe("on", ">a", ">a", ">b", "<a",
                "!3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d"));
        AclUser user = user("u", "on", ">secret");
        assertEquals(true, user.authenticates("secret".getBytes(StandardCharsets.UTF_8)));
        assertEquals(false, user.authenticates("other".getBytes(StandardCharsets.UTF_8)));
        assertEquals(false, user("u", "off", ">secret").authenticates("secret".getBytes(StandardCharsets.UTF_8)));
        assertEquals(true, user("u", "on", "nopass").authenticates("anything".getBytes(StandardCharsets.UTF_8)));
        assertEquals(false, user("u", "on").authenticates(new byte[0]));
    }

    @Test
    void selectors() throws Exception {
        assertEquals("off resetchannels -@all (~a resetchannels &b -@all +get) (~x resetchannels -@all)",
                describe("(+get ~a &b)", "(~x)"));
        assertEquals("off resetchannels -@all (~a resetchannels -@all +get)", describe("(", "+get", "~a", ")"));
        assertEquals("off resetchannels -@all (resetchannels -@all)", describe("()"));
        assertEquals("off ~* resetchannels -@all", describe("(+get)", "allkeys", "clearselectors"));
        String[] unmatched = new String[1];
        assertNull(AclUser.mergeSelectors(Arrays.asList(argv("(~a", "+get")), unmatched));
        assertEquals("(~a", unmatched[0]);
    }

    @Test
    void firstArguments() throws Exception {
        assertEquals("off resetchannels -@all +select|0 +select|1", describe("+select|0", "+select|1"));
        assertEquals("off resetchannels -@all +select", describe("+select|0", "+select"));
        assertEquals("off resetchannels -@all", describe("+select|0", "-select"));
        AclUser user = user("u", "on", "nopass", "+select|0");
        assertNull(check(user, "select", "0"));
        assertEquals("select", check(user, "select", "1").object());
    }

    @Test
    void errorsAreRedissTexts() {
        assertEquals(AclRuleException.UNKNOWN, error("+foo"));
        assertEquals(AclRuleException.UNKNOWN, error("+@nosuch"));
        assertEquals(AclRuleException.UNKNOWN, error("+config|nosuch"));
        assertEquals(AclRuleException.UNKNOWN, error("-select|0"));
        assertEquals(AclRuleException.UNKNOWN, error("+"));
        assertEquals(AclRuleException.SUBCOMMAND_FIRST_ARG, error("+config|get|x"));
        assertEquals(AclRuleException.SYNTAX, error("+config|"));
        assertEquals(AclRuleException.KEY_AFTER_ALL, error("~*", "~a"));
        assertEquals(AclRuleException.KEY_AFTER_ALL, error("allkeys", "%W~a"));
        assertEquals(AclRuleException.CHANNEL_AFTER_ALL, error("&*", "&a"));
        assertEquals(AclRuleException.NO_SUCH_PASSWORD, error("<nopw"));
        assertEquals(AclRuleException.BAD_HASH, error("#abc"));
        assertEquals(AclRuleException.BAD_HASH, error("!2E7D2C03A9507AE265ECF5B5356885A53393A2029D241394997265A1A25AEFC6"));
        assertEquals(AclRuleException.SYNTAX, error("bogus"));
        assertEquals(AclRuleException.SYNTAX, error(")"));
        assertEquals(AclRuleException.SYNTAX, error("%X~a"));
        assertEquals(AclRuleException.SYNTAX, error("%~a"));
        assertEquals(AclRuleException.SYNTAX, error("%RR~a"));
        assertEquals(AclRuleException.SYNTAX, error("(on)"));
        assertEquals(AclRuleException.SYNTAX, error("(>pw)"));
        assertEquals(AclRuleException.KEY_AFTER_ALL, error("(~* ~a)"));
    }

    @Test
    void storedRulesReadBackToTheSameUser() throws Exception {
        AclUser user = user("alice", "on", ">pw", "~k*", "%R~r*", "&ch*", "+@read", "-get", "+select|0", "+config|get",
                "(+set %W~w*)", "skip-sanitize-payload");
        AclUser other = user("bob", "+@all", "-@hyperloglog", "allchannels");
        AclUsers users = new AclUsers(7);
        users.put(user);
        users.put(other);
        Map<String, AclUser.State> read = AclUsers.decode(users.encode(), TABLE.lenient(), false);
        assertEquals(List.of("alice", "bob"), List.copyOf(read.keySet()));
        assertEquals(user.describe(TABLE), new AclUser("alice", read.get("alice")).describe(TABLE));
        assertEquals(other.describe(TABLE), new AclUser("bob", read.get("bob")).describe(TABLE));
        assertEquals(user.stored(), new AclUser("alice", read.get("alice")).stored());
    }

    @Test
    void storedRulesMayNameCommandsNotRegisteredYet() throws Exception {
        byte[] stored = "user carol on nopass ~* resetchannels -@all +hset +xinfo|stream\n".getBytes(StandardCharsets.UTF_8);
        AclUser.State state = AclUsers.decode(stored, TABLE.lenient(), false).get("carol");
        assertEquals("user carol on nopass allkeys resetchannels -@all +hset +xinfo|stream", new AclUser("carol", state).stored());
    }

    @Test
    void databaseUserIsEverything() {
        assertEquals("on nopass ~* &* +@all", AclUser.builtIn("default", null).describe(TABLE));
        assertEquals("on #" + AclUser.hash("token".getBytes(StandardCharsets.UTF_8)) + " ~* &* +@all",
                AclUser.builtIn("default", "token").describe(TABLE));
    }

    static AclUser.Denial check(AclUser user, String... words) {
        byte[][] call = argv(words);
        RedisCommand command = REGISTRY.lookup(words[0]);
        Acl.KeysAndChannels found = Acl.keysAndChannels(command, call);
        return user.check(TABLE.target(command, call), call, found.keys(), found.keyFlags(), found.channels(), found.patterns());
    }
}
