package dev.larder.redis.engine.internal;

import dev.larder.redis.api.ClientTracking;
import dev.larder.redis.api.types.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Client-side caching (CLIENT TRACKING): which clients read which keys (or, in BCAST mode, which
 * prefixes they follow), and the invalidation messages sent when a key changes. As in Redis, keys are
 * tracked by name across the logical DBs of a database, and a read key is invalidated once.
 */
final class KeyTracking {

    private static final byte[] CHANNEL = "__redis__:invalidate".getBytes(StandardCharsets.US_ASCII);

    /** A key of one database (tenant), any logical DB. */
    record TrackedKey(int tenant, Bytes key) {
    }

    private final Map<TrackedKey, Set<Session>> readers = new ConcurrentHashMap<>();
    private final Set<Session> broadcasting = ConcurrentHashMap.newKeySet();
    /** Whether any client tracks: writes look up nothing otherwise. */
    private volatile boolean active;
    private final Set<Session> tracking = ConcurrentHashMap.newKeySet();
    /** Keys changed by the command running on this thread, with the client that ran it. */
    private static final ThreadLocal<List<TrackedKey>> CHANGED = ThreadLocal.withInitial(ArrayList::new);
    /** Whether any engine has tracking clients: the keyspace records changed keys only then. */
    private static volatile boolean recording;

    /** INFO: clients tracking, keys remembered for them, and prefixes followed. */
    long clients() {
        return tracking.size();
    }

    long trackedKeys() {
        return readers.size();
    }

    long trackedItems() {
        return readers.values().stream().mapToLong(Set::size).sum();
    }

    long prefixes() {
        return broadcasting.stream().mapToLong(session -> Math.max(1, session.tracking().prefixes().size())).sum();
    }

    void started(Session session) {
        tracking.add(session);
        if (session.tracking().broadcast()) {
            broadcasting.add(session);
        }
        active = true;
        recording = true;
    }

    void stopped(Session session) {
        tracking.remove(session);
        broadcasting.remove(session);
        readers.values().forEach(sessions -> sessions.remove(session));
        active = !tracking.isEmpty();
        recording = active;
    }

    /** The client read these keys: they are invalidated for it when they change. */
    void read(Session session, byte[][] argv, int[] keys) {
        for (int position : keys) {
            readers.computeIfAbsent(new TrackedKey(session.tenant().id, new Bytes(argv[position])),
                    key -> ConcurrentHashMap.newKeySet()).add(session);
        }
    }

    /** A key changed (the keyspace calls this for every change while anyone tracks). */
    static void changed(Tenant tenant, Bytes key) {
        if (recording) {
            CHANGED.get().add(new TrackedKey(tenant.id, key));
        }
    }

    /** A logical DB of the database was emptied (FLUSHDB, FLUSHALL, SWAPDB). */
    static void flushed(Tenant tenant) {
        if (recording) {
            CHANGED.get().add(new TrackedKey(tenant.id, null));
        }
    }

    /** Sends the invalidations of the keys the command on this thread changed; {@code writer} may be null (expiry). */
    void invalidate(Session writer) {
        if (!recording) {
            return; // nobody tracks: no thread-local lookup on every command
        }
        List<TrackedKey> changed = CHANGED.get();
        if (changed.isEmpty()) {
            return;
        }
        CHANGED.set(new ArrayList<>());
        if (!active) {
            return;
        }
        Map<Session, List<byte[]>> messages = new LinkedHashMap<>();
        Set<Integer> flushed = new java.util.HashSet<>();
        for (TrackedKey key : changed) {
            if (key.key() == null) {
                if (flushed.add(key.tenant())) { // every shard reports the flush: one message
                    flushed(key.tenant());
                }
                continue;
            }
            Set<Session> sessions = readers.remove(key);
            if (sessions != null) {
                sessions.forEach(session -> add(messages, session, writer, key.key().bytes()));
            }
            for (Session session : broadcasting) {
                if (session.tenant().id == key.tenant() && matches(session.tracking(), key.key().bytes())) {
                    add(messages, session, writer, key.key().bytes());
                }
            }
        }
        messages.forEach(this::send);
    }

    /** FLUSHDB / FLUSHALL: every tracking client of the database is told to drop everything (a null key list). */
    private void flushed(int tenant) {
        readers.keySet().removeIf(key -> key.tenant() == tenant);
        for (Session session : tracking) {
            if (session.tenant().id == tenant) {
                send(session, null);
            }
        }
    }

    private static void add(Map<Session, List<byte[]>> messages, Session session, Session writer, byte[] key) {
        ClientTracking options = session.tracking();
        if (options == null || options.noLoop() && session == writer) {
            return;
        }
        List<byte[]> keys = messages.computeIfAbsent(session, s -> new ArrayList<>());
        for (byte[] existing : keys) {
            if (java.util.Arrays.equals(existing, key)) {
                return;
            }
        }
        keys.add(key);
    }

    private static boolean matches(ClientTracking options, byte[] key) {
        if (options == null || options.prefixes().isEmpty()) {
            return options != null;
        }
        for (byte[] prefix : options.prefixes()) {
            if (key.length >= prefix.length && java.util.Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
                return true;
            }
        }
        return false;
    }

    /** To the client itself as a RESP3 push, or to its redirect target: a push (RESP3) or a __redis__:invalidate message. */
    private void send(Session session, List<byte[]> keys) {
        ClientTracking options = session.tracking();
        if (options == null) {
            return;
        }
        Session target = options.redirect() == 0 ? session : session.engineSession(options.redirect());
        if (target == null) {
            return;
        }
        boolean asMessage = target.wireProtocol() == 2;
        if (asMessage && (options.redirect() == 0 || !target.subscribed(PubSub.Kind.CHANNEL).contains(new Bytes(CHANNEL)))) {
            return; // a RESP2 connection can only hear invalidations as messages of the channel it subscribed
        }
        target.connection().push(r -> {
            if (asMessage) {
                r.push(3);
                r.bulk("message");
                r.bulk(CHANNEL);
            } else {
                r.push(2);
                r.bulk("invalidate");
            }
            if (keys == null) {
                r.nilArray();
            } else {
                r.array(keys.size());
                keys.forEach(r::bulk);
            }
        });
    }
}
