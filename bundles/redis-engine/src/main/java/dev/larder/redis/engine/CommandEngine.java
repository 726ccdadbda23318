package dev.larder.redis.engine;

/** Runs Redis commands. Published as an OSGi service by the engine bundle. */
public interface CommandEngine {

    /**
     * A session for a new client connection.
     *
     * @param remoteAddress the client's host:port
     * @param localAddress  this server's host:port of the connection
     * @param disconnect    closes the connection; run when a command (CLIENT KILL) ends the session
     */
    EngineSession open(String remoteAddress, String localAddress, Runnable disconnect);
}
