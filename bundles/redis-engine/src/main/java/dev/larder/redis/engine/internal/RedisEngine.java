package dev.larder.redis.engine.internal;

import dev.larder.redis.api.types.ScanTable;
import dev.larder.databases.Access;
import dev.larder.databases.AnonymousAccess;
import dev.larder.databases.Database;
import dev.larder.databases.DatabaseListener;
import dev.larder.databases.Databases;
import dev.larder.databases.Durability;
import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.types.EncodingLimits;
import dev.larder.redis.engine.ClientLimits;
import dev.larder.storage.KeyValueTable;
import dev.larder.redis.api.CommandFlag;
import dev.larder.redis.api.CommandSpec;
import dev.larder.redis.api.Keyspace;
import dev.larder.redis.api.RecordedReply;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import dev.larder.redis.engine.ClientConnection;
import dev.larder.redis.engine.CommandEngine;
import dev.larder.redis.engine.EngineSession;
import dev.larder.redis.engine.UserAccess;
import dev.larder.settings.InvalidSettingException;
import dev.larder.settings.OpenFiles;
import dev.larder.settings.SettingsCheck;
import dev.larder.storage.StorageNode;
import dev.larder.storage.StorageUsage;
import dev.larder.storage.log.ChangeLog;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.ComponentException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis engine. Keys live in lock-striped shards (each a set of storage partitions); a command runs
 * on the caller's thread with the locks of every shard it touches, taken in shard order, so it is atomic
 * without a transaction and clients never wait on a hand-off to another thread. Changes reach the
 * storage grid in batches by {@link WriteBehind}; at start the engine loads the keys this node owns.
 * Every database (tenant) has its own keys in every shard; a session works in one database at a time.
 */
@Component(service = CommandEngine.class, configurationPid = EngineSettings.PID, immediate = true)
@Designate(ocd = EngineSettings.class)
public class RedisEngine implements CommandEngine {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.redis");
    static final String TABLE = "redis";
    static final String CHANGE_LOG = "redis-changes";
    /** Redis's protected-mode refusal, with Larder's ways out. */
    private static final String PROTECTED_MODE = "DENIED Redis is running in protected mode because protected mode is enabled "
            + "and no password is set for the default user. In this mode connections are only accepted from the loopback "
            + "interface. If you want to connect from external computers to Larder you may adopt one of the following "
            + "solutions: 1) Set a token for the default database: defaultToken in config/dev.larder.databases.cfg, or the "
            + "environment variable LARDER_DEFAULT_TOKEN. 2) Disable protected mode (protectedMode=false in "
            + "config/dev.larder.databases.cfg), making sure the server is not reachable from the internet.";

    static final String BUSY = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
    private static final long SCRIPT_THREAD_STACK_BYTES = 4L * 1024 * 1024;
    /** How long a script's call waits for a shard below those it holds (see lockMore). */
    private static final long UNDECLARED_KEY_WAIT_MILLIS = 1000;

