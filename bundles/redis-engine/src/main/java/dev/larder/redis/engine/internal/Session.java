package dev.larder.redis.engine.internal;

import dev.larder.databases.Access;
import dev.larder.databases.Database;
import dev.larder.redis.api.ClientTracking;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.Keyspace;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.types.Bytes;
import dev.larder.redis.engine.ClientConnection;
import dev.larder.redis.engine.EngineSession;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A client connection's state, and the context its commands run in. */
final class Session implements EngineSession, CommandContext {

    private final RedisEngine engine;
    /** Whether the running command's key lookups count as keyspace hits and misses (read commands, as in Redis). */
    boolean countsKeyspaceHits;
    private final long id;
    private final String remoteAddress;
    private final String localAddress;
    private final ClientConnection connection;
    private final long connectedAtMillis = System.currentTimeMillis();
    /** Whether the client may work in the default database without AUTH (protected-mode rules, fixed at connect). */
    private final boolean anonymousAllowed;
    private Tenant tenant;
    private ShardedKeyspace[] keyspaces;
    private boolean authenticated;
    private boolean readOnly;
    /** The ACL user the client authenticated as; null: the database's own user (its token), whose token rights apply. */
    private volatile AclUser aclUser;
    private volatile long lastCommandAtMillis = connectedAtMillis;
    private volatile String lastCommand = "NULL";
    private boolean wroteSinceDurable;
    private final Shards shards;
    /** The key last looked up, with its map key and shard: a command locks, then reads and writes the same key. */
    private byte[] cachedKey;
    private Bytes cachedByteKey;
    private int cachedShard;
    private String name;
    private int database;
    private int protocol = 2;
    private boolean closeRequested;
    private boolean repliesOff;
    private boolean skipNextReply;
    private boolean skipThisReply;
    /** Passes replies on only while the client wants them: CLIENT REPLY ON, run silenced, still answers OK. */
    private final GatedReply gate = new GatedReply(() -> !repliesOff && !skipThisReply);
    private volatile boolean monitoring;
    private long nowMillis;
    /** The command running now and the positions of its keys (what a blocked command locks when it tries again). */
    private byte[][] runningArgv;
    private int[] runningKeys;
    /** The client's wait, while a command of it is blocked; ended by the engine. */
    private volatile Waiter waiter;
    private boolean blockedByLastCommand;
    /** The reply of the command running now: where a command that may not block answers at once. */
    private Reply runningReply;
    /** Whether commands run inside EXEC or a script now, where nothing blocks. */
    private boolean atomicBody;
    /** The shards locked for the command running now (null: none); a script's calls may lock more. */
    private boolean[] heldShards;
    /** What the client is subscribed to, per kind, in the order it subscribed. */
    private final java.util.EnumMap<PubSub.Kind, java.util.LinkedHashSet<Bytes>> subscribed = new java.util.EnumMap<>(PubSub.Kind.class);
    /** Between MULTI and EXEC or DISCARD, else null. */
    private Transaction transaction;
    private final List<DatabaseKey> watched = new ArrayList<>();
    /** Set, under the key's shard lock, by whoever touches a watched key. */
    private volatile boolean watchedKeyTouched;

    Session(RedisEngine engine, long id, String remoteAddress, String localAddress, ClientConnection connection, Shards shards,
            boolean anonymousAllowed) {
        this(engine, id, remoteAddress, localAddress, connection, shards, anonymousAllowed, null, false);
    }

    /** A session that starts in {@code tenant} (null: the default database, authenticated as anonymousAllowed says). */
    Session(RedisEngine engine, long id, String remoteAddress, String localAddress, ClientConnection connection, Shards shards,
            boolean anonymousAllowed, Tenant tenant, boolean readOnly) {
        this.engine = engine;
        this.id = id;
        this.remoteAddress = remoteAddress;
        this.localAddress = localAddress;
        this.connection = connection;
        this.shards = shards;
        this.anonymousAllowed = anonymousAllowed;
        if (tenant == null) {
            deauthenticate();
        } else {
            enter(tenant, readOnly);
        }
    }

