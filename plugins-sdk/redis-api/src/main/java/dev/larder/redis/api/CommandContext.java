package dev.larder.redis.api;

import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/** What a running command can reach. Valid only during {@link RedisCommand#execute}. */
public interface CommandContext {

    /** The logical database the client selected (SELECT). */
    Keyspace keyspace();

    /** The logical database with that index, for commands that touch two (MOVE, SWAPDB). */
    Keyspace keyspace(int index);

    /** Number of logical databases (SELECT accepts 0 to this minus one). */
    int databases();

    /** Swaps the contents of two logical databases (SWAPDB); the command must lock the whole keyspace. */
    void swapDatabases(int first, int second);

    ClientSession client();

    /** Every connected client of this server (CLIENT LIST, CLIENT KILL). */
    Collection<? extends ClientSession> clients();

    /**
     * Makes the client wait, as BLPOP does when every list is empty: the command replies nothing now.
     * Whenever one of {@code keys} is written, {@code attempt} runs again, holding the locks of the
     * command's keys, and replies when it can (returning true); clients waiting on a key are served in
     * the order they started waiting. After {@code timeoutMillis} (0: no limit) {@code timedOut} replies
     * instead. No thread waits meanwhile. Call it at most once, as the command's last step.
     */
    void block(List<byte[]> keys, long timeoutMillis, Attempt attempt, Consumer<Reply> timedOut);

    /** A blocked command's next try: true when it replied. */
    @FunctionalInterface
    interface Attempt {
        boolean attempt(CommandContext context, Reply reply) throws RedisException;
    }

    /**
     * Runs another command inside this one, as a script's {@code redis.call} does: as the same client, in
     * the same atomic step; keys the calling command did not declare are locked on the way and stay locked
     * until it ends. Nothing blocks (BLPOP answers as on timeout). Refused with Redis's script errors: an
     * unknown command, a wrong argument count, a command scripts may not run (NOSCRIPT), a command the
     * client may not run, and any write when {@code writesAllowed} is false. The command's own errors
     * (WRONGTYPE) are written to {@code reply}, shaped for RESP version {@code protocol} (the script's
     * redis.setresp), whatever the client's connection speaks.
     *
     * @return whether the command was a write (a script that wrote can no longer be killed)
     */
    boolean call(byte[][] argv, Reply reply, boolean writesAllowed, int protocol) throws RedisException;

    /**
     * A script starts ({@code true}) or ends on this client. While one has run longer than the busy
     * threshold (lua-time-limit), other clients' commands that would wait for its keys get a BUSY error.
     */
    void scriptRunning(boolean running);

    /** True once a long-running command (a script) should stop at once: the server is shutting down. */
    boolean stopRequested();

    /** The time the command runs at, in Unix milliseconds; the same for the whole command, as in Redis. */
    long nowMillis();

    /**
     * CLIENT PAUSE: until {@code untilMillis} (Unix ms) the commands of every client — only those that
     * may write ({@code writesOnly}) — wait and then run in the order they came; a later pause extends an
     * earlier one. CLIENT UNPAUSE is {@link #unpauseClients}.
     */
    default void pauseClients(long untilMillis, boolean writesOnly) throws RedisException {
        throw new RedisException("ERR CLIENT PAUSE is not available here");
    }

    default void unpauseClients() throws RedisException {
        throw new RedisException("ERR CLIENT UNPAUSE is not available here");
    }

    /**
     * CLIENT UNBLOCK: ends the wait of the client's blocked command, as if it timed out or (withError)
     * with Redis's UNBLOCKED error; false when that client does not wait.
     */
    default boolean unblock(long clientId, boolean withError) throws RedisException {
        throw new RedisException("ERR CLIENT UNBLOCK is not available here");
    }
}
