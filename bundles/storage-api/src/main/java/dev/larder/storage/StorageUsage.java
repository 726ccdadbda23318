package dev.larder.storage;

/**
 * What a node's storage occupies.
 *
 * @param diskBytes   bytes of the node's persistence files (data, WAL, checkpoints), 0 in memory-only mode
 * @param memoryBytes off-heap bytes allocated for data pages
 */
public record StorageUsage(long diskBytes, long memoryBytes) {
}
