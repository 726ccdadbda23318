package dev.larder.storage.ignite;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        name = "Larder storage node",
        description = "The embedded Apache Ignite server node that holds every database's data. "
                + "A change restarts the node.")
public @interface StorageSettings {

    String PID = "dev.larder.storage";

    @AttributeDefinition(description = "Name of this node. Persisted data is filed under it, so keep it stable across restarts.")
    String nodeName() default "larder-1";

    @AttributeDefinition(description = "Directory for the node's files (pages, WAL, metadata). Empty: the 'ignite' folder under the server's data directory.")
    String dataDir() default "";

    @AttributeDefinition(description = "Keep data on disk (native persistence). false: memory only, lost on stop.")
    boolean persistence() default true;

    @AttributeDefinition(description = "Write-ahead log mode: FSYNC, LOG_ONLY or BACKGROUND.")
    WalMode walMode() default WalMode.LOG_ONLY;

    @AttributeDefinition(description = "Write-ahead log segments kept in the work directory; each is preallocated on disk.")
    int walSegments() default 4;

    @AttributeDefinition(description = "Size of one write-ahead log segment, in MiB.")
    int walSegmentSizeMb() default 32;

    @AttributeDefinition(description = "With persistence: the page cache over the node's files, in MiB. Pages past it are "
            + "written out and dropped (least recently used first) and read back from disk when needed, so the grid does not "
            + "hold a second full copy of what the products keep in memory.")
    long pageCacheMb() default 128;

    @AttributeDefinition(description = "Without persistence: the most off-heap memory for data pages, in MiB (all the node's data).")
    long memoryMaxMb() default 512;

    @AttributeDefinition(description = "Address this node binds discovery and communication to.")
    String localAddress() default "127.0.0.1";

    @AttributeDefinition(description = "Addresses of cluster members to join, host:port or host:port1..port2.")
    String[] discoveryAddresses() default {"127.0.0.1:47600..47609"};

    @AttributeDefinition(description = "First discovery port; the node takes the first free one of the range.")
    int discoveryPort() default 47600;

    @AttributeDefinition(description = "How many ports after discoveryPort may be tried.")
    int discoveryPortRange() default 9;

    @AttributeDefinition(description = "First communication port; the node takes the first free one of the range.")
    int communicationPort() default 47200;

    @AttributeDefinition(description = "How many ports after communicationPort may be tried.")
    int communicationPortRange() default 9;

    @AttributeDefinition(description = "Backup copies kept of every partition on other nodes.")
    int backups() default 1;

    @AttributeDefinition(description = "Partitions every table is split into. Fixed once data exists.")
    int partitions() default 1024;

    @AttributeDefinition(description = "How long to wait for the cluster to form before giving up, in seconds.")
    int joinTimeoutSeconds() default 30;

    /** Mirrors Ignite's WALMode so the setting does not expose Ignite types. */
    enum WalMode { FSYNC, LOG_ONLY, BACKGROUND }
}
