package dev.larder.redis.commands;

import dev.larder.redis.api.ClientSession;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.Keyspace;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.RedisValue;
import dev.larder.redis.api.types.CollectionValue;
import dev.larder.redis.api.Reply;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs one command family's commands against an in-memory keyspace with a settable clock, replies
 * written as text the way RespClient in itests shows them ("+OK", ":1", "$value", "$nil", "*[...]").
 * The engine's own behaviour (locking, expiry, storage) is tested against redis-server in itests; this
 * is for the commands' logic, family by family.
 */
public final class CommandHarness implements CommandContext {

    private final Map<String, RedisCommand> commands = new HashMap<>();
    private final List<MapKeyspace> databases = new ArrayList<>();
    private int selected;
    private long now = 1_700_000_000_000L;

    public CommandHarness(CommandFamily... families) {
        for (CommandFamily family : families) {
            family.commands().forEach(command -> commands.put(command.spec().name(), command));
        }
        for (int i = 0; i < 16; i++) {
            databases.add(new MapKeyspace(i));
        }
        client = new TestClient();
    }

    public void advanceMillis(long millis) {
        now += millis;
    }

    public String call(String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return call(argv);
    }

    public String call(byte[]... argv) {
        RedisCommand command = commands.get(new String(argv[0], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT));
        if (command == null) {
            throw new IllegalArgumentException("no such command in the families under test: " + new String(argv[0], StandardCharsets.UTF_8));
        }
        if (!command.spec().acceptsArgumentCount(argv.length)) {
            return "-" + RedisException.wrongArity(command.spec().name()).getMessage();
        }
        TextReply reply = new TextReply();
        blocked = false;
        try {
            command.execute(this, argv, reply);
        } catch (RedisException e) {
            return "-" + e.getMessage();
        }
        return blocked ? "(blocked)" : reply.text();
    }

    /** The raw bytes of a bulk reply (DUMP). */
    public byte[] bulkBytes(String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        TextReply reply = new TextReply();
        try {
            commands.get(args[0].toLowerCase(Locale.ROOT)).execute(this, argv, reply);
        } catch (RedisException e) {
            throw new AssertionError(e.getMessage());
        }
        return reply.lastBulk;
    }

    /** A script's call: the same checks as the engine's, without locks (the harness has one thread). */
    @Override
    public boolean call(byte[][] argv, Reply reply, boolean writesAllowed, int protocol) throws RedisException {
        RedisCommand command = commands.get(new String(argv[0], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT));
        if (command == null) {
            throw new RedisException("ERR Unknown Redis command called from script");
        }
        if (!command.spec().acceptsArgumentCount(argv.length)) {
            throw new RedisException("ERR Wrong number of args calling Redis command from script");
        }
        if (command.spec().has(dev.larder.redis.api.CommandFlag.WRITE) && !writesAllowed) {
            throw new RedisException("ERR Write commands are not allowed from read-only scripts.");
        }
        try {
            command.execute(this, argv, reply);
        } catch (RedisException e) {
            reply.error(e.getMessage());
        }
        return command.spec().has(dev.larder.redis.api.CommandFlag.WRITE);
    }

    @Override
    public void scriptRunning(boolean running) {
    }

    @Override
    public boolean stopRequested() {
        return false;
    }

    @Override
    public Keyspace keyspace() {
        return databases.get(selected);
    }

    @Override
    public Keyspace keyspace(int index) {
        return databases.get(index);
    }

    @Override
    public int databases() {
        return databases.size();
    }

    @Override
    public void swapDatabases(int first, int second) {
        MapKeyspace a = databases.get(first);
        databases.set(first, databases.get(second));
        databases.set(second, a);
    }

    @Override
    public ClientSession client() {
        return client;
    }

    @Override
    public List<ClientSession> clients() {
        return List.of(client);
    }

    /** The one connection commands run for; AUTH accepts only {@link #TOKEN} (the engine's rules are tested in itests). */
    public TestClient client;

    public static final String TOKEN = "the-token";

    /** A connection's state as the engine keeps it, enough for the connection family's own logic. */
    public final class TestClient implements ClientSession {
        public String name;
        public int database;
        public int protocol = 2;
        public boolean authenticated = true;
        public boolean closeAfterReply;
        public ReplyMode replyMode = ReplyMode.ON;

        @Override
        public long id() {
            return 7;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void name(String newName) {
            name = newName;
        }

        @Override
        public void authenticate(String user, byte[] token) throws RedisException {
            if (!new String(token, StandardCharsets.UTF_8).equals(TOKEN)) {
                throw new RedisException("WRONGPASS invalid username-password pair or user is disabled.");
            }
            authenticated = true;
        }

        @Override
        public void deauthenticate() {
            authenticated = false;
        }

        @Override
        public void tracking(dev.larder.redis.api.ClientTracking tracking) {
        }

        @Override
        public dev.larder.redis.api.ClientTracking tracking() {
            return null;
        }

        @Override
        public void caching(boolean yes) {
        }

        @Override
        public int subscriptions() {
            return 0;
        }

        @Override
        public void reset() {
            deauthenticate();
            database = 0;
            protocol = 2;
            name = null;
        }

        @Override
        public boolean authenticated() {
            return authenticated;
        }

        @Override
        public String user() {
            return "default";
        }

        @Override
        public int database() {
            return database;
        }

        @Override
        public void selectDatabase(int index) {
            database = index;
            selected = index;
        }

        @Override
        public int protocol() {
            return protocol;
        }

        @Override
        public void protocol(int version) {
            protocol = version;
        }

        @Override
        public void replyMode(ReplyMode mode) {
            replyMode = mode;
        }

        @Override
        public void closeAfterReply() {
            closeAfterReply = true;
        }

        @Override
        public String remoteAddress() {
            return "127.0.0.1:50000";
        }

        @Override
        public String localAddress() {
            return "127.0.0.1:6379";
        }

        @Override
        public long connectedAtMillis() {
            return now - 5000;
        }

        @Override
        public long lastCommandAtMillis() {
            return now;
        }

        @Override
        public String lastCommand() {
            return "client";
        }

        @Override
        public void kill() {
            closeAfterReply = true;
        }
    }