    private void enter(Tenant entered, boolean asReadOnly) {
        tenant = entered;
        readOnly = asReadOnly;
        authenticated = true;
        aclUser = null;
        keyspaces = new ShardedKeyspace[entered.databases()]; // made on first use: most clients use one
        if (database >= keyspaces.length) {
            database = 0;
        }
    }

    /** Continues as an ACL user of {@code entered}: its rules apply to every command from now on. */
    void enter(Tenant entered, AclUser user) {
        enter(entered, false);
        aclUser = user;
    }

    AclUser aclUser() {
        return aclUser;
    }

    /**
     * AUTH and HELLO AUTH: a database token (with "default" or the database's name as the user), else an ACL
     * user of the connection's database, or "database:user" of another one.
     */
    @Override
    public void authenticate(String user, byte[] token) throws RedisException {
        Optional<Access> access = engine.databases().authenticate(new String(token, StandardCharsets.UTF_8));
        if (access.isPresent() && (user == null || user.equals(Database.DEFAULT_NAME) || user.equals(access.get().database().name()))) {
            enter(engine.tenant(access.get().database()), access.get().readOnly());
            return;
        }
        if (user != null && !user.equals(Database.DEFAULT_NAME)) {
            Acl.Login login = engine.acl().authenticate(this, user, token);
            if (login != null) {
                enter(login.tenant(), login.user());
                return;
            }
            throw new RedisException("WRONGPASS invalid username-password pair or user is disabled.");
        }
        if (anonymousAllowed && engine.databases().defaultDatabase().fullToken() == null) {
            // as Redis with a password-less default user: AUTH default <anything> succeeds, AUTH <password> is a
            // mistake (unless other databases exist: then it is a wrong token)
            if (user == null && engine.databases().list().size() == 1) {
                throw new RedisException("ERR AUTH <password> called without any password configured for the default user. "
                        + "Are you sure your configuration is correct?");
            }
            if (Database.DEFAULT_NAME.equals(user)) {
                enter(engine.tenant(engine.databases().defaultDatabase()), false);
                return;
            }
        }
        engine.acl().authFailed(this, user);
        throw new RedisException("WRONGPASS invalid username-password pair or user is disabled.");
    }

    @Override
    public void deauthenticate() {
        enter(engine.tenant(engine.databases().defaultDatabase()), false);
        authenticated = anonymousAllowed;
    }

    /** The client's subscriptions of one kind (changed only by its own commands). */
    java.util.Set<Bytes> subscribed(PubSub.Kind kind) {
        return subscribed.computeIfAbsent(kind, k -> new java.util.LinkedHashSet<>());
    }

    @Override
    public int subscriptions() {
        int count = 0;
        for (java.util.Set<Bytes> names : subscribed.values()) {
            count += names.size();
        }
        return count;
    }

    private volatile ClientTracking tracking;
    /** CLIENT CACHING's answer for the next command (null: none given). */
    private Boolean cachingNext;

    @Override
    public void tracking(ClientTracking options) throws RedisException {
        if (options != null && options.redirect() != 0 && engineSession(options.redirect()) == null) {
            throw new RedisException("ERR The client ID you want redirect to does not exist");
        }
        ClientTracking current = tracking;
        if (options != null && current != null && current.broadcast() != options.broadcast()) {
            throw new RedisException("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then "
                    + "re-enabling it with a different mode.");
        }
        if (current != null) {
            engine.keyTracking().stopped(this);
        }
        tracking = options;
        cachingNext = null;
        if (options != null) {
            engine.keyTracking().started(this);
        }
    }

    @Override
    public ClientTracking tracking() {
        return tracking;
    }

