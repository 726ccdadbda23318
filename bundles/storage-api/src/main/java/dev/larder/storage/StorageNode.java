package dev.larder.storage;

import java.nio.file.Path;
import java.util.Set;

/**
 * The local member of the storage grid. Registered as an OSGi service once the node has joined its
 * cluster and the cluster is active; unregistered before the node stops.
 */
public interface StorageNode {

    /** Number of hash slots keys are spread over, as in Redis Cluster. */
    int SLOTS = 16384;

    /** Stable identity of this node; survives restarts because persisted data is filed under it. */
    String nodeId();

    /** Number of server nodes in the cluster right now. */
    int clusterSize();

    /** Number of partitions every table is split into. */
    int partitions();

    /** The partition that holds every key of a hash slot. */
    int partitionOf(int slot);

    /** Whether this node is the primary owner of a partition at the current topology. */
    boolean isPrimary(int partition);

    /** Where this node keeps its persistent files, or {@code null} when it runs in memory only. */
    Path dataDirectory();

    /**
     * Forces everything this node has written so far onto disk (one fsync of the write-ahead log), for
     * callers that acknowledge writes only once they are durable. Does nothing in memory-only mode.
     */
    void syncToDisk();

    /** Disk and memory this node uses now. */
    StorageUsage usage();

    /**
     * The table of that name, created with the node's defaults on first use. Names are letters, digits,
     * '-', '_' and '.'.
     */
    KeyValueTable table(String name);

    /**
     * The table of that name in a group of tables, created on first use: the tables of a group share their
     * partitions' structures in the grid, so a product's small or empty tables cost about one table's memory
     * (Ignite gives every partition of a table pages of its own, even empty: the memory-only runs' 128 MiB
     * region ran out when QStash made its ninth table). The group is fixed when the table is made.
     */
    KeyValueTable table(String name, String group);

    /**
     * Sends a message to the listeners of {@code topic} on every other server node of the cluster (not this
     * one); at most once, in order per sender, nothing when this node is alone. For pub/sub across nodes.
     */
    void broadcast(String topic, byte[] message);

    /** Receives what other nodes {@link #broadcast} on {@code topic}; closing the handle stops it. */
    AutoCloseable listen(String topic, java.util.function.Consumer<byte[]> listener);

    /** Names of the tables that exist. */
    Set<String> tables();
}
