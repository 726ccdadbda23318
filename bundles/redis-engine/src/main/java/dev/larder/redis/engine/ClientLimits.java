package dev.larder.redis.engine;

/**
 * The limits Redis puts on client connections, as CONFIG SET last set them: what a front end enforces
 * on its connections. Read {@link CommandEngine#clientLimits()} again for each check; it changes.
 *
 * @param maxClients         connections at once; one more is refused with {@code -ERR max number of clients reached}
 * @param idleTimeoutSeconds a client idle this long is closed (0: never); blocked and subscribed clients are not
 * @param tcpKeepAliveSeconds TCP keepalive probes after this much silence (0: off)
 * @param maxBulkBytes       the longest bulk string a request may carry (proto-max-bulk-len)
 * @param maxQueryBufferBytes the most a client may send that is not yet a whole command (client-query-buffer-limit)
 * @param normal             output limit of ordinary clients
 * @param pubsub             output limit of subscribed clients
 * @param replica            output limit of replicas (MONITOR clients count as ordinary, as in Redis)
 */
public record ClientLimits(long maxClients, long idleTimeoutSeconds, long tcpKeepAliveSeconds, long maxBulkBytes,
        long maxQueryBufferBytes, OutputLimit normal, OutputLimit pubsub, OutputLimit replica) {

    /**
     * Replies and messages waiting to be sent: over {@code hardBytes}, or over {@code softBytes} for
     * {@code softSeconds} on end, the client is closed. 0 turns a limit off.
     */
    public record OutputLimit(long hardBytes, long softBytes, long softSeconds) {

        public static final OutputLimit NONE = new OutputLimit(0, 0, 0);
    }

    /** redis-server 7.0's defaults. */
    public static final ClientLimits REDIS_DEFAULTS = new ClientLimits(10_000, 0, 300, 512L * 1024 * 1024, 1024L * 1024 * 1024,
            OutputLimit.NONE, new OutputLimit(32L * 1024 * 1024, 8L * 1024 * 1024, 60), new OutputLimit(256L * 1024 * 1024,
                    64L * 1024 * 1024, 60));
}
