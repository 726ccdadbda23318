package dev.larder.redis.api;

import java.util.Collection;

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

    /** The time the command runs at, in Unix milliseconds; the same for the whole command, as in Redis. */
    long nowMillis();
}
