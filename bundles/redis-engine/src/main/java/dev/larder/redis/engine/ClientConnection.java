package dev.larder.redis.engine;

import dev.larder.redis.api.Reply;
import java.util.function.Consumer;

/** The front end's side of a client connection: what the engine does to it outside a command's reply. */
public interface ClientConnection {

    /** Closes the connection (CLIENT KILL, a deleted database). */
    void close();

    /**
     * Sends a message the client did not ask for (MONITOR's lines), after the replies already sent. Safe
     * to call from any thread; {@code message} runs later, on the connection's own thread.
     */
    void push(Consumer<Reply> message);

    /**
     * The reply of the command that blocked (see {@link EngineSession#blocked}): written in its place,
     * then the client's next commands run. Safe to call from any thread.
     */
    void resume(Consumer<Reply> reply);
}
