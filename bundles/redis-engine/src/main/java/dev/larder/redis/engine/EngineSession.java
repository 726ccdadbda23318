package dev.larder.redis.engine;

import dev.larder.redis.api.ClientSession;
import dev.larder.redis.api.Reply;

/**
 * One client's connection state. Not thread-safe: a front end calls it from one thread at a time, in
 * the order the client sent its commands.
 */
public interface EngineSession extends ClientSession {

    /** Runs one command ({@code argv[0]} is its name) and writes its reply, errors included. */
    void execute(byte[][] argv, Reply reply);

    /** Whether the connection should be closed after the replies written so far (QUIT). */
    boolean closeRequested();

    /** The connection is gone. */
    void close();
}
