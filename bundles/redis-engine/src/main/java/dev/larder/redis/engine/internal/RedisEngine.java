package dev.larder.redis.engine.internal;

import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.CommandFlag;
import dev.larder.redis.api.CommandSpec;
import dev.larder.redis.api.Keyspace;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import dev.larder.redis.engine.CommandEngine;
import dev.larder.redis.engine.EngineSession;
import dev.larder.settings.InvalidSettingException;
import dev.larder.settings.SettingsCheck;
import dev.larder.storage.StorageNode;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
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
 */
@Component(service = CommandEngine.class, configurationPid = EngineSettings.PID, immediate = true)
@Designate(ocd = EngineSettings.class)
public class RedisEngine implements CommandEngine {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.redis");
    static final String TABLE = "redis";

    private final CommandRegistry registry = new CommandRegistry();
    private final Map<Long, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicLong sessionIds = new AtomicLong();
    private final LongAdder commandsProcessed = new LongAdder();
    private final long startedMillis = System.currentTimeMillis();
    private final Shards shards;
    private final int databases;
    private final WriteBehind writeBehind;
    private final BundleContext context;
    private final boolean acknowledgeAfterSync;
    private final StorageNode storage;
    /** Completes when the write-behind round after the current one has been written and synced. */
    private volatile CompletableFuture<Void> nextRound = new CompletableFuture<>();
    private final AtomicBoolean roundRequested = new AtomicBoolean();
    private final ScheduledExecutorService background =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "larder-redis-background"));

    @Activate
    public RedisEngine(BundleContext context, @Reference StorageNode storage, EngineSettings settings, Map<String, Object> properties) {
        this.context = context;
        try {
            SettingsCheck.check(EngineSettings.PID, EngineSettings.class, properties);
            if (settings.databases() < 1 || settings.databases() > 256) {
                throw new InvalidSettingException(EngineSettings.PID, "databases", "must be between 1 and 256");
            }
            if (settings.shards() < 1 || settings.shards() > 1024) {
                throw new InvalidSettingException(EngineSettings.PID, "shards", "must be between 1 and 1024");
            }
        } catch (InvalidSettingException e) {
            LOG.error("Redis engine not started: {}", e.getMessage());
            throw new ComponentException(e.getMessage());
        }
        registry.add(new EngineCommands(this));
        databases = settings.databases();
        this.storage = storage;
        boolean durable = settings.durability() != EngineSettings.Durability.OFF;
        acknowledgeAfterSync = settings.durability() == EngineSettings.Durability.ALWAYS;
        shards = new Shards(settings.shards(), databases, durable, storage::partitionOf);
        writeBehind = durable ? new WriteBehind(shards, storage.table(TABLE)) : null;
        if (durable) {
            long began = System.nanoTime();
            long loaded = writeBehind.load(System.currentTimeMillis());
            LOG.info("Redis engine loaded {} keys in {} ms", loaded, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
            background.scheduleWithFixedDelay(this::flushSafely, settings.flushIntervalMillis(), settings.flushIntervalMillis(),
                    TimeUnit.MILLISECONDS);
        }
        background.scheduleWithFixedDelay(this::expireSafely, settings.activeExpiryMillis(), settings.activeExpiryMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        background.shutdown();
        background.awaitTermination(30, TimeUnit.SECONDS);
        if (writeBehind != null) {
            writeBehind.flush();
            storage.syncToDisk();
            nextRound.complete(null);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addFamily(CommandFamily family) {
        registry.add(family);
    }

    void removeFamily(CommandFamily family) {
        registry.remove(family);
    }

    @Override
    public EngineSession open(String remoteAddress, String localAddress, Runnable disconnect) {
        Session session = new Session(this, sessionIds.incrementAndGet(), remoteAddress, localAddress, disconnect, shards, databases);
        sessions.put(session.id(), session);
        return session;
    }

    void closed(Session session) {
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
        return new Stats(startedMillis, sessions.size(), sessionIds.get(), commandsProcessed.sum(), databases);
    }

    void resetStats() {
        commandsProcessed.reset();
    }

    /** Keys and keys with an expiry of one logical database, each shard locked in turn. */
    long[] keyCounts(int database) {
        long keys = 0;
        long expiring = 0;
        for (Shard shard : shards.all()) {
            shard.lock.lock();
            try {
                KeyTable table = shard.database(database);
                keys += table.size();
                long[] withExpiry = {0};
                table.forEach((key, entry) -> withExpiry[0] += entry.expireAt != Keyspace.NO_EXPIRY ? 1 : 0);
                expiring += withExpiry[0];
            } finally {
                shard.lock.unlock();
            }
        }
        return new long[] {keys, expiring};
    }

    void execute(Session session, byte[][] argv, Reply reply) {
        commandsProcessed.increment();
        RedisCommand command = registry.lookup(argv[0]);
        if (command == null) {
            reply.error(unknownCommand(argv));
            return;
        }
        CommandSpec spec = command.spec();
        session.lastCommand(spec.name());
        if (!spec.acceptsArgumentCount(argv.length)) {
            reply.error(RedisException.wrongArity(spec.name()).getMessage());
            return;
        }
        if (acknowledgeAfterSync && spec.has(CommandFlag.WRITE)) {
            session.wrote();
        }
        int[] keys = command.keyPositions(argv);
        boolean wholeKeyspace = keys.length == 0 && (spec.has(CommandFlag.WRITE) || spec.has(CommandFlag.READONLY));
        boolean[] locked = lock(session, argv, keys, wholeKeyspace);
        try {
            command.execute(session, argv, reply);
        } catch (RedisException e) {
            reply.error(e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Command {} failed", spec.name(), e);
            reply.error("ERR " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            unlock(locked);
        }
    }

    /** Locks in shard order, which rules out deadlocks between multi-key commands. */
    private boolean[] lock(Session session, byte[][] argv, int[] keys, boolean wholeKeyspace) {
        if (keys.length == 0 && !wholeKeyspace) {
            return null;
        }
        boolean[] wanted = new boolean[shards.count()];
        if (wholeKeyspace) {
            Arrays.fill(wanted, true);
        } else {
            for (int position : keys) {
                wanted[session.shardIndexOf(argv[position])] = true;
            }
        }
        for (int i = 0; i < wanted.length; i++) {
            if (wanted[i]) {
                shards.get(i).lock.lock();
            }
        }
        return wanted;
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

    /** Every shard's maps of the two databases change places; the caller holds every shard's lock. */
    void swapDatabases(int first, int second) {
        for (Shard shard : shards.all()) {
            shard.swapDatabases(first, second);
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
                background.execute(this::flushSafely);
            } catch (RejectedExecutionException stopping) {
                return CompletableFuture.failedFuture(new IllegalStateException("the engine is stopping"));
            }
        }
        return round;
    }

    private void flushSafely() {
        roundRequested.set(false);
        CompletableFuture<Void> round = nextRound;
        nextRound = new CompletableFuture<>();
        try {
            writeBehind.flush();
            if (acknowledgeAfterSync) {
                storage.syncToDisk();
            }
            round.complete(null);
        } catch (RuntimeException e) {
            LOG.warn("Write-behind round failed", e);
            round.completeExceptionally(e);
        }
    }

    private void expireSafely() {
        long now = System.currentTimeMillis();
        for (Shard shard : shards.all()) {
            shard.lock.lock();
            try {
                shard.expire(now, 10_000);
            } finally {
                shard.lock.unlock();
            }
        }
    }
}