    /** CONFIG REWRITE's table: each database's parameters under its id, the server's under {@link #SERVER_PARAMETERS}. */
    static final String CONFIG_TABLE = "redis-config";
    private static final int SERVER_PARAMETERS = -1;
    private final CommandRegistry registry = new CommandRegistry();
    private final ParameterValues serverParameters = new ParameterValues();
    private volatile ClientLimits clientLimits = ClientLimits.REDIS_DEFAULTS;
    /** maxclients past this is not honoured: the connections would take the file descriptors the grid needs */
    private final long connectionsPerListener = OpenFiles.connectionsPerListener();
    private final KeyValueTable configTable;
    private final Acl acl;
    /** Clients running a script now. */
    private final java.util.Set<Session> runningScripts = ConcurrentHashMap.newKeySet();
    private volatile long busyThresholdMillis = 5000;
    private volatile boolean stopping;
    private final Map<Long, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicLong sessionIds = new AtomicLong();
    private final ServerStats stats = new ServerStats();
    private final Eviction eviction;
    private final ColdValues coldValues;
    private final ClientPause pause;
    private final long loaded;
    private final long startedMillis = System.currentTimeMillis();
    private final Shards shards;
    private final int databases;
    private final WriteBehind writeBehind;
    private final BundleContext context;
    private final EngineSettings.Durability defaultDurability;
    private final StorageNode storage;
    private final Databases tenantRegistry;
    private final Map<Integer, Tenant> tenants = new ConcurrentHashMap<>();
    private final ServiceRegistration<DatabaseListener> databaseListener;
    private final Diagnostics diagnostics;
    private long changeLogMaxBytes;
    private final AtomicBoolean earlyGridWrite = new AtomicBoolean();
    private final MonitorFeed monitors = new MonitorFeed();
    private final PubSub pubSub;
    private final KeyTracking keyTracking = new KeyTracking();
    /** Completes when the write-behind round after the current one has been written and synced. */
    private volatile CompletableFuture<Void> nextRound = new CompletableFuture<>();
    private final AtomicBoolean roundRequested = new AtomicBoolean();
    private final ScheduledExecutorService background =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "larder-redis-background"));
    /** Grid writes take long (many entries at once): their own thread, so change-log rounds never wait on them. */
    private final java.util.concurrent.ExecutorService longCommands = Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()), new java.util.concurrent.ThreadFactory() {
                private final AtomicLong created = new AtomicLong();

                @Override
                public Thread newThread(Runnable task) {
                    // scripts' results are turned into replies recursively, up to Redis's nesting limit: a deep stack
                    return new Thread(null, task, "larder-redis-scripts-" + created.incrementAndGet(), SCRIPT_THREAD_STACK_BYTES);
                }
            });
    private final ScheduledExecutorService gridWriter =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "larder-redis-grid-writer"));

    @Activate
    public RedisEngine(BundleContext context, @Reference StorageNode storage, @Reference Databases tenantRegistry,
            @Reference Diagnostics diagnostics, EngineSettings settings, Map<String, Object> properties) {
        this.context = context;
        try {
            SettingsCheck.check(EngineSettings.PID, EngineSettings.class, properties);
            if (settings.databases() < 1 || settings.databases() > 256) {
                throw new InvalidSettingException(EngineSettings.PID, "databases", "must be between 1 and 256");
            }
            if (settings.shards() < 1 || settings.shards() > 1024) {
                throw new InvalidSettingException(EngineSettings.PID, "shards", "must be between 1 and 1024");
            }
            if (settings.changeLogMaxMb() < 1) {
                throw new InvalidSettingException(EngineSettings.PID, "changeLogMaxMb", "must be at least 1");
            }
        } catch (InvalidSettingException e) {
            LOG.error("Redis engine not started: {}", e.getMessage());
            throw new ComponentException(e.getMessage());
        }
        registry.add(new EngineCommands(this));
        registry.add(new TransactionCommands(this));
        registry.add(new PubSubCommands(this));
        registry.add(new AclCommands(this));
        registry.add(new DiagnosticsCommands(this, diagnostics));
        registry.add(new ConfigCommand(this, diagnostics));
        registry.add(new InfoCommand(this, diagnostics));
        registry.add(new PersistenceCommands(this));
        this.diagnostics = diagnostics;
        databases = settings.databases();
        this.storage = storage;
        this.tenantRegistry = tenantRegistry;
        defaultDurability = settings.durability();
        shards = new Shards(settings.shards(), storage::partitionOf);
        eviction = new Eviction(shards, stats);
        pause = new ClientPause(background);
        if (settings.gridWriteIntervalMillis() < settings.flushIntervalMillis()) {
            LOG.error("Redis engine not started: {}", new InvalidSettingException(EngineSettings.PID, "gridWriteIntervalMillis",
                    "must not be shorter than flushIntervalMillis").getMessage());
            throw new ComponentException("gridWriteIntervalMillis shorter than flushIntervalMillis");
        }
        pubSub = new PubSub(storage); // after the last settings check: it listens to the other nodes
        configTable = storage.table(CONFIG_TABLE);
        acl = new Acl(this, storage.table(Acl.TABLE), registry);
        byte[] storedServerParameters = configTable.get(parametersSlot(SERVER_PARAMETERS), parametersKey(SERVER_PARAMETERS));
        if (storedServerParameters != null) {
            serverParameters.decode(storedServerParameters);
        }
        clientLimits = ConfigCommand.clientLimits(serverParameters);
        // a memory-only storage node has no directory: then the grid, written every round, is the only copy
        ChangeLog changeLog = storage.dataDirectory() == null ? null : new ChangeLog(storage.dataDirectory().resolve(CHANGE_LOG));
        coldValues = new ColdValues(storage.table(TABLE));
        writeBehind = new WriteBehind(shards, storage, storage.table(TABLE), changeLog, id -> {
            Tenant tenant = tenants.get(id);
            return tenant != null && tenant.persisted();
        });
        long began = System.nanoTime();
        Map<Integer, Database> known = new java.util.HashMap<>();
        tenantRegistry.list().forEach(database -> known.put(database.id(), database));
        loaded = writeBehind.load(System.currentTimeMillis(), id -> {
            Database database = known.get(id);
            Tenant tenant = database == null ? null : tenant(database);
            return tenant != null && tenant.persisted() ? tenant : null;
        });
        LOG.info("Redis engine loaded {} keys in {} ms", loaded, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
        background.scheduleWithFixedDelay(this::flushSafely, settings.flushIntervalMillis(), settings.flushIntervalMillis(),
                TimeUnit.MILLISECONDS);
        int gridInterval = changeLog == null ? settings.flushIntervalMillis() : settings.gridWriteIntervalMillis();
        gridWriter.scheduleWithFixedDelay(this::writeToGridSafely, gridInterval, gridInterval, TimeUnit.MILLISECONDS);
        changeLogMaxBytes = settings.changeLogMaxMb() * 1024L * 1024L;
        background.scheduleWithFixedDelay(this::expireSafely, settings.activeExpiryMillis(), settings.activeExpiryMillis(),
                TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(this::closeIdleClients, 1, 1, TimeUnit.SECONDS);
        background.scheduleWithFixedDelay(stats::sampleOps, 100, 100, TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(this::enforceMaxmemory, 100, 100, TimeUnit.MILLISECONDS);
        databaseListener = context.registerService(DatabaseListener.class, new DatabaseListener() {
            @Override
            public void deleted(Database database) {
                databaseDeleted(database);
            }

            @Override
            public void changed(Database database) {
                databaseChanged(database);
            }
        }, null);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        databaseListener.unregister();
        try {
            pubSub.close();
        } catch (Exception e) {
            LOG.warn("Stopping pub/sub across nodes failed", e);
        }
        stopping = true; // running scripts stop, releasing their shards
        longCommands.shutdown();
        background.shutdown();
        gridWriter.shutdown();
        background.awaitTermination(30, TimeUnit.SECONDS);
        gridWriter.awaitTermination(60, TimeUnit.SECONDS);
        try {
            writeBehind.logChanges(true);
            nextRound.complete(null);
            writeBehind.writeToGrid();
            writeBehind.close();
        } catch (IOException e) {
            LOG.error("Writing the last changes failed; they are replayed from the change log at the next start", e);
        }
    }

    Databases databases() {
        return tenantRegistry;
    }

    Acl acl() {
        return acl;
    }

    /** The keys of a database, created empty on first use, with the database's durability and parameters applied. */
    Tenant tenant(Database database) {
        Tenant existing = tenants.get(database.id());
        if (existing != null) {
            return existing;
        }
        Tenant tenant = tenants.computeIfAbsent(database.id(), id -> {
            Tenant created = new Tenant(id, database.name(), shards.count(), databases);
            applyDurability(created, database);
            byte[] stored = configTable.get(parametersSlot(id), parametersKey(id));
            if (stored != null) {
                created.parameters.decode(stored);
            }
            ConfigCommand.applyDatabase(created);
            return created;
        });
        keyspaceEventsChanged();
        return tenant;
    }

    private static int parametersSlot(int tenant) {
        return Math.floorMod(tenant, 16384);
    }

    private static byte[] parametersKey(int tenant) {
        return java.nio.ByteBuffer.allocate(4).putInt(tenant).array();
    }

    /** CONFIG REWRITE of a database. */
    void storeParameters(Tenant tenant) {
        configTable.put(parametersSlot(tenant.id), parametersKey(tenant.id), tenant.parameters.encode());
    }

    void storeServerParameters() {
        configTable.put(parametersSlot(SERVER_PARAMETERS), parametersKey(SERVER_PARAMETERS), serverParameters.encode());
    }

    ParameterValues serverParameters() {
        return serverParameters;
    }

    @Override
    public ClientLimits clientLimits() {
        return clientLimits;
    }

    @Override
    public void countTraffic(long bytesIn, long bytesOut) {
        if (bytesIn > 0) {
            stats.bytesIn.add(bytesIn);
        }
        if (bytesOut > 0) {
            stats.bytesOut.add(bytesOut);
        }
    }

    void clientLimits(ClientLimits limits) {
        clientLimits = limits;
    }

    /** Keyspace events are recorded while any database asks for them. */
    void keyspaceEventsChanged() {
        int any = 0;
        for (Tenant tenant : tenants.values()) {
            any |= tenant.keyspaceEvents;
        }
        KeyspaceEvents.flags(any);
    }

    /** Redis's dir: where the server keeps its data. */
    String dataDirectory() {
        String data = System.getProperty("larder.data");
        if (data != null) {
            return data;
        }
        return storage.dataDirectory() == null ? "" : storage.dataDirectory().toString();
    }

    /** What the storage grid holds in memory and on disk. */
    StorageUsage storageUsage() {
        return storage.usage();
    }

    private void applyDurability(Tenant tenant, Database database) {
        EngineSettings.Durability durability = database.durability() == Durability.SERVER_DEFAULT ? defaultDurability
                : EngineSettings.Durability.valueOf(database.durability().name());
        tenant.durability(durability != EngineSettings.Durability.OFF, durability == EngineSettings.Durability.ALWAYS);
    }

    /** Its clients are disconnected, its keys dropped from memory at once and from the grid in the background. */
    private void databaseDeleted(Database database) {
        Tenant tenant = tenants.remove(database.id());
        acl.deleted(database.id());
        if (tenant != null) {
            tenant.markDeleted();
            sessions.values().stream().filter(session -> session.tenant() == tenant).forEach(Session::kill);
            for (Shard shard : shards.all()) {
                shard.lock.lock();
                try {
                    tenant.clear(shard.index);
                } finally {
                    shard.lock.unlock();
                }
            }
        }
        purgeStored(database);
    }

    private void databaseChanged(Database database) {
        Tenant tenant = tenants.get(database.id());
        if (tenant == null) {
            return;
        }
        boolean wasPersisted = tenant.persisted();
        applyDurability(tenant, database);
        if (wasPersisted && !tenant.persisted()) {
            for (Shard shard : shards.all()) {
                shard.lock.lock();
                try {
                    for (int db = 0; db < databases; db++) {
                        warmAll(shard, tenant, db); // memory only from now on: the grid's copy goes
                    }
                } finally {
                    shard.lock.unlock();
                }
            }
            purgeStored(database);
        } else if (!wasPersisted && tenant.persisted()) {
            // from memory only to stored: every key it holds goes to the log and the grid
            for (Shard shard : shards.all()) {
                shard.lock.lock();
                try {
                    for (int db = 0; db < databases; db++) {
                        shard.allChanged(tenant, db);
                    }
                } finally {
                    shard.lock.unlock();
                }
            }
        }
    }

    private void purgeStored(Database database) {
        gridWriter.execute(() -> {
            long removed = writeBehind.purge(id -> id == database.id());
            LOG.info("Removed {} stored keys of database '{}'", removed, database.name());
        });
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addFamily(CommandFamily family) {
        registry.add(family);
    }

    void removeFamily(CommandFamily family) {
        registry.remove(family);
    }

    @Override
    public EngineSession open(InetAddress peer, String remoteAddress, String localAddress, ClientConnection connection)
            throws RedisException {
        AnonymousAccess access = tenantRegistry.anonymousAccess(peer);
        if (access == AnonymousAccess.REFUSED_BY_PROTECTED_MODE) {
            throw new RedisException(PROTECTED_MODE);
        }
        if (sessions.size() >= Math.min(clientLimits.maxClients(), connectionsPerListener)) {
            stats.rejectedConnections.increment();
            throw new RedisException("ERR max number of clients reached");
        }
        Session session = new Session(this, sessionIds.incrementAndGet(), remoteAddress, localAddress, connection, shards,
                access == AnonymousAccess.DEFAULT_DATABASE);
        sessions.put(session.id(), session);
        stats.connectionsReceived.increment();
        return session;
    }

    @Override
    public EngineSession open(Access access, String remoteAddress, String localAddress, ClientConnection connection) {
        Session session = new Session(this, sessionIds.incrementAndGet(), remoteAddress, localAddress, connection, shards, false,
                tenant(access.database()), access.readOnly());
        sessions.put(session.id(), session);
        return session;
    }

    @Override
    public Optional<UserAccess> authenticateUser(String token) {
        return acl.restAccess(token);
    }

    @Override
    public EngineSession open(UserAccess access, String remoteAddress, String localAddress, ClientConnection connection) {
        Session session = (Session) open(access.access(), remoteAddress, localAddress, connection);
        if (access.user() != null) {
            AclUser user = acl.find(session.tenant(), access.user());
            if (user == null) {
                session.deauthenticate(); // gone since its token was checked: the request is answered NOAUTH
            } else {
                session.enter(session.tenant(), user);
            }
        }
        return session;
    }

    @Override
    public RedisCommand command(byte[] name) {
        return registry.lookup(name);
    }

    void closed(Session session) {
        monitors.remove(session);
        sessions.remove(session.id());
    }

    Collection<Session> sessions() {
        return sessions.values();
    }

    CommandRegistry registry() {
        return registry;
    }

    /** What INFO reports; counters since start or the last CONFIG RESETSTAT. */
    record Stats(long startedMillis, int clients, long connectionsReceived, long commandsProcessed, int databases) {
    }

    Stats stats() {
        return new Stats(startedMillis, sessions.size(), stats.connectionsReceived.sum(), stats.commandsProcessed.sum(), databases);
    }

    long keysLoadedAtStart() {
        return loaded;
    }

    WriteBehind writeBehind() {
        return writeBehind;
    }

    ServerStats serverStats() {
        return stats;
    }

    void resetStats() {
        stats.reset();
    }

    /** Keys and keys with an expiry of one logical DB of a database, each shard locked in turn. */
    /** Keys, keys with an expiry, and their average time to live in ms, of one logical DB of a database, each shard locked in turn. */
    long[] keyCounts(Tenant tenant, int database) {
        long keys = 0;
        long[] expiring = {0, 0};
        long now = System.currentTimeMillis();
        for (Shard shard : shards.all()) {
            shard.lock.lock();
            try {
                ScanTable<Entry> table = shard.table(tenant, database);
                keys += table.size();
                table.forEach((key, entry) -> {
                    if (entry.expireAt != Keyspace.NO_EXPIRY) {
                        expiring[0]++;
                        expiring[1] += Math.max(0, entry.expireAt - now);
                    }
                });
            } finally {
                shard.lock.unlock();
            }
        }
        return new long[] {keys, expiring[0], expiring[0] == 0 ? 0 : expiring[1] / expiring[0]};
    }

    void execute(Session session, byte[][] argv, Reply reply) {
        stats.commandsProcessed.increment();
        RedisCommand command = registry.lookup(argv[0]);
        String refusal = command == null ? unknownCommand(argv) : refusal(session, command, argv, false);
        if (refusal == null && command != null) {
            refusal = PubSubCommands.refusal(session, command.spec());
        }
        Transaction transaction = session.transaction();
        if (transaction != null && (command == null || !TransactionCommands.runsAtOnce(command.spec()))) {
            transaction.queue(command, argv, refusal, reply);
            return;
        }
        if (command != null) {
            session.lastCommand(command.spec().name());
        }
        if (refusal != null) {
            if (command != null) {
                stats.rejected(ServerStats.statName(command.spec().name(), argv));
            }
            stats.errorReplied(refusal);
            reply.error(refusal);
            return;
        }
        if (pause.hold(command.spec(), () -> session.connection().resume(target -> session.execute(argv, target)))) {
            session.detached(); // as a blocked client: nothing more is read from it until its command has run
            return;
        }
        if (session.tenant().maxmemory > 0 && mayAddMemory(session, command) && !eviction.makeRoom(session.tenant(), this)) {
            stats.rejected(ServerStats.statName(command.spec().name(), argv));
            stats.errorReplied(Eviction.OOM);
            reply.error(Eviction.OOM);
            return;
        }
        if (runsLong(session, command)) {
            boolean replying = session.replying();
            session.detached();
            try {
                longCommands.execute(() -> {
                    RecordedReply recorded = new RecordedReply();
                    executeLocked(session, command, argv, recorded);
                    session.connection().resume(target -> {
                        if (replying) {
                            recorded.replay(target);
                        }
                    });
                });
            } catch (RejectedExecutionException stopping) {
                session.connection().resume(target -> target.error("ERR the server is shutting down"));
            }
            return;
        }
        executeLocked(session, command, argv, reply);
    }

    /**
     * Scripts (and transactions holding one) run on threads of their own, not the network thread that
     * read them, so every other client keeps being served, SCRIPT KILL included.
     */
    private static boolean runsLong(Session session, RedisCommand command) {
        if (command.mayRunLong()) {
            return true;
        }
        Transaction transaction = session.transaction();
        return transaction != null && command.spec().name().equals("exec")
                && transaction.commands.stream().anyMatch(queued -> queued.command().mayRunLong());
    }

    /** Locks the command's shards, runs it, and serves the clients its writes woke. */
    private void executeLocked(Session session, RedisCommand command, byte[][] argv, Reply reply) {
        CommandSpec spec = command.spec();
        int[] keys = command.keyPositions(argv);
        long began = System.nanoTime();
        try {
            session.held(lock(session, argv, keys, wholeKeyspace(spec, keys), !spec.has(CommandFlag.ALLOW_BUSY)));
        } catch (RedisException busy) {
            reply.error(busy.getMessage());
            return;
        }
        if (command.mayRunLong() && !monitors.isEmpty()) {
            monitors.feed(session, argv); // EVAL and FCALL show before the commands their script runs, as in Redis
        }
        boolean failed;
        try {
            failed = run(session, command, argv, keys, reply);
        } finally {
            unlock(session.takeHeld());
        }
        serveReadyWaiters();
        long took = System.nanoTime() - began;
        stats.called(ServerStats.statName(spec.name(), argv), took, failed);
        diagnostics.record(session, spec, argv, took);
        feedMonitors(session, spec, argv);
    }

    /** Runs a command whose shards the caller has locked. */
    /** @return whether the command failed with an error */
    private boolean run(Session session, RedisCommand command, byte[][] argv, int[] keys, Reply reply) {
        CommandSpec spec = command.spec();
        boolean failed = false;
        if (spec.has(CommandFlag.WRITE)) {
            session.tenant().wrote();
            if (session.tenant().maxmemory > 0) {
                session.tenant().estimatedBytes += writtenBytes(argv); // until the next measure: a write may grow the keys
            }
            if (session.tenant().acknowledgedAfterSync()) {
                session.wrote();
            }
        }
        session.running(argv, keys, reply);
        EncodingLimits.use(session.tenant().encodings);
        session.countsKeyspaceHits = spec.has(CommandFlag.READONLY);
        try {
            command.execute(session, argv, reply);
        } catch (RedisException e) {
            failed = true;
            stats.errorReplied(e.getMessage());
            reply.error(e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Command {} failed", spec.name(), e);
            failed = true;
            stats.errorReplied("ERR");
            reply.error("ERR " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        session.countsKeyspaceHits = false;
        publishKeyspaceEvents(argv);
        if (spec.has(CommandFlag.READONLY) && keys.length > 0
                && session.tracksKeysNow(spec.name().equals("client") && argv.length > 1 && Arguments.is(argv[1], "CACHING"))) {
            keyTracking.read(session, argv, keys);
        }
        keyTracking.invalidate(session);
        return failed;
    }

    private void publishKeyspaceEvents(byte[][] argv) {
        if (KeyspaceEvents.on()) {
            List<KeyspaceEvents.Recorded> recorded = KeyspaceEvents.take();
            if (!recorded.isEmpty()) {
                KeyspaceEvents.publish(pubSub, argv, recorded);
            }
        }
    }

    private void feedMonitors(Session session, CommandSpec spec, byte[][] argv) {
        if (!monitors.isEmpty() && !spec.has(CommandFlag.ADMIN) && !spec.has(CommandFlag.SKIP_MONITOR)) {
            monitors.feed(session, argv);
        }
    }

    /** A command without keys that reads or writes works on the whole keyspace (DBSIZE, FLUSHDB, KEYS). */
    private static boolean wholeKeyspace(CommandSpec spec, int[] keys) {
        return keys.length == 0 && (spec.has(CommandFlag.WRITE) || spec.has(CommandFlag.READONLY));
    }

    /**
     * EXEC: the queued commands run one after another holding the locks of all their keys and of the
     * watched keys, so no other client sees or changes anything in between, across shards too.
     */
    void exec(Session session, Reply reply) throws RedisException {
        Transaction transaction = session.endTransaction();
        if (transaction == null) {
            throw new RedisException("ERR EXEC without MULTI");
        }
        if (transaction.aborted) {
            session.unwatchAll(false);
            throw new RedisException("EXECABORT Transaction discarded because of previous errors.");
        }
        boolean[] wanted = new boolean[shards.count()];
        int[][] keys = new int[transaction.commands.size()][];
        for (int i = 0; i < keys.length; i++) {
            Transaction.Queued queued = transaction.commands.get(i);
            keys[i] = queued.command().keyPositions(queued.argv());
            if (wholeKeyspace(queued.command().spec(), keys[i])) {
                Arrays.fill(wanted, true);
            }
            for (int position : keys[i]) {
                wanted[shards.indexOf(queued.argv()[position])] = true;
            }
        }
        for (DatabaseKey watched : session.watched()) {
            wanted[shards.indexOf(watched.key().bytes())] = true;
        }
        lockShards(wanted);
        session.held(wanted); // unlocked by execute, after EXEC
        boolean failed = session.watchFailed();
        session.unwatchAll(true);
        if (failed) {
            reply.nilArray();
            return;
        }
        reply.array(keys.length);
        session.atomicBody(true);
        try {
            for (int i = 0; i < keys.length; i++) {
                Transaction.Queued queued = transaction.commands.get(i);
                session.lastCommand(queued.command().spec().name());
                String denied = acl.execRefusal(session, queued.command(), queued.argv());
                if (denied != null) {
                    reply.error(denied);
                    continue;
                }
                run(session, queued.command(), queued.argv(), keys[i], reply);
                feedMonitors(session, queued.command().spec(), queued.argv());
            }
        } finally {
            session.atomicBody(false);
        }
    }

    KeyTracking keyTracking() {
        return keyTracking;
    }

    Session session(long id) {
        return sessions.get(id);
    }

    PubSub pubSub() {
        return pubSub;
    }

    MonitorFeed monitors() {
        return monitors;
    }

    /**
     * Why the session may not run the command, or null: the one place commands are permitted (RESP, REST,
     * MULTI's queue, a script's calls). Read-only tokens cannot list keys either, as on Upstash; an ACL user
     * has its database's full rights, narrowed by its ACL rules.
     */
    private String refusal(Session session, RedisCommand command, byte[][] argv, boolean fromScript) {
        CommandSpec spec = command.spec();
        int argc = argv.length;
        if (!spec.acceptsArgumentCount(argc)) {
            return RedisException.wrongArity(spec.name()).getMessage();
        }
        if (!session.authenticated() && !spec.has(CommandFlag.NO_AUTH)) {
            return "NOAUTH Authentication required.";
        }
        boolean denied = session.readOnly() && (spec.has(CommandFlag.WRITE) || spec.name().equals("keys") || spec.name().equals("scan"))
                || spec.has(CommandFlag.ADMIN) && !session.administrator() && !ownDatabaseCommand(session, spec);
        if (denied) {
            return "NOPERM this user has no permissions to run the '" + spec.name() + "' command";
        }
        return acl.refusal(session, command, argv, fromScript);
    }

    /**
     * MONITOR with a database's full token shows that database's commands only (as Upstash's per
     * database); CONFIG with it sees and sets that database's own parameters.
     */
    private static boolean ownDatabaseCommand(Session session, CommandSpec spec) {
        return (spec.name().equals("monitor") || spec.name().equals("config")) && session.authenticated() && !session.readOnly();
    }

    /** The shards a command's keys are in; all of them for one that works on the whole keyspace. */
    private boolean[] shardsOf(Session session, byte[][] argv, int[] keys, boolean wholeKeyspace) {
        boolean[] wanted = new boolean[shards.count()];
        if (wholeKeyspace) {
            Arrays.fill(wanted, true);
        } else {
            for (int position : keys) {
                wanted[session.shardIndexOf(argv[position])] = true;
            }
        }
        return wanted;
    }

    /**
     * Locks in shard order, which rules out deadlocks between multi-key commands. With {@code mayBeBusy},
     * a command that waits for a shard while a script has run past the busy threshold gets BUSY instead.
     */
    private boolean[] lock(Session session, byte[][] argv, int[] keys, boolean wholeKeyspace, boolean mayBeBusy)
            throws RedisException {
        if (keys.length == 0 && !wholeKeyspace) {
            return null;
        }
        boolean[] wanted = shardsOf(session, argv, keys, wholeKeyspace);
        for (int i = 0; i < wanted.length; i++) {
            if (wanted[i] && !acquire(shards.get(i), mayBeBusy)) {
                for (int j = i - 1; j >= 0; j--) {
                    if (wanted[j]) {
                        shards.get(j).lock.unlock();
                    }
                }
                throw new RedisException(BUSY);
            }
        }
        return wanted;
    }

    /** Takes a shard's lock; false (not taken) when a script is busy and the caller may be told so. */
    private boolean acquire(Shard shard, boolean mayBeBusy) {
        if (shard.lock.tryLock()) {
            return true;
        }
        if (!mayBeBusy || runningScripts.isEmpty()) {
            shard.lock.lock();
            return true;
        }
        try {
            while (!shard.lock.tryLock(20, TimeUnit.MILLISECONDS)) {
                if (busy()) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether a script has run longer than the busy threshold (lua-time-limit). */
    private boolean busy() {
        long now = System.nanoTime();
        for (Session session : runningScripts) {
            if (now - session.scriptStartedNanos() > TimeUnit.MILLISECONDS.toNanos(busyThresholdMillis)) {
                return true;
            }
        }
        return false;
    }

    boolean stopping() {
        return stopping;
    }

    long busyThresholdMillis() {
        return busyThresholdMillis;
    }

    void busyThresholdMillis(long millis) {
        busyThresholdMillis = millis;
    }

    void scriptRunning(Session session, boolean running) {
        if (running) {
            runningScripts.add(session);
        } else {
            runningScripts.remove(session);
        }
    }

    /** A script's redis.call: see {@link dev.larder.redis.api.CommandContext#call}. */
    boolean call(Session session, byte[][] argv, Reply reply, boolean writesAllowed) throws RedisException {
        RedisCommand command = registry.lookup(argv[0]);
        if (command == null) {
            throw new RedisException("ERR Unknown Redis command called from script");
        }
        CommandSpec spec = command.spec();
        if (!spec.acceptsArgumentCount(argv.length)) {
            throw new RedisException("ERR Wrong number of args calling Redis command from script");
        }
        if (spec.has(CommandFlag.NOSCRIPT)) {
            throw new RedisException("ERR This Redis command is not allowed from script");
        }
        if (spec.has(CommandFlag.WRITE) && !writesAllowed) {
            throw new RedisException("ERR Write commands are not allowed from read-only scripts.");
        }
        String refusal = refusal(session, command, argv, true);
        if (refusal != null) {
            throw new RedisException(refusal);
        }
        stats.commandsProcessed.increment();
        int[] keys = command.keyPositions(argv);
        if (!holdsAll(session.held(), session, argv, keys, wholeKeyspace(spec, keys))) {
            lockMore(session, shardsOf(session, argv, keys, wholeKeyspace(spec, keys)));
        }
        Session.Running outer = session.running();
        try {
            run(session, command, argv, keys, reply);
        } finally {
            session.running(outer);
        }
        if (!monitors.isEmpty() && !spec.has(CommandFlag.ADMIN)) {
            monitors.feedFromScript(session, argv);
        }
        return spec.has(CommandFlag.WRITE);
    }

    /** Whether the shards a call needs are locked already (a script touching the keys it declared). */
    private boolean holdsAll(boolean[] held, Session session, byte[][] argv, int[] keys, boolean wholeKeyspace) {
        if (wholeKeyspace) {
            return false;
        }
        for (int position : keys) {
            if (held == null || !held[session.shardIndexOf(argv[position])]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Locks the shards a script's call needs beyond those held. A shard above every held one is taken in
     * order; one below could deadlock with a client locking in order, so it is only tried for a while:
     * scripts that declare their keys (as Redis asks) never get here.
     */
    private void lockMore(Session session, boolean[] wanted) throws RedisException {
        boolean[] held = session.held();
        if (held == null) {
            held = new boolean[shards.count()];
            session.held(held);
        }
        int highest = -1;
        for (int i = 0; i < held.length; i++) {
            if (held[i]) {
                highest = i;
            }
        }
        for (int i = 0; i < wanted.length; i++) {
            if (!wanted[i] || held[i]) {
                continue;
            }
            Shard shard = shards.get(i);
            if (i > highest) {
                shard.lock.lock();
            } else if (!tryLockFor(shard, UNDECLARED_KEY_WAIT_MILLIS)) {
                throw new RedisException("ERR Script accessed a key it did not declare while another client held it; "
                        + "pass every key the script uses in KEYS");
            }
            held[i] = true;
            highest = Math.max(highest, i);
        }
    }

    private static boolean tryLockFor(Shard shard, long millis) {
        try {
            return shard.lock.tryLock(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void lockShards(boolean[] wanted) {
        for (int i = 0; i < wanted.length; i++) {
            if (wanted[i]) {
                shards.get(i).lock.lock();
            }
        }
    }

    /** A client starts waiting (the blocking command holds its keys' locks); a timeout of 0 waits for ever. */
    void startWaiting(Waiter waiter, long timeoutMillis) {
        if (timeoutMillis > 0) {
            waiter.timeout = background.schedule(() -> endWait(waiter, true), timeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** The wait ends without the command being served: on its timeout (which replies) or when the client goes. */
    void endWait(Waiter waiter, boolean timedOut) {
        lockShards(waiter.shards);
        try {
            if (!waiter.finish()) {
                return;
            }
            removeWaiter(waiter);
        } finally {
            unlock(waiter.shards);
        }
        waiter.session.waitEnded();
        if (timedOut) {
            waiter.session.connection().resume(waiter.timedOut);
        }
    }

    private void removeWaiter(Waiter waiter) {
        for (DatabaseKey key : waiter.keys) {
            shards.of(key.key().bytes()).removeWaiter(key, waiter);
        }
    }

    /**
     * Serves the clients waiting on keys the command just wrote, each key's in the order they blocked,
     * until one cannot be served. A served command may write keys others wait on (BLMOVE): those follow.
     */
    private void serveReadyWaiters() {
        ReadyKeys.Ready ready;
        while ((ready = ReadyKeys.poll()) != null) {
            while (true) {
                Waiter first;
                ready.shard().lock.lock();
                try {
                    first = ready.shard().firstWaiter(ready.key());
                } finally {
                    ready.shard().lock.unlock();
                }
                if (first == null || !serve(first)) {
                    break;
                }
            }
        }
    }

    /** Tries a blocked command again; true when it was served (or had already ended). */
    private boolean serve(Waiter waiter) {
        RecordedReply reply = new RecordedReply();
        lockShards(waiter.shards);
        try {
            if (waiter.finished()) {
                return true;
            }
            waiter.session.commandTime(System.currentTimeMillis());
            EncodingLimits.use(waiter.session.tenant().encodings);
            try {
                if (!waiter.attempt.attempt(waiter.session, reply)) {
                    KeyspaceEvents.take(); // nothing was done
                    return false;
                }
            } catch (RedisException e) {
                reply.error(e.getMessage());
            }
            publishKeyspaceEvents(waiter.session.running().argv());
            keyTracking.invalidate(waiter.session);
            waiter.finish();
            removeWaiter(waiter);
        } finally {
            unlock(waiter.shards);
        }
        waiter.session.waitEnded();
        if (waiter.session.tenant().acknowledgedAfterSync()) {
            waiter.session.wrote(); // under ALWAYS the served pop's reply waits for the fsync too
        }
        waiter.session.connection().resume(reply::replay);
        return true;
    }

    private void unlock(boolean[] locked) {
        if (locked == null) {
            return;
        }
        for (int i = locked.length - 1; i >= 0; i--) {
            if (locked[i]) {
                shards.get(i).lock.unlock();
            }
        }
    }

    /** Redis's wording, the arguments quoted and cut as it does. */
    private static String unknownCommand(byte[][] argv) {
        StringBuilder args = new StringBuilder();
        for (int i = 1; i < argv.length && args.length() < 128; i++) {
            String arg = CommandRegistry.text(argv[i]);
            args.append('\'').append(arg, 0, Math.min(arg.length(), 128 - args.length())).append("' ");
        }
        String name = CommandRegistry.text(argv[0]);
        return "ERR unknown command '" + (name.length() > 128 ? name.substring(0, 128) : name)
                + "', with args beginning with: " + args;
    }

    /**
     * Stops the whole server (SHUTDOWN): the framework stops every bundle, this engine's deactivation
     * writes what is not in the grid yet. Runs off the calling thread, which belongs to the framework.
     */
    void shutdownServer() {
        LOG.warn("SHUTDOWN received: stopping the server");
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(100); // let the reply-less connection close first
                context.getBundle(Constants.SYSTEM_BUNDLE_ID).stop();
            } catch (Exception e) {
                LOG.error("SHUTDOWN failed to stop the server", e);
            }
        }, "larder-shutdown");
        stopper.start();
    }

    /** Loads back every cold value of one logical DB in a shard; the caller holds the shard's lock. */
    private void warmAll(Shard shard, Tenant tenant, int database) {
        shard.table(tenant, database).forEach((key, entry) -> {
            if (entry.cold()) {
                coldValues.warm(tenant, database, key.bytes(), entry);
            }
        });
    }

    /** Every shard's tables of the two logical DBs change places; the caller holds every shard's lock. */
    void swapDatabases(Tenant tenant, int first, int second) {
        for (Shard shard : shards.all()) {
            // stored keys name their logical DB: cold values are read under the old one before it changes
            warmAll(shard, tenant, first);
            warmAll(shard, tenant, second);
            shard.touchWatchedIn(tenant, first, second);
            tenant.swap(shard.index, first, second);
            shard.allChanged(tenant, first);
            shard.allChanged(tenant, second);
        }
    }

    /**
     * Completes after a write-behind round that starts after this call has been written and, for ALWAYS,
     * fsynced: group commit, one fsync for every write that waits on the round. Asks for that round now.
     */
    CompletableFuture<Void> durable() {
        CompletableFuture<Void> round = nextRound;
        if (roundRequested.compareAndSet(false, true)) {
            try {
                background.execute(this::durableRound);
            } catch (RejectedExecutionException stopping) {
                return CompletableFuture.failedFuture(new IllegalStateException("the engine is stopping"));
            }
        }
        return round;
    }

    /** The timed round: changes go to the change log, fsynced once a second. */
    private void flushSafely() {
        try {
            writeBehind.logChanges(false);
            writeBehind.lastLogWriteFailed = false;
            if (writeBehind.logBytesSinceGridWrite() > changeLogMaxBytes) {
                gridWriteSoon();
            }
        } catch (IOException | RuntimeException e) {
            writeBehind.lastLogWriteFailed = true;
            LOG.warn("Writing to the change log failed", e);
        }
    }

    private final AtomicBoolean saving = new AtomicBoolean();

    /** A grid write now rather than at its interval (dirty keys past a hot-set budget become clean with it). */
    void gridWriteSoon() {
        if (earlyGridWrite.compareAndSet(false, true)) {
            gridWriter.execute(this::writeToGridSafely);
        }
    }

    ColdValues coldValues() {
        return coldValues;
    }

    /** Keys whose last change was logged in this grid-write epoch or before are in the grid. */
    int writtenEpoch() {
        return writeBehind.writtenEpoch();
    }

    /** SAVE: every change logged and fsynced, then written to the grid; waits for it. */
    void saveNow() throws RedisException {
        try {
            gridWriter.submit(() -> {
                writeBehind.logChanges(true);
                writeBehind.writeToGrid();
                return null;
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisException("ERR interrupted");
        } catch (java.util.concurrent.ExecutionException | RejectedExecutionException e) {
            throw new RedisException("ERR " + (e.getCause() == null ? e : e.getCause()).getMessage());
        }
        if (writeBehind.lastGridWriteFailed) {
            throw new RedisException("ERR the storage grid write failed; the changes stay in the change log");
        }
    }

    boolean savingInBackground() {
        return saving.get();
    }

    /** BGSAVE: the same without waiting; false when one is running already. */
    boolean saveInBackground() {
        if (!saving.compareAndSet(false, true)) {
            return false;
        }
        try {
            gridWriter.execute(() -> {
                try {
                    writeBehind.logChanges(true);
                    writeBehind.writeToGrid();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("BGSAVE failed; the changes stay in the change log", e);
                } finally {
                    saving.set(false);
                }
            });
        } catch (RejectedExecutionException stopping) {
            saving.set(false);
            return false;
        }
        return true;
    }

    private void writeToGridSafely() {
        earlyGridWrite.set(false);
        try {
            writeBehind.writeToGrid();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Writing changes to the storage grid failed; they stay in the change log", e);
        }
    }

    /** A round that ALWAYS-durability writers wait on: written, then fsynced. */
    private void durableRound() {
        roundRequested.set(false);
        CompletableFuture<Void> round = nextRound;
        nextRound = new CompletableFuture<>();
        try {
            if (writeBehind.logChanges(true)) {
                round.complete(null);
            } else {
                // a shard was busy: its writers' changes are not logged yet, so they wait for the next round
                nextRound.whenComplete((done, failed) -> completeLike(round, failed));
                try {
                    background.schedule(() -> {
                        durable();
                    }, WriteBehind.BUSY_SHARD_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException stopping) {
                    nextRound.completeExceptionally(new IllegalStateException("the engine is stopping"));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Writing to the change log failed", e);
            round.completeExceptionally(e);
        }
    }

    /**
     * Every 100 ms: each database with a maxmemory is measured again, and evicts while it is over; under a
     * hot-set budget, where reads alone bring values back, it drops up to {@link #OFFLOAD_CALLS_PER_ROUND}
     * calls' worth of values.
     */
    private void enforceMaxmemory() {
        for (Tenant tenant : tenants.values()) {
            if (tenant.maxmemory > 0) {
                eviction.estimate(tenant);
                eviction.makeRoom(tenant, this);
                for (int call = 1; call < OFFLOAD_CALLS_PER_ROUND && tenant.hotSetBudget() > 0
                        && tenant.estimatedBytes > tenant.maxmemory; call++) {
                    eviction.makeRoom(tenant, this);
                }
            }
        }
    }

    private static final int OFFLOAD_CALLS_PER_ROUND = 20;

    ClientPause clientPause() {
        return pause;
    }

    /** CLIENT UNBLOCK: ends the client's wait as a timeout would, or with Redis's UNBLOCKED error. */
    boolean unblock(long clientId, boolean withError) {
        Session session = sessions.get(clientId);
        Waiter waiter = session == null ? null : session.waiter();
        if (waiter == null) {
            return false;
        }
        lockShards(waiter.shards);
        try {
            if (!waiter.finish()) {
                return false;
            }
            removeWaiter(waiter);
        } finally {
            unlock(waiter.shards);
        }
        session.waitEnded();
        session.connection().resume(withError ? reply -> reply.error("UNBLOCKED client unblocked via CLIENT UNBLOCK") : waiter.timedOut);
        return true;
    }

    /** After an eviction, its keyspace event goes out and clients that waited on the key try again. */
    void afterEviction() {
        publishKeyspaceEvents(null);
        keyTracking.invalidate(null);
        serveReadyWaiters();
    }

    private static long writtenBytes(byte[][] argv) {
        long bytes = 64;
        for (int i = 1; i < argv.length; i++) {
            bytes += argv[i].length;
        }
        return bytes;
    }

    /** Whether the command may add memory (Redis's denyoom), EXEC included when it queued one. */
    private static boolean mayAddMemory(Session session, RedisCommand command) {
        if (command.spec().has(CommandFlag.DENYOOM)) {
            return true;
        }
        Transaction transaction = session.transaction();
        return transaction != null && command.spec().name().equals("exec")
                && transaction.commands.stream().anyMatch(queued -> queued.command() != null && queued.command().spec().has(CommandFlag.DENYOOM));
    }

    /** Redis's timeout: a client idle that long is closed, unless it is blocked, subscribed or a monitor. */
    private void closeIdleClients() {
        long timeout = clientLimits.idleTimeoutSeconds();
        if (timeout <= 0) {
            return;
        }
        long now = System.currentTimeMillis();
        for (Session session : sessions.values()) {
            if (now - session.lastCommandAtMillis() > timeout * 1000 && !session.blocked() && session.subscriptions() == 0
                    && !session.monitoring()) {
                session.connection().close();
            }
        }
    }

    private static void completeLike(CompletableFuture<Void> round, Throwable failed) {
        if (failed == null) {
            round.complete(null);
        } else {
            round.completeExceptionally(failed);
        }
    }

    private void expireSafely() {
        long now = System.currentTimeMillis();
        for (Shard shard : shards.all()) {
            if (!WriteBehind.tryLock(shard)) {
                continue; // held by a long command: expired next time
            }
            try {
                stats.expiredKeys.add(shard.expire(now, 10_000));
                publishKeyspaceEvents(null);
                keyTracking.invalidate(null);
            } finally {
                shard.lock.unlock();
            }
            serveReadyWaiters(); // a stream reader of a group is told its stream expired
        }
    }
}
