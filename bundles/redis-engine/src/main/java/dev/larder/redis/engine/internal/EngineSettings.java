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

    @AttributeDefinition(description = "Default for databases that set none. ALWAYS: a write is answered once it is in the "
            + "change log and the log is fsynced (one fsync per round of writes). EVERYSEC: reply at once, the change is in "
            + "the log within flushIntervalMillis and on disk within a second. OFF: memory only, nothing is stored.")
    Durability durability() default Durability.EVERYSEC;

    @AttributeDefinition(description = "Longest delay before a change is in the local change log (EVERYSEC), in milliseconds; "
            + "the log is fsynced once a second.")
    int flushIntervalMillis() default 100;

    @AttributeDefinition(description = "Longest time before logged changes are written to the storage grid, in "
            + "milliseconds. Longer: fewer grid updates for keys written often, more log to replay after a crash.")
    int gridWriteIntervalMillis() default 60_000;

    @AttributeDefinition(description = "Write the logged changes to the grid early once the change log has grown by this "
            + "many megabytes since the last grid write (bounds the disk the log takes and the replay after a crash).")
    int changeLogMaxMb() default 256;

    @AttributeDefinition(description = "How often keys whose time to live ran out are removed, in milliseconds.")
    int activeExpiryMillis() default 100;

    enum Durability { ALWAYS, EVERYSEC, OFF }
}
