package dev.larder.redis.engine;

import dev.larder.redis.api.ClientSession;
import dev.larder.redis.api.Reply;
import java.util.concurrent.CompletionStage;

/**
 * One client's connection state. Not thread-safe: a front end calls it from one thread at a time, in
 * the order the client sent its commands.
 */
public interface EngineSession extends ClientSession {

    /** The RESP version the connection speaks (HELLO), for writing replies; a script's calls may see another in protocol(). */
    int wireProtocol();

    /** Runs one command ({@code argv[0]} is its name) and writes its reply, errors included. */
    void execute(byte[][] argv, Reply reply);

    /**
     * Completes once every write this session made so far is as durable as the database's durability
     * setting promises: at once for EVERYSEC and OFF, after the write-behind round and its fsync for
     * ALWAYS. Replies to writes must not be sent before.
     */
    CompletionStage<Void> durable();

    /**
     * Whether the command just run made the client wait (BLPOP): its reply comes later through
     * {@link ClientConnection#resume}, and the client's next commands must wait for it.
     */
    boolean blocked();

    /** Whether the connection should be closed after the replies written so far (QUIT). */
    boolean closeRequested();

    /** Channels, patterns and shard channels the client is subscribed to: its output limit is then the pubsub class's. */
    int subscriptions();

    /** The connection is gone. */
    void close();

    /**
     * The session's database's write position: it grows with every write command run on the database,
     * from any client. REST answers it as {@code upstash-sync-token}.
     */
    long writePosition();

    /**
     * Completes once this node has applied the database's writes up to {@code position} (a position an
     * earlier answer gave), so a read that waits for it sees them; a position this node never reaches
     * (one from another server) completes it after a second.
     */
    CompletionStage<Void> writesApplied(long position);
}
