package dev.larder.redis.engine.internal;

import static dev.larder.redis.engine.internal.AclRulesTest.check;
import static dev.larder.redis.engine.internal.AclRulesTest.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.larder.redis.api.Reply;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an ACL user may run, and which refusal Redis 7.0 reports when it may not (checked against redis-server 7.0.15). */
class AclPermissionsTest {

    private static String refused(AclUser user, String... call) {
        AclUser.Denial denial = check(user, call);
        if (denial == null) {
            return null;
        }
        String reason = switch (denial.reason()) {
            case AclSelector.DENIED_KEY -> "key";
            case AclSelector.DENIED_CHANNEL -> "channel";
            default -> "command";
        };
        return reason + " " + denial.object();
    }

    @Test
    void commandsKeysAndChannels() throws Exception {
        AclUser user = user("al", "on", ">pw", "~k*", "%R~r*", "%W~w*", "&ch*", "+get", "+set", "+mget", "+publish", "+subscribe",
                "+psubscribe", "+lmove", "+exists", "+config|get", "+client|id");
        assertNull(refused(user, "get", "k1"));
        assertEquals("key x", refused(user, "get", "x"));
        assertNull(refused(user, "get", "r1"));
        assertEquals("key r1", refused(user, "set", "r1", "v"));
        assertNull(refused(user, "set", "w1", "v"));
        assertEquals("key w1", refused(user, "get", "w1"));
        assertEquals("command del", refused(user, "del", "k1"));
        assertEquals("key x", refused(user, "mget", "k1", "x", "r1", "y"));
        assertEquals("key r1", refused(user, "lmove", "r1", "k2", "LEFT", "RIGHT"));
        assertNull(refused(user, "publish", "ch1", "m"));
        assertEquals("channel x", refused(user, "publish", "x", "m"));
        assertNull(refused(user, "psubscribe", "ch*"));
        assertEquals("channel ch1*", refused(user, "psubscribe", "ch1*"));
        assertEquals("channel x", refused(user, "subscribe", "ch1", "x"));
        assertNull(refused(user, "config", "get", "maxmemory"));
        assertEquals("command config|set", refused(user, "config", "set", "maxmemory", "0"));
        assertNull(refused(user, "client", "id"));
        assertEquals("command client|info", refused(user, "client", "info"));
        assertNull(refused(user, "auth", "al", "pw"), "AUTH needs no permission");
    }

    @Test
    void keysNeedWhatTheCommandDoes() throws Exception {
        AclUser reader = user("r", "on", "nopass", "+@all", "%R~*");
        assertNull(refused(reader, "get", "a"));
        assertNull(refused(reader, "exists", "a"));
        assertEquals("key a", refused(reader, "set", "a", "1"));
        AclUser writer = user("w", "on", "nopass", "+@all", "%W~*");
        assertEquals("key a", refused(writer, "get", "a"));
        assertNull(refused(writer, "del", "a"));
        AclUser none = user("n", "on", "nopass", "+@all");
        assertEquals("key a", refused(none, "get", "a"));
        assertNull(refused(none, "select", "0"), "commands without keys need no key pattern");
    }

    @Test
    void categories() throws Exception {
        AclUser user = user("c", "on", "nopass", "allkeys", "+@read", "-@hyperloglog");
        assertNull(refused(user, "get", "a"));
        assertEquals("command pfcount", refused(user, "pfcount", "a"));
        assertEquals("command set", refused(user, "set", "a", "b"));
        AclUser admin = user("a", "on", "nopass", "+@all", "-@admin");
        assertEquals("command config|get", refused(admin, "config", "get", "x"));
        assertNull(refused(admin, "client", "id"));
        assertEquals("command client|kill", refused(admin, "client", "kill", "1.2.3.4:5"));
        AclUser slow = user("s", "on", "nopass", "+@slow");
        assertNull(refused(slow, "client", "kill", "1.2.3.4:5"), "a container's category covers its subcommands");
    }

    @Test
    void anySelectorMayAllowAndTheWorstRefusalIsReported() throws Exception {
        AclUser user = user("s", "on", "nopass", "+get", "~a", "(+set ~b)", "(+publish &c)");
        assertNull(refused(user, "get", "a"));
        assertNull(refused(user, "set", "b", "1"));
        assertNull(refused(user, "publish", "c", "m"));
        assertEquals("key a", refused(user, "set", "a", "1"));
        assertEquals("key b", refused(user, "get", "b"));
        assertEquals("command del", refused(user, "del", "a"));
        assertEquals("channel d", refused(user, "publish", "d", "m"));
    }

    @Test
    void changedRulesApplyAtOnce() throws Exception {
        AclUser user = user("u", "on", "nopass", "+get", "~*");
        assertNull(refused(user, "get", "a"));
        user.state(AclUser.apply(user.state(), "-get".getBytes(), AclRulesTest.TABLE, false));
        assertEquals("command get", refused(user, "get", "a"));
    }

    @Test
    void logGroupsLikeEntries() {
        AclLog log = new AclLog();
        log.add("key", "toplevel", "x", "al", "id=1", 128);
        log.add("command", "toplevel", "del", "al", "id=1", 128);
        log.add("key", "toplevel", "x", "al", "id=2", 128);
        log.add("key", "multi", "x", "al", "id=2", 2);
        List<String> fields = new ArrayList<>();
        log.reply(new Reply() {
            public void simple(String status) { fields.add(status); }
            public void error(String message) { fields.add(message); }
            public void integer(long value) { fields.add(Long.toString(value)); }
            public void bulk(byte[] value) { fields.add(new String(value)); }
            public void nil() { fields.add("nil"); }
            public void array(int length) { fields.add("*" + length); }
            public void nilArray() { fields.add("*-1"); }
            public void map(int entries) { fields.add("%" + entries); }
            public void set(int length) { fields.add("~" + length); }
            public void doubleValue(double value) { fields.add("age"); }
            public void doubleText(String text) { fields.add(text); }
            public void bool(boolean value) { fields.add(Boolean.toString(value)); }
        }, 10);
        assertEquals(List.of("*2",
                "%7", "count", "1", "reason", "key", "context", "multi", "object", "x", "username", "al", "age-seconds", "age",
                "client-info", "id=2",
                "%7", "count", "2", "reason", "key", "context", "toplevel", "object", "x", "username", "al", "age-seconds", "age",
                "client-info", "id=2"), fields);
    }
}
