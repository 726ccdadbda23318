package dev.larder.redis.engine.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Larder Redis engine",
        description = "Keyspaces, shards and how changes reach the storage grid. A change restarts the engine.")
public @interface EngineSettings {

    String PID = "dev.larder.redis";

    @AttributeDefinition(description = "Logical databases per keyspace (SELECT 0 to this minus one).")
    int databases() default 16;

    @AttributeDefinition(description = "Lock-striped shards the keyspace is split into; each is a set of storage partitions.")
    int shards() default 16;

    @AttributeDefinition(description = "ALWAYS: a write is answered once it is in the grid and its write-ahead log is "
            + "fsynced (one fsync per batch of writes). EVERYSEC: reply at once, changes reach the grid within "
            + "flushIntervalMillis. OFF: memory only, nothing is stored.")
    Durability durability() default Durability.EVERYSEC;

    @AttributeDefinition(description = "Longest delay before a change is written to the grid, in milliseconds.")
    int flushIntervalMillis() default 100;

    @AttributeDefinition(description = "How often keys whose time to live ran out are removed, in milliseconds.")
    int activeExpiryMillis() default 100;

    enum Durability { ALWAYS, EVERYSEC, OFF }
}
