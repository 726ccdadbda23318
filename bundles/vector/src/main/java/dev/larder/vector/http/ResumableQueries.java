package dev.larder.vector.http;

import dev.larder.vector.service.OpenIndex;
import dev.larder.vector.service.RequestException;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open resumable queries: each remembers its query and the ids it returned, so a next call returns the
 * following hits. A session ends on request, or after {@code maxIdle} seconds without a call; at most
 * {@link #MAX_SESSIONS} are open at once, so a client cannot grow them without bound.
 */
final class ResumableQueries {

    static final int MAX_SESSIONS = 10_000;

    static final class Session {
        private final String indexName;
        private final String namespace;
        private final VectorEndpoints.Query query;
        private final Set<String> returned;
        private final long maxIdleMillis;
        private volatile long usedAt = System.currentTimeMillis();

        Session(String indexName, String namespace, VectorEndpoints.Query query, Set<String> returned, long maxIdleMillis) {
            this.indexName = indexName;
            this.namespace = namespace;
            this.query = query;
            this.returned = returned;
            this.maxIdleMillis = maxIdleMillis;
        }

        String indexName() {
            return indexName;
        }

        String namespace() {
            return namespace;
        }

        VectorEndpoints.Query query() {
            return query;
        }

        Set<String> returned() {
            return returned;
        }

        boolean expired(long now) {
            return now - usedAt > maxIdleMillis;
        }
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    String start(OpenIndex index, String namespace, VectorEndpoints.Query query, Set<String> returned, int maxIdleSeconds) throws RequestException {
        expire();
        if (sessions.size() >= MAX_SESSIONS) {
            throw new RequestException(429, "Too many open resumable queries (" + MAX_SESSIONS + "): end some with resumable-query-end");
        }
        String uuid = UUID.randomUUID().toString();
        sessions.put(uuid, new Session(index.definition().name(), namespace, query, returned, maxIdleSeconds * 1000L));
        return uuid;
    }

    Session get(String uuid) throws RequestException {
        Session session = sessions.get(uuid);
        long now = System.currentTimeMillis();
        if (session == null || session.expired(now)) {
            sessions.remove(uuid);
            throw new RequestException(404, "Resumable query " + uuid + " not found: it ended, expired, or never existed");
        }
        session.usedAt = now;
        return session;
    }

    void end(String uuid) {
        sessions.remove(uuid);
    }

    /** Sessions of a deleted index end with it. */
    void endAll(String indexName) {
        sessions.values().removeIf(session -> session.indexName().equals(indexName));
    }

    private void expire() {
        long now = System.currentTimeMillis();
        sessions.values().removeIf(session -> session.expired(now));
    }
}
