package dev.larder.storage;

/**
 * What a node's storage occupies.
 *
 * @param diskBytes        bytes of the node's persistence files (data, WAL, checkpoints), 0 in memory-only mode
 * @param memoryBytes      bytes of data pages in memory now
 * @param memoryLimitBytes the most bytes of data pages in memory: with persistence a page cache over the files,
 *                         without it all the data the node can hold
 */
public record StorageUsage(long diskBytes, long memoryBytes, long memoryLimitBytes) {
}