    @Override
    public void caching(boolean yes) throws RedisException {
        ClientTracking options = tracking;
        if (options == null || !options.optIn() && !options.optOut()) {
            throw new RedisException("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or "
                    + "OPTOUT mode enabled");
        }
        if (yes && !options.optIn()) {
            throw new RedisException("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
        }
        if (!yes && !options.optOut()) {
            throw new RedisException("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
        }
        cachingNext = yes;
    }

    /**
     * Whether the keys of the command that just ran are tracked: default-mode tracking, unless OPTIN
     * without CLIENT CACHING YES or OPTOUT after CLIENT CACHING NO. The CACHING answer lasts one command.
     */
    boolean tracksKeysNow(boolean cachingCommand) {
        ClientTracking options = tracking;
        if (options == null || options.broadcast()) {
            return false;
        }
        Boolean caching = cachingNext;
        if (!cachingCommand) {
            cachingNext = null;
        }
        return options.optIn() ? Boolean.TRUE.equals(caching) : !(options.optOut() && Boolean.FALSE.equals(caching));
    }

    /** Another client of the engine by id (a tracking redirect), or null. */
    Session engineSession(long id) {
        return engine.session(id);
    }

    private void stopTracking() {
        if (tracking != null) {
            engine.keyTracking().stopped(this);
            tracking = null;
        }
    }

    /** Ends every subscription (RESET, a closed connection). */
    void unsubscribeAll() {
        subscribed.forEach((kind, names) -> names.forEach(name -> engine.pubSub().unsubscribe(kind, this, name)));
        subscribed.clear();
    }

    @Override
    public void reset() {
        stopTracking();
        unsubscribeAll();
        transaction = null;
        unwatchAll(false);
        engine.monitors().remove(this);
        replyMode(ReplyMode.ON);
        protocol = 2;
        database = 0;
        name = null;
        deauthenticate();
    }

    @Override
    public boolean authenticated() {
        return authenticated;
    }

    @Override
    public String user() {
        return tenant.name;
    }

    Tenant tenant() {
        return tenant;
    }

    boolean readOnly() {
        return readOnly;
    }

    /** May run administrative commands (SHUTDOWN, CONFIG SET, DEBUG, MONITOR): full access to the default database. */
    boolean administrator() {
        return authenticated && !readOnly && tenant.isDefault();
    }

    @Override
    public void execute(byte[][] argv, Reply reply) {
        blockedByLastCommand = false;
        nowMillis = System.currentTimeMillis();
        lastCommandAtMillis = nowMillis;
        engine.execute(this, argv, repliesOff || skipThisReply ? gate.around(reply) : reply);
        skipThisReply = false;
        if (skipNextReply) {
            skipNextReply = false;
            skipThisReply = true;
        }
    }

    @Override
    public void replyMode(ReplyMode mode) {
        switch (mode) {
            case ON -> {
                repliesOff = false;
                skipNextReply = false;
                skipThisReply = false;
            }
            case OFF -> repliesOff = true;
            case SKIP -> skipNextReply = !repliesOff;
        }
    }

    ClientConnection connection() {
        return connection;
    }

    boolean monitoring() {
        return monitoring;
    }

    void monitoring(boolean on) {
        monitoring = on;
    }

    Bytes byteKey(byte[] key) {
        remember(key);
        return cachedByteKey;
    }

    Shard shardOf(byte[] key) {
        remember(key);
        return shards.get(cachedShard);
    }

    int shardIndexOf(byte[] key) {
        remember(key);
        return cachedShard;
    }

    private void remember(byte[] key) {
        if (key != cachedKey) {
            cachedKey = key;
            cachedByteKey = new Bytes(key);
            cachedShard = shards.indexOf(key);
        }
    }

    void wrote() {
        wroteSinceDurable = true;
    }

    @Override
    public CompletionStage<Void> durable() {
        if (!wroteSinceDurable) {
            return CompletableFuture.completedFuture(null);
        }
        wroteSinceDurable = false;
        return engine.durable();
    }

    @Override
    public long writePosition() {
        return tenant.writePosition();
    }

    @Override
    public CompletionStage<Void> writesApplied(long position) {
        return tenant.writesApplied(position);
    }

    @Override
    public boolean closeRequested() {
        return closeRequested;
    }

    @Override
    public void close() {
        monitoring = false;
        stopTracking();
        unsubscribeAll();
        transaction = null;
        unwatchAll(false);
        Waiter waiting = waiter;
        if (waiting != null) {
            engine.endWait(waiting, false);
        }
        engine.closed(this);
    }

    void running(byte[][] argv, int[] keys, Reply reply) {
        runningArgv = argv;
        runningKeys = keys;
        runningReply = reply;
    }

    /** The command running now, kept while a script's call runs another. */
    record Running(byte[][] argv, int[] keys, Reply reply, String name) {
    }

    Running running() {
        return new Running(runningArgv, runningKeys, runningReply, lastCommand);
    }

    void running(Running running) {
        running(running.argv(), running.keys(), running.reply());
        lastCommand = running.name();
    }

    @Override
    public boolean call(byte[][] argv, Reply reply, boolean writesAllowed, int protocol) throws RedisException {
        int outer = callProtocol;
        callProtocol = protocol;
        try {
            return engine.call(this, argv, reply, writesAllowed);
        } finally {
            callProtocol = outer;
        }
    }

    private volatile long scriptStartedNanos;
    private boolean atomicBeforeScript;

    @Override
    public void scriptRunning(boolean running) {
        if (running) {
            scriptStartedNanos = System.nanoTime();
            atomicBeforeScript = atomicBody;
            atomicBody = true;
        } else {
            atomicBody = atomicBeforeScript;
        }
        engine.scriptRunning(this, running);
    }

    @Override
    public boolean stopRequested() {
        return engine.stopping();
    }

    long scriptStartedNanos() {
        return scriptStartedNanos;
    }

    void held(boolean[] shards) {
        heldShards = shards;
    }

    boolean[] held() {
        return heldShards;
    }

    /** The shards the command locked, to be unlocked: none are held afterwards. */
    boolean[] takeHeld() {
        boolean[] taken = heldShards;
        heldShards = null;
        return taken;
    }

    void atomicBody(boolean on) {
        atomicBody = on;
    }

    Transaction transaction() {
        return transaction;
    }

    void beginTransaction() {
        transaction = new Transaction();
    }

    /** Ends MULTI (EXEC, DISCARD): the transaction, or null when there was none. */
    Transaction endTransaction() {
        Transaction ended = transaction;
        transaction = null;
        return ended;
    }

    /** WATCH of one key; the caller holds the key's shard lock. */
    void watch(DatabaseKey key) {
        if (!watched.contains(key)) {
            watched.add(key);
            shards.of(key.key().bytes()).watch(key, this);
        }
    }

    List<DatabaseKey> watched() {
        return watched;
    }

    void watchedKeyTouched() {
        watchedKeyTouched = true;
    }

    /**
     * Whether EXEC must fail: a watched key was touched, or has expired since WATCH (as Redis 7 checks at
     * EXEC). The caller holds the watched keys' shard locks.
     */
    boolean watchFailed() {
        if (watchedKeyTouched) {
            return true;
        }
        for (DatabaseKey key : watched) {
            Entry entry = shards.of(key.key().bytes()).table(key.tenant(), key.database()).get(key.key());
            if (entry != null && entry.expiredAt(nowMillis)) {
                return true;
            }
        }
        return false;
    }

    /** UNWATCH: forgets every watched key; {@code locked}: the caller holds their shards' locks. */
    void unwatchAll(boolean locked) {
        for (DatabaseKey key : watched) {
            Shard shard = shards.of(key.key().bytes());
            if (!locked) {
                shard.lock.lock();
            }
            try {
                shard.unwatch(key, this);
            } finally {
                if (!locked) {
                    shard.lock.unlock();
                }
            }
        }
        watched.clear();
        watchedKeyTouched = false;
    }

    /** Whether a blocked command waits (INFO's blocked_clients). */
    boolean waiting() {
        return waiter != null;
    }

    Waiter waiter() {
        return waiter;
    }

    /** CLIENT NO-TOUCH: key accesses of this client's commands (but TOUCH) leave LRU and LFU alone. */
    private volatile boolean noTouch;

    @Override
    public void noTouch(boolean on) {
        noTouch = on;
    }

    /** Whether the running command updates the keys' access time and counter. */
    boolean touchesKeys() {
        return !noTouch || "touch".equals(lastCommand);
    }

    @Override
    public void pauseClients(long untilMillis, boolean writesOnly) {
        engine.clientPause().pause(untilMillis, writesOnly);
    }

    @Override
    public void unpauseClients() {
        engine.clientPause().unpause();
    }

    @Override
    public boolean unblock(long clientId, boolean withError) {
        return engine.unblock(clientId, withError);
    }

    void keyspaceRead(boolean hit) {
        if (countsKeyspaceHits) {
            (hit ? engine.serverStats().keyspaceHits : engine.serverStats().keyspaceMisses).increment();
        }
    }

    void expiredOnAccess() {
        engine.serverStats().expiredKeys.increment();
    }

    /** A blocked command tries again now: its time is now. */
    void commandTime(long millis) {
        nowMillis = millis;
    }

    @Override
    public void block(List<byte[]> keys, long timeoutMillis, Attempt attempt, Consumer<Reply> timedOut) {
        if (atomicBody) {
            timedOut.accept(runningReply); // inside EXEC or a script nothing waits: as Redis, the timeout's answer now
            return;
        }
        List<DatabaseKey> waitKeys = new ArrayList<>();
        for (byte[] key : keys) {
            waitKeys.add(new DatabaseKey(tenant, database, new Bytes(key)));
        }
        boolean[] shardsToLock = new boolean[shards.count()];
        if (runningKeys.length == 0) {
            Arrays.fill(shardsToLock, true); // the command locked the whole keyspace, so does each attempt
        }
        for (int position : runningKeys) {
            shardsToLock[shards.indexOf(runningArgv[position])] = true;
        }
        Waiter blocked = new Waiter(this, shardsToLock, waitKeys, attempt, timedOut);
        for (DatabaseKey key : waitKeys) {
            shards.of(key.key().bytes()).addWaiter(key, blocked);
        }
        waiter = blocked;
        blockedByLastCommand = true;
        engine.startWaiting(blocked, timeoutMillis);
    }

    /** The command runs on another thread and replies through {@link ClientConnection#resume}, as a blocked one does. */
    void detached() {
        blockedByLastCommand = true;
    }

    /** Whether the command running now gets a reply (CLIENT REPLY OFF and SKIP silence it). */
    boolean replying() {
        return !repliesOff && !skipThisReply;
    }

    @Override
    public boolean blocked() {
        return blockedByLastCommand;
    }

    void waitEnded() {
        waiter = null;
    }

    @Override
    public Keyspace keyspace() {
        return keyspace(database);
    }

    @Override
    public Keyspace keyspace(int index) {
        ShardedKeyspace keyspace = keyspaces[index];
        if (keyspace == null) {
            keyspace = new ShardedKeyspace(shards, engine.coldValues(), tenant, index, this);
            keyspaces[index] = keyspace;
        }
        return keyspace;
    }

    @Override
    public int databases() {
        return keyspaces.length;
    }

    @Override
    public void swapDatabases(int first, int second) {
        engine.swapDatabases(tenant, first, second);
    }

    @Override
    public Session client() {
        return this;
    }

    @Override
    public long nowMillis() {
        return nowMillis;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void name(String name) {
        this.name = name;
    }

    @Override
    public int database() {
        return database;
    }

    @Override
    public void selectDatabase(int index) {
        if (index < 0 || index >= keyspaces.length) {
            throw new IllegalArgumentException("database index out of range: " + index);
        }
        database = index;
    }

    @Override
    public int protocol() {
        return callProtocol != 0 ? callProtocol : protocol;
    }

    @Override
    public int wireProtocol() {
        return protocol;
    }

    /** While a script's call runs: the RESP version its reply is shaped for (0: the connection's). */
    private int callProtocol;

    void callProtocol(int version) {
        callProtocol = version;
    }

    @Override
    public void protocol(int version) {
        protocol = version;
    }

    @Override
    public void closeAfterReply() {
        closeRequested = true;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String localAddress() {
        return localAddress;
    }

    @Override
    public long connectedAtMillis() {
        return connectedAtMillis;
    }

    @Override
    public long lastCommandAtMillis() {
        return lastCommandAtMillis;
    }

    @Override
    public String lastCommand() {
        return lastCommand;
    }

    void lastCommand(String name) {
        lastCommand = name;
    }

    @Override
    public void kill() {
        connection.close();
    }

    @Override
    public Collection<Session> clients() {
        return engine.sessions().stream().filter(other -> other.tenant == tenant).toList();
    }
}
