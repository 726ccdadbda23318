package dev.larder.itests.databases;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import dev.larder.databases.Databases;
import dev.larder.itests.LarderRuntime;
import dev.larder.itests.resp.RespClient;
import dev.larder.redis.engine.CommandEngine;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.Assume;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;

/**
 * Databases (tenants) end to end: created in the console, entered over RESP with AUTH, isolated from
 * each other, read-only tokens, deletion, per-database durability, and protected mode.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DatabasesIT {

    private static final String NAME = "databases-it";
    private static final int PORT_BASE = 48900;
    private static final int RESP = LarderRuntime.respPort(PORT_BASE);

    @Inject
    private BundleContext context;

    @Inject
    private CommandProcessor commands;

    @Configuration
    public Option[] config() {
        return LarderRuntime.options(NAME, PORT_BASE, Map.of("backups", "0"));
    }

    private String run(String command) throws Exception {
        return LarderRuntime.runConsoleCommand(commands, command);
    }

    private static String field(String shown, String label) {
        Matcher matcher = Pattern.compile(label + " +(\\S+)").matcher(shown);
        assertTrue(shown, matcher.find());
        return matcher.group(1);
    }

    private void awaitRedis() throws Exception {
        LarderRuntime.awaitService(context, CommandEngine.class, 60_000);
        LarderRuntime.await("the RESP port to answer", 30_000, () -> {
            try (RespClient client = new RespClient(RESP)) {
                return client.call("PING").equals("+PONG");
            } catch (IOException e) {
                return false;
            }
        });
    }

    /**
     * ACL users are users of one database: made with its token, listed only there, reached from a fresh
     * connection (which starts in the default database) as "database:user", and gone with the database.
     */
    @Test
    public void aclUsersBelongToTheirDatabaseAndGoWithIt() throws Exception {
        awaitRedis();
        String created = run("larder:db-create team");
        String token = field(created, "Full token");
        String readOnlyToken = field(created, "Read-only token");
        String wrongPass = "-WRONGPASS invalid username-password pair or user is disabled.";
        try (RespClient team = new RespClient(RESP); RespClient fresh = new RespClient(RESP); RespClient anonymous = new RespClient(RESP);
                RespClient reader = new RespClient(RESP)) {
            assertEquals("+OK", team.call("AUTH", token));
            assertEquals("+OK", team.call("ACL", "SETUSER", "alice", "on", ">pw", "~team:*", "+@all", "-flushall"));
            assertEquals("*[$alice, $default]", team.call("ACL", "USERS"));
            assertEquals("*[$default]", anonymous.call("ACL", "USERS"));
            assertEquals("-ERR The 'default' user is the database's own user (its tokens): ACL SETUSER cannot change it",
                    team.call("ACL", "SETUSER", "default", "off"));
            assertEquals(wrongPass, fresh.call("AUTH", "alice", "pw"));
            assertEquals(wrongPass, fresh.call("AUTH", "team:alice", "wrong"));
            assertEquals("+OK", fresh.call("AUTH", "team:alice", "pw"));
            assertEquals("$alice", fresh.call("ACL", "WHOAMI"));
            assertEquals("+OK", fresh.call("SET", "team:k", "team's"));
            assertEquals("-NOPERM this user has no permissions to access one of the keys used as arguments", fresh.call("GET", "k"));
            assertEquals("-NOPERM this user has no permissions to run the 'flushall' command", fresh.call("FLUSHALL"));
            assertEquals("$team's", team.call("GET", "team:k"));
            assertEquals("$nil", anonymous.call("GET", "team:k"));
            assertEquals("+OK", team.call("AUTH", "alice", "pw"));
            assertEquals("$alice", team.call("ACL", "WHOAMI"));
            assertEquals("+OK", team.call("AUTH", token));
            assertEquals("$team", team.call("ACL", "WHOAMI"));
            String log = team.call("ACL", "LOG");
            assertTrue(log, log.contains("$reason, $auth") && log.contains("$username, $alice") && log.contains("$object, $flushall"));
            String defaultLog = anonymous.call("ACL", "LOG");
            assertTrue(defaultLog, defaultLog.contains("$username, $alice") && !defaultLog.contains("flushall"));
            assertEquals("+OK", reader.call("AUTH", readOnlyToken));
            assertEquals("-NOPERM this user has no permissions to run the 'acl|setuser' command",
                    reader.call("ACL", "SETUSER", "mallory", "on", "nopass", "+@all"));
            assertEquals("$team", reader.call("ACL", "WHOAMI"));
        }
        run("larder:db-delete team");
        String again = field(run("larder:db-create team"), "Full token");
        try (RespClient team = new RespClient(RESP); RespClient fresh = new RespClient(RESP)) {
            assertEquals("+OK", team.call("AUTH", again));
            assertEquals("*[$default]", team.call("ACL", "USERS"));
            assertEquals(wrongPass, fresh.call("AUTH", "team:alice", "pw"));
        }
        run("larder:db-delete team");
    }

    /** CONFIG SET with a database's token changes that database's parameters only; server-wide ones need the administrator. */
    @Test
    public void aDatabasesConfigSetChangesOnlyThatDatabase() throws Exception {
        awaitRedis();
        String token = field(run("larder:db-create tuned"), "Full token");
        try (RespClient tuned = new RespClient(RESP); RespClient admin = new RespClient(RESP)) {
            assertEquals("+OK", tuned.call("AUTH", token));
            assertEquals("+OK", tuned.call("CONFIG", "SET", "hash-max-listpack-entries", "1", "notify-keyspace-events", "KEA"));
            assertEquals("*[$hash-max-listpack-entries, $1]", tuned.call("CONFIG", "GET", "hash-max-listpack-entries"));
            assertEquals("*[$hash-max-listpack-entries, $512]", admin.call("CONFIG", "GET", "hash-max-listpack-entries"));
            assertEquals("*[$notify-keyspace-events, $]", admin.call("CONFIG", "GET", "notify-keyspace-events"));
            assertEquals(":2", tuned.call("HSET", "h", "a", "1", "b", "2"));
            assertEquals("$hashtable", tuned.call("OBJECT", "ENCODING", "h"));
            assertEquals(":2", admin.call("HSET", "h", "a", "1", "b", "2"));
            assertEquals("$listpack", admin.call("OBJECT", "ENCODING", "h"));
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'maxclients') - a server-wide setting: only the default "
                    + "database's full token may change it", tuned.call("CONFIG", "SET", "maxclients", "10"));
            assertEquals("-ERR CONFIG RESETSTAT resets the server's statistics: only the default database's full token may run it",
                    tuned.call("CONFIG", "RESETSTAT"));
            assertEquals("+OK", tuned.call("CONFIG", "REWRITE"));
            admin.call("DEL", "h");
        }
        run("larder:db-delete tuned");
    }

    @Test
    public void databasesAreIsolatedReadOnlyTokensOnlyReadAndDeletionDropsClientsAndData() throws Exception {
        awaitRedis();
        String created = run("larder:db-create shop");
        String fullToken = field(created, "Full token");
        String readOnlyToken = field(created, "Read-only token");
        assertTrue(run("larder:db-create shop"), run("larder:db-create shop").contains("Database 'shop' already exists"));
        assertTrue(run("larder:db-create 'bad name'").contains("Invalid database name"));
        String list = run("larder:db-list");
        assertTrue(list, list.matches("(?s)NAME.*\\ndefault +0 .*\\nshop +\\d+ .*"));

        try (RespClient anonymous = new RespClient(RESP); RespClient shop = new RespClient(RESP);
                RespClient reader = new RespClient(RESP)) {
            assertEquals("+OK", anonymous.call("SET", "k", "in default"));
            assertEquals("-WRONGPASS invalid username-password pair or user is disabled.", shop.call("AUTH", "not-a-token"));
            assertEquals("-WRONGPASS invalid username-password pair or user is disabled.", shop.call("AUTH", "other", fullToken));
            assertEquals("+OK", shop.call("AUTH", fullToken));
            assertEquals("$nil", shop.call("GET", "k"));
            assertEquals("+OK", shop.call("SET", "k", "in shop"));
            assertEquals("+OK", shop.call("SELECT", "3"));
            assertEquals("+OK", shop.call("SET", "k3", "in shop db 3"));
            assertEquals("*[$k3]", shop.call("KEYS", "*"));
            assertEquals("+OK", shop.call("SELECT", "0"));
            assertEquals(":1", shop.call("DBSIZE"));
            assertEquals("$in default", anonymous.call("GET", "k"));
            assertEquals(":1", anonymous.call("DBSIZE"));
            String clients = shop.call("CLIENT", "LIST");
            assertTrue(clients, clients.contains("user=shop") && !clients.contains("user=default"));
            assertEquals("-NOPERM this user has no permissions to run the 'shutdown' command", shop.call("SHUTDOWN"));

            assertEquals("+OK", reader.call("AUTH", "shop", readOnlyToken));
            assertEquals("$in shop", reader.call("GET", "k"));
            assertEquals("-NOPERM this user has no permissions to run the 'set' command", reader.call("SET", "k", "x"));
            assertEquals("-NOPERM this user has no permissions to run the 'keys' command", reader.call("KEYS", "*"));
            assertEquals("-NOPERM this user has no permissions to run the 'scan' command", reader.call("SCAN", "0"));
            assertEquals("-NOPERM this user has no permissions to run the 'flushall' command", reader.call("FLUSHALL"));
            assertEquals("+RESET", reader.call("RESET"));
            assertEquals("$in default", reader.call("GET", "k"));

            // the shop's keys come back from the grid when the engine restarts
            Bundle engine = FrameworkUtil.getBundle(context.getService(context.getServiceReference(CommandEngine.class)).getClass());
            engine.stop();
            engine.start();
            awaitRedis();
        }
        try (RespClient shop = new RespClient(RESP); RespClient anonymous = new RespClient(RESP)) {
            assertEquals("+OK", shop.call("AUTH", "shop", fullToken));
            assertEquals("$in shop", shop.call("GET", "k"));
            assertEquals("+OK", shop.call("FLUSHALL"));
            assertEquals("$in default", anonymous.call("GET", "k"));
            assertEquals("+OK", shop.call("SET", "k", "again"));

            assertTrue(run("larder:db-delete default").contains("The default database cannot be deleted"));
            String deleted = run("larder:db-delete shop");
            assertTrue(deleted, deleted.contains("Database 'shop' deleted"));
            assertEquals("the deleted database's client was disconnected", "EOF", shop.read());
        }
        try (RespClient late = new RespClient(RESP)) {
            // with only the default database left, Redis's wording for AUTH on a password-less server applies
            String refused = late.call("AUTH", fullToken);
            assertTrue(refused, refused.startsWith("-WRONGPASS") || refused.startsWith("-ERR AUTH <password> called without"));
            assertEquals("$in default", late.call("GET", "k"));
        }
        assertTrue(run("larder:db-list").contains("default"));
        assertTrue(!run("larder:db-list").contains("shop"));
    }

    @Test
    public void memoryOnlyDatabaseLosesItsKeysOnRestartOthersKeepTheirs() throws Exception {
        awaitRedis();
        String created = run("larder:db-create cache off");
        assertTrue(created, created.contains("Durability       off"));
        String token = field(created, "Full token");
        String durable = field(run("larder:db-create kept"), "Full token");
        try (RespClient cache = new RespClient(RESP); RespClient kept = new RespClient(RESP)) {
            assertEquals("+OK", cache.call("AUTH", token));
            assertEquals("+OK", cache.call("SET", "volatile", "1"));
            assertEquals("+OK", kept.call("AUTH", durable));
            assertEquals("+OK", kept.call("SET", "lasting", "1"));
        }
        Thread.sleep(500); // longer than the write-behind interval
        Bundle engine = FrameworkUtil.getBundle(context.getService(context.getServiceReference(CommandEngine.class)).getClass());
        engine.stop();
        engine.start();
        awaitRedis();
        try (RespClient cache = new RespClient(RESP); RespClient kept = new RespClient(RESP)) {
            assertEquals("+OK", cache.call("AUTH", token));
            assertEquals("$nil", cache.call("GET", "volatile"));
            assertEquals("+OK", kept.call("AUTH", durable));
            assertEquals("$1", kept.call("GET", "lasting"));
        }
        run("larder:db-delete cache");
        run("larder:db-delete kept");
    }

    @Test
    public void aConfiguredDefaultTokenRequiresAuthAndProtectedModeRefusesRemoteClientsWithoutOne() throws Exception {
        awaitRedis();
        Path config = LarderRuntime.home(NAME).resolve("config").resolve("dev.larder.databases.cfg");
        Properties withToken = new Properties();
        withToken.setProperty("defaultToken", "default-secret");
        LarderRuntime.writeCfg(config, withToken);
        try {
            LarderRuntime.await("the token to be required", 30_000, () -> {
                try (RespClient client = new RespClient(RESP)) {
                    return client.call("GET", "x").equals("-NOAUTH Authentication required.");
                } catch (IOException e) {
                    return false;
                }
            });
            try (RespClient client = new RespClient(RESP)) {
                assertEquals("-NOAUTH Authentication required.", client.call("PING"));
                assertTrue(client.call("HELLO", "3").startsWith("-NOAUTH HELLO must be called with the client already authenticated"));
                assertEquals("-WRONGPASS invalid username-password pair or user is disabled.", client.call("AUTH", "wrong"));
                assertEquals("+OK", client.call("AUTH", "default", "default-secret"));
                assertEquals("$nil", client.call("GET", "x"));
                assertEquals("+RESET", client.call("RESET"));
                assertEquals("-NOAUTH Authentication required.", client.call("GET", "x"));
            }
        } finally {
            withToken.setProperty("defaultToken", "");
            LarderRuntime.writeCfg(config, withToken);
        }
        LarderRuntime.await("the token to be gone", 30_000, () -> {
            try (RespClient client = new RespClient(RESP)) {
                return client.call("GET", "x").equals("$nil");
            } catch (IOException e) {
                return false;
            }
        });

        InetAddress external = nonLoopbackAddress();
        Assume.assumeTrue("this machine has a non-loopback IPv4 address", external != null);
        Path respConfig = LarderRuntime.home(NAME).resolve("config").resolve("dev.larder.resp.cfg");
        Properties resp = new Properties();
        resp.setProperty("port", String.valueOf(RESP));
        resp.setProperty("bindAddress", external.getHostAddress());
        LarderRuntime.writeCfg(respConfig, resp);
        try {
            LarderRuntime.await("a remote client to be refused by protected mode", 30_000, () -> {
                try (RespClient client = new RespClient(external.getHostAddress(), RESP)) {
                    String first = client.read();
                    return first.startsWith("-DENIED Redis is running in protected mode") && client.read().equals("EOF");
                } catch (IOException e) {
                    return false;
                }
            });
        } finally {
            resp.setProperty("bindAddress", "127.0.0.1");
            LarderRuntime.writeCfg(respConfig, resp);
        }
        assertNotNull(LarderRuntime.awaitService(context, Databases.class, 10_000));
        awaitRedis();
    }

    private static InetAddress nonLoopbackAddress() throws IOException {
        for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!network.isUp() || network.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(network.getInetAddresses())) {
                if (address instanceof Inet4Address) {
                    return address;
                }
            }
        }
        return null;
    }
}