    @Override
    public long nowMillis() {
        return now;
    }

    private boolean blocked;

    /** Blocking is the engine's (tested over RESP): here a command that would block answers "(blocked)". */
    @Override
    public void block(List<byte[]> keys, long timeoutMillis, Attempt attempt, Consumer<Reply> timedOut) {
        blocked = true;
    }

    private final class MapKeyspace implements Keyspace {
        private record Stored(RedisValue value, long expireAt) {
        }

        private final int index;
        private final Map<ByteBuffer, Stored> keys = new HashMap<>();

        MapKeyspace(int index) {
            this.index = index;
        }

        private Stored live(byte[] key) {
            Stored stored = keys.get(ByteBuffer.wrap(key));
            if (stored != null && stored.expireAt != NO_EXPIRY && stored.expireAt <= now) {
                keys.remove(ByteBuffer.wrap(key));
                return null;
            }
            return stored;
        }

        @Override
        public int index() {
            return index;
        }

        @Override
        public RedisValue get(byte[] key) {
            Stored stored = live(key);
            return stored == null ? null : stored.value;
        }

        @Override
        public void set(byte[] key, RedisValue value) {
            set(key, value, NO_EXPIRY);
        }

        @Override
        public void replace(byte[] key, RedisValue value) {
            Stored stored = live(key);
            set(key, value, stored == null ? NO_EXPIRY : stored.expireAt);
        }

        private long collectionVersions;

        @Override
        public void set(byte[] key, RedisValue value, long expireAtMillis) {
            retire(live(key));
            if (value instanceof CollectionValue collection) {
                if (collection.attached() || collection.retired()) {
                    value = collection = collection.copy();
                }
                collection.attach(++collectionVersions);
            }
            keys.put(ByteBuffer.wrap(key.clone()), new Stored(value, expireAtMillis));
        }

        private void retire(Stored stored) {
            if (stored != null && stored.value instanceof CollectionValue collection) {
                collection.retire();
            }
        }

        @Override
        public void modified(byte[] key) {
            Stored stored = live(key);
            if (stored != null && stored.value instanceof CollectionValue collection) {
                if (collection.isEmpty() && collection.removedWhenEmpty()) {
                    remove(key);
                } else {
                    collection.discardChanges();
                }
            }
        }

        @Override
        public boolean remove(byte[] key) {
            Stored stored = live(key);
            retire(stored);
            return stored != null && keys.remove(ByteBuffer.wrap(key)) != null;
        }

        @Override
        public boolean exists(byte[] key) {
            return live(key) != null;
        }

        @Override
        public long expireAt(byte[] key) {
            Stored stored = live(key);
            return stored == null ? NO_KEY : stored.expireAt;
        }

        @Override
        public boolean expireAt(byte[] key, long expireAtMillis) {
            Stored stored = live(key);
            if (stored == null) {
                return false;
            }
            if (expireAtMillis != NO_EXPIRY && expireAtMillis <= now) {
                keys.remove(ByteBuffer.wrap(key));
            } else {
                keys.put(ByteBuffer.wrap(key.clone()), new Stored(stored.value, expireAtMillis));
            }
            return true;
        }

        @Override
        public long size() {
            return keys.size();
        }

        @Override
        public void clear() {
            keys.values().forEach(this::retire);
            keys.clear();
        }

        @Override
        public void forEachKey(Consumer<byte[]> action) {
            new ArrayList<>(keys.keySet()).forEach(key -> {
                byte[] bytes = new byte[key.remaining()];
                key.duplicate().get(bytes);
                if (live(bytes) != null) {
                    action.accept(bytes);
                }
            });
        }

        @Override
        public long idleMillis(byte[] key) {
            return live(key) == null ? -1 : 0;
        }

        @Override
        public long scan(long cursor, int count, Consumer<byte[]> action) {
            forEachKey(action);
            return 0;
        }

        @Override
        public byte[] randomKey() {
            byte[][] any = {null};
            forEachKey(key -> any[0] = any[0] == null ? key : any[0]);
            return any[0];
        }
    }

    /** Writes replies as text; arrays and maps as "*[a, b]" with their elements. */
    private static final class TextReply implements Reply {
        private final List<StringBuilder> open = new ArrayList<>();
        private final List<Integer> remaining = new ArrayList<>();
        private final StringBuilder done = new StringBuilder();
        private byte[] lastBulk;

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
            lastBulk = value;
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
            container('*', entries * 2);
        }

        @Override
        public void set(int length) {
            container('*', length);
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
            element(":" + (value ? 1 : 0));
        }
    }
}
