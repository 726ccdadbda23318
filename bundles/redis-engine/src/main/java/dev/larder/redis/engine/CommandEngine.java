package dev.larder.redis.engine;

/** Runs Redis commands. Published as an OSGi service by the engine bundle. */
public interface CommandEngine {

    /** A session for a new client connection. */
    EngineSession open(String remoteAddress);
}
