package dev.larder.storage.ignite;

import dev.larder.storage.KeyValueTable;
import dev.larder.storage.StorageNode;
import dev.larder.storage.StorageUsage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.ignite.Ignite;
import org.apache.ignite.cluster.ClusterGroup;
import org.apache.ignite.lang.IgniteBiPredicate;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.ignite.IgniteCheckedException;
import org.apache.ignite.internal.IgniteEx;
import org.apache.ignite.DataRegionMetrics;
import org.apache.ignite.cache.CacheAtomicityMode;
import org.apache.ignite.cache.CacheMode;
import org.apache.ignite.cache.CacheWriteSynchronizationMode;
import org.apache.ignite.cache.affinity.rendezvous.RendezvousAffinityFunction;
import org.apache.ignite.configuration.CacheConfiguration;

/** The {@link StorageNode} service over a started, active Ignite server node. */
final class IgniteStorageNode implements StorageNode {

    static final String DATA_REGION = "larder";
    private static final String TABLE_PREFIX = "larder.";
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,200}");
    /** Always exists, so partition ownership can be asked before any product has opened a table. */
    private static final String META_TABLE = "meta";

    private final Ignite ignite;
    private final Path dataDirectory;
    private final int backups;
    private final RendezvousAffinityFunction affinity;
    private final Map<String, IgniteKeyValueTable> tables = new ConcurrentHashMap<>();

    IgniteStorageNode(Ignite ignite, Path dataDirectory, int backups, int partitions) {
        this.ignite = ignite;
        this.dataDirectory = dataDirectory;
        this.backups = backups;
        this.affinity = new RendezvousAffinityFunction(false, partitions);
        table(META_TABLE);
    }

    @Override
    public String nodeId() {
        return String.valueOf(ignite.cluster().localNode().consistentId());
    }

    @Override
    public void broadcast(String topic, byte[] message) {
        ClusterGroup others = ignite.cluster().forServers().forRemotes();
        if (!others.nodes().isEmpty()) {
            ignite.message(others).sendOrdered(topic, message, 0);
        }
    }

    @Override
    public AutoCloseable listen(String topic, Consumer<byte[]> listener) {
        IgniteBiPredicate<UUID, Object> receiver = (sender, message) -> {
            if (message instanceof byte[] bytes) {
                listener.accept(bytes);
            }
            return true;
        };
        ignite.message().localListen(topic, receiver);
        return () -> ignite.message().stopLocalListen(topic, receiver);
    }

    @Override
    public int clusterSize() {
        return ignite.cluster().forServers().nodes().size();
    }

    @Override
    public int partitions() {
        return affinity.partitions();
    }

    @Override
    public int partitionOf(int slot) {
        // Same function and partition count as every table's cache, and the slot is the affinity key.
        return affinity.partition(slot);
    }

    @Override
    public boolean isPrimary(int partition) {
        return ignite.affinity(cacheName(META_TABLE))
                .isPrimary(ignite.cluster().localNode(), partition);
    }

    @Override
    public Path dataDirectory() {
        return dataDirectory;
    }

    @Override
    public void syncToDisk() {
        if (dataDirectory == null) {
            return;
        }
        try {
            // Ignite has no public call for this; the WAL manager's flush with explicit fsync is what FSYNC mode uses per write
            ((IgniteEx) ignite).context().cache().context().wal().flush(null, true);
        } catch (IgniteCheckedException e) {
            throw new IllegalStateException("write-ahead log fsync failed", e);
        }
    }

    @Override
    public StorageUsage usage() {
        DataRegionMetrics metrics = ignite.dataRegionMetrics(DATA_REGION);
        long memory = metrics == null ? 0 : metrics.getPhysicalMemorySize();
        long limit = ignite.configuration().getDataStorageConfiguration().getDefaultDataRegionConfiguration().getMaxSize();
        return new StorageUsage(dataDirectory == null ? 0 : directorySize(dataDirectory), memory, limit);
    }

    @Override
    public KeyValueTable table(String name) {
        return table(name, null);
    }

    @Override
    public KeyValueTable table(String name, String group) {
        if (name == null || !TABLE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("table name must be 1-200 of [A-Za-z0-9_.-]: " + name);
        }
        if (group != null && !TABLE_NAME.matcher(group).matches()) {
            throw new IllegalArgumentException("table group must be 1-200 of [A-Za-z0-9_.-]: " + group);
        }
        return tables.computeIfAbsent(name, n -> new IgniteKeyValueTable(n, ignite.getOrCreateCache(cacheConfiguration(n, group))));
    }

    @Override
    public Set<String> tables() {
        return ignite.cacheNames().stream()
                .filter(cache -> cache.startsWith(TABLE_PREFIX))
                .map(cache -> cache.substring(TABLE_PREFIX.length()))
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    private CacheConfiguration<SlotKey, byte[]> cacheConfiguration(String table, String group) {
        return new CacheConfiguration<SlotKey, byte[]>(cacheName(table))
                .setGroupName(group == null ? null : TABLE_PREFIX + group)
                .setCacheMode(CacheMode.PARTITIONED)
                .setAtomicityMode(CacheAtomicityMode.ATOMIC)
                .setBackups(backups)
                .setWriteSynchronizationMode(CacheWriteSynchronizationMode.FULL_SYNC)
                .setAffinity(new RendezvousAffinityFunction(false, affinity.partitions()))
                .setDataRegionName(DATA_REGION);
    }

    private static String cacheName(String table) {
        return TABLE_PREFIX + table;
    }

    private static long directorySize(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    return 0; // a WAL segment may be deleted while we walk
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }
}
