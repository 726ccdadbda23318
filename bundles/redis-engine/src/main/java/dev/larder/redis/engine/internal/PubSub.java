package dev.larder.redis.engine.internal;

import dev.larder.redis.api.GlobPattern;
import dev.larder.redis.api.types.Bytes;
import dev.larder.storage.StorageNode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pub/sub: channels, patterns and shard channels with their subscribers, per database. A publish is
 * delivered to this node's subscribers at once and sent to the other nodes of the cluster, which deliver
 * it to theirs; the count it returns is this node's receivers, as Redis Cluster counts.
 */
final class PubSub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.redis");
    static final String TOPIC = "larder.redis.pubsub";

    /** What a client subscribes to; the names of its confirmations and messages. */
    enum Kind {
        CHANNEL("subscribe", "unsubscribe", "message"),
        PATTERN("psubscribe", "punsubscribe", "pmessage"),
        SHARD("ssubscribe", "sunsubscribe", "smessage");

        final String subscribed;
        final String unsubscribed;
        final String message;

        Kind(String subscribed, String unsubscribed, String message) {
            this.subscribed = subscribed;
            this.unsubscribed = unsubscribed;
            this.message = message;
        }
    }

    /** A channel or pattern of one database. */
    record Name(int tenant, Bytes name) {
    }

    private final Map<Kind, Map<Name, Set<Session>>> subscribers = Map.of(Kind.CHANNEL, new ConcurrentHashMap<>(),
            Kind.PATTERN, new ConcurrentHashMap<>(), Kind.SHARD, new ConcurrentHashMap<>());
    private final StorageNode storage;
    private final AutoCloseable listening;

    PubSub(StorageNode storage) {
        this.storage = storage;
        this.listening = storage.listen(TOPIC, this::received);
    }

    @Override
    public void close() throws Exception {
        listening.close();
    }

    void subscribe(Kind kind, Session session, Bytes name) {
        subscribers.get(kind).computeIfAbsent(new Name(session.tenant().id, name), n -> ConcurrentHashMap.newKeySet()).add(session);
    }

    void unsubscribe(Kind kind, Session session, Bytes name) {
        subscribers.get(kind).computeIfPresent(new Name(session.tenant().id, name), (n, sessions) -> {
            sessions.remove(session);
            return sessions.isEmpty() ? null : sessions;
        });
    }

    /** PUBLISH (or SPUBLISH with {@code shard}): delivered here and sent to the other nodes; the receivers here. */
    long publish(Tenant tenant, byte[] channel, byte[] message, boolean shard) {
        long receivers = deliver(tenant.id, channel, message, shard);
        try {
            storage.broadcast(TOPIC, encode(tenant.id, channel, message, shard));
        } catch (RuntimeException e) {
            LOG.warn("A published message could not be sent to the other nodes: {}", e.toString());
        }
        return receivers;
    }

    private long deliver(int tenant, byte[] channel, byte[] message, boolean shard) {
        long receivers = 0;
        Set<Session> direct = subscribers.get(shard ? Kind.SHARD : Kind.CHANNEL).get(new Name(tenant, new Bytes(channel)));
        if (direct != null) {
            Kind kind = shard ? Kind.SHARD : Kind.CHANNEL;
            for (Session session : direct) {
                session.connection().push(r -> {
                    r.push(3);
                    r.bulk(kind.message);
                    r.bulk(channel);
                    r.bulk(message);
                });
                receivers++;
            }
        }
        if (!shard) {
            for (Map.Entry<Name, Set<Session>> pattern : subscribers.get(Kind.PATTERN).entrySet()) {
                if (pattern.getKey().tenant() != tenant || !GlobPattern.matches(pattern.getKey().name().bytes(), channel)) {
                    continue;
                }
                byte[] matched = pattern.getKey().name().bytes();
                for (Session session : pattern.getValue()) {
                    session.connection().push(r -> {
                        r.push(4);
                        r.bulk(Kind.PATTERN.message);
                        r.bulk(matched);
                        r.bulk(channel);
                        r.bulk(message);
                    });
                    receivers++;
                }
            }
        }
        return receivers;
    }

    /** A message another node published. */
    private void received(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int tenant = in.getInt();
        boolean shard = in.get() == 1;
        byte[] channel = new byte[in.getInt()];
        in.get(channel);
        byte[] message = new byte[in.remaining()];
        in.get(message);
        deliver(tenant, channel, message, shard);
    }

    private static byte[] encode(int tenant, byte[] channel, byte[] message, boolean shard) {
        return ByteBuffer.allocate(9 + channel.length + message.length).putInt(tenant).put((byte) (shard ? 1 : 0))
                .putInt(channel.length).put(channel).put(message).array();
    }

    /** Channels (or shard channels) of a database with subscribers here, matching a pattern (null: all). */
    List<byte[]> active(Tenant tenant, Kind kind, byte[] pattern) {
        List<byte[]> names = new ArrayList<>();
        subscribers.get(kind).forEach((name, sessions) -> {
            if (name.tenant() == tenant.id && !sessions.isEmpty() && (pattern == null || GlobPattern.matches(pattern, name.name().bytes()))) {
                names.add(name.name().bytes());
            }
        });
        return names;
    }

    long subscriberCount(Tenant tenant, Kind kind, byte[] name) {
        Set<Session> sessions = subscribers.get(kind).get(new Name(tenant.id, new Bytes(name)));
        return sessions == null ? 0 : sessions.size();
    }

    /** Channels (or patterns, or shard channels) of every database with subscribers here: INFO's pubsub_channels and the like. */
    long count(Kind kind) {
        return subscribers.get(kind).values().stream().filter(sessions -> !sessions.isEmpty()).count();
    }

    /** Patterns of a database with subscribers here (PUBSUB NUMPAT). */
    long patternCount(Tenant tenant) {
        return subscribers.get(Kind.PATTERN).keySet().stream().filter(name -> name.tenant() == tenant.id).count();
    }
}
