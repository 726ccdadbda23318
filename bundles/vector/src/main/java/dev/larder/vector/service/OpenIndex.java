package dev.larder.vector.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.larder.storage.KeyValueTable;
import dev.larder.storage.StorageNode;
import dev.larder.storage.WriteBatch;
import dev.larder.vector.VectorIndex;
import dev.larder.vector.index.Namespace;
import dev.larder.vector.store.RecordCodec;
import dev.larder.vector.store.VectorRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * An index at work on this node: its records in the grid (the truth, table {@code vector-<id>}) and its
 * namespaces in memory, derived from them at start. A write reaches the grid and disk before memory, so an
 * acknowledged write survives a crash; writes to one namespace are serialized, so the grid and memory agree.
 */
public final class OpenIndex implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    private final VectorIndex definition;
    private final KeyValueTable table;
    private final StorageNode storage;
    private final Path graphRoot;
    private final VectorSettings settings;
    private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();
    private int graphDirectories;

    OpenIndex(VectorIndex definition, KeyValueTable table, StorageNode storage, Path graphRoot, VectorSettings settings) {
        this.definition = definition;
        this.table = table;
        this.storage = storage;
        this.graphRoot = graphRoot;
        this.settings = settings;
    }

    public VectorIndex definition() {
        return definition;
    }

    static String tableName(VectorIndex index) {
        return "vector-" + index.id();
    }

    /** Reads every record of the index from the grid into memory (at start, or when the index is created). */
    void load() {
        deleteRecursively(graphRoot);
        table.scanLocal((slot, key, value) -> {
            RecordCodec.Key decoded = RecordCodec.decodeKey(key);
            Namespace namespace = namespaces.computeIfAbsent(decoded.namespace(), this::newNamespace);
            if (decoded.kind() == RecordCodec.VECTOR) {
                RecordCodec.Stored stored = RecordCodec.decode(decoded.id(), value);
                namespace.put(stored.sequence(), stored.record(), metadata(stored.record().metadata()));
            }
        });
        namespaces.computeIfAbsent("", this::newNamespace);
        namespaces.values().forEach(Namespace::refresh);
    }

    private synchronized Namespace newNamespace(String name) {
        Path directory = graphRoot.resolve("ns-" + graphDirectories++);
        return new Namespace(name, definition.type(), definition.metric(), directory, settings.maxConnections(),
                settings.beamWidth(), definition.quantized(), id -> stored(name, id));
    }

    /** A record as the grid has it, or null. */
    private VectorRecord stored(String namespaceName, String id) {
        byte[] value = table.get(RecordCodec.slot(id, StorageNode.SLOTS), RecordCodec.key(RecordCodec.VECTOR, namespaceName, id));
        return value == null ? null : RecordCodec.decode(id, value).record();
    }

    static JsonNode metadata(byte[] json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable metadata", e);
        }
    }

    /** The namespace, or null when it does not exist. */
    public Namespace namespace(String name) {
        return namespaces.get(name);
    }

    /** The namespace, created (in the grid too) when it does not exist yet. */
    private Namespace namespaceForWrite(String name, WriteBatch batch) {
        Namespace namespace = namespaces.get(name);
        if (namespace == null) {
            namespace = namespaces.computeIfAbsent(name, this::newNamespace);
            batch.put(0, RecordCodec.key(RecordCodec.NAMESPACE, name, ""), new byte[0]);
        }
        return namespace;
    }

    /** Names of the namespaces, the default ("") first. */
    public List<String> namespaceNames() {
        List<String> names = new ArrayList<>(namespaces.keySet());
        names.sort(Comparator.naturalOrder());
        return names;
    }

    /** Adds or replaces records, last one winning for an id repeated in the batch; returns once durable. */
    public void upsert(String namespaceName, List<VectorRecord> records) {
        Map<String, VectorRecord> byId = new LinkedHashMap<>();
        for (VectorRecord record : records) {
            byId.remove(record.id());
            byId.put(record.id(), record);
        }
        WriteBatch batch = new WriteBatch();
        Namespace namespace;
        synchronized (this) {
            namespace = namespaceForWrite(namespaceName, batch);
        }
        synchronized (namespace) {
            long[] sequences = new long[byId.size()];
            int i = 0;
            for (VectorRecord record : byId.values()) {
                sequences[i] = namespace.sequenceFor(record.id());
                batch.put(RecordCodec.slot(record.id(), StorageNode.SLOTS), RecordCodec.key(RecordCodec.VECTOR, namespaceName, record.id()),
                        RecordCodec.encode(sequences[i], record));
                i++;
            }
            persist(batch);
            i = 0;
            for (VectorRecord record : byId.values()) {
                namespace.put(sequences[i++], record, metadata(record.metadata()));
            }
        }
    }

    /** Replaces one record by what {@code change} makes of it; false when it does not exist. */
    public boolean update(String namespaceName, String id, UnaryOperator<VectorRecord> change) {
        Namespace namespace = namespaces.get(namespaceName);
        if (namespace == null) {
            return false;
        }
        synchronized (namespace) {
            Namespace.Entry entry = namespace.get(id);
            VectorRecord current = entry == null ? null : stored(namespaceName, id);
            if (current == null) {
                return false;
            }
            VectorRecord changed = change.apply(current);
            WriteBatch batch = new WriteBatch();
            batch.put(RecordCodec.slot(id, StorageNode.SLOTS), RecordCodec.key(RecordCodec.VECTOR, namespaceName, id),
                    RecordCodec.encode(entry.sequence(), changed));
            persist(batch);
            namespace.put(entry.sequence(), changed, metadata(changed.metadata()));
            return true;
        }
    }

    /** Deletes the records of the namespace that {@code doomed} picks; how many. */
    public int delete(String namespaceName, List<String> ids) {
        Namespace namespace = namespaces.get(namespaceName);
        if (namespace == null) {
            return 0;
        }
        synchronized (namespace) {
            List<String> present = ids.stream().distinct().filter(id -> namespace.get(id) != null).toList();
            WriteBatch batch = new WriteBatch();
            for (String id : present) {
                batch.remove(RecordCodec.slot(id, StorageNode.SLOTS), RecordCodec.key(RecordCodec.VECTOR, namespaceName, id));
            }
            if (!batch.isEmpty()) {
                persist(batch);
            }
            present.forEach(namespace::remove);
            return present.size();
        }
    }

    /** Deletes every record of the namespace that matches; how many. */
    public int deleteWhere(String namespaceName, Predicate<Namespace.Entry> doomed) {
        Namespace namespace = namespaces.get(namespaceName);
        if (namespace == null) {
            return 0;
        }
        synchronized (namespace) {
            List<String> ids = namespace.all().stream().filter(doomed).map(entry -> entry.record().id()).toList();
            return delete(namespaceName, ids);
        }
    }

    /** Empties a namespace, which stays (as Upstash's reset does). */
    public void reset(String namespaceName) {
        Namespace namespace = namespaces.get(namespaceName);
        if (namespace != null) {
            deleteWhere(namespaceName, entry -> true);
            synchronized (namespace) {
                namespace.clear();
            }
        }
    }

    /** Deletes a namespace and its records; false when it does not exist. */
    public boolean deleteNamespace(String namespaceName) {
        Namespace namespace = namespaces.get(namespaceName);
        if (namespace == null) {
            return false;
        }
        synchronized (namespace) {
            deleteWhere(namespaceName, entry -> true);
            WriteBatch batch = new WriteBatch();
            batch.remove(0, RecordCodec.key(RecordCodec.NAMESPACE, namespaceName, ""));
            persist(batch);
            namespaces.remove(namespaceName);
            namespace.close();
        }
        return true;
    }

    /**
     * Moves a namespace's records to another name (dropping what was there when {@code replace}): false when
     * the source does not exist.
     */
    public synchronized boolean renameNamespace(String from, String to, boolean replace) throws RequestException {
        Namespace source = namespaces.get(from);
        if (source == null) {
            return false;
        }
        if (namespaces.containsKey(to)) {
            if (!replace) {
                throw new RequestException(400, "Namespace " + to + " already exists in the index " + definition.name()
                        + ": set deleteExisting to replace it");
            }
            deleteNamespace(to);
        }
        WriteBatch batch = new WriteBatch();
        Namespace target = namespaceForWrite(to, batch);
        synchronized (source) {
            List<Namespace.Entry> entries = source.all();
            List<VectorRecord> moved = new ArrayList<>(entries.size());
            for (Namespace.Entry entry : entries) {
                String id = entry.record().id();
                VectorRecord record = stored(from, id);
                moved.add(record);
                batch.put(RecordCodec.slot(id, StorageNode.SLOTS), RecordCodec.key(RecordCodec.VECTOR, to, id),
                        RecordCodec.encode(entry.sequence(), record));
            }
            persist(batch);
            for (int i = 0; i < entries.size(); i++) {
                target.put(entries.get(i).sequence(), moved.get(i), entries.get(i).metadata());
            }
            deleteNamespace(from);
        }
        return true;
    }

    private void persist(WriteBatch batch) {
        table.write(batch).toCompletableFuture().join();
        storage.syncToDisk();
    }

    /** Makes acknowledged writes searchable in every namespace's graph, and compacts graphs that writes left alone. */
    void maintain() {
        for (Namespace namespace : namespaces.values()) {
            namespace.maintain();
        }
    }

    /** Vectors and pending vectors per namespace. */
    public Map<String, long[]> counts() {
        Map<String, long[]> counts = new LinkedHashMap<>();
        for (String name : namespaceNames()) {
            Namespace namespace = namespaces.get(name);
            if (namespace != null) {
                counts.put(name, new long[] {namespace.size(), namespace.pending()});
            }
        }
        return counts;
    }

    /** Bytes the index takes: its records and its graphs' files. */
    public long bytes() {
        long bytes = 0;
        for (Namespace namespace : namespaces.values()) {
            bytes += namespace.bytes();
        }
        return bytes;
    }

    /** Deletes every record of the index from the grid (the index was deleted). */
    void drop() {
        for (String name : namespaceNames()) {
            deleteNamespace(name);
        }
        close();
    }

    @Override
    public void close() {
        namespaces.values().forEach(Namespace::close);
        namespaces.clear();
        deleteRecursively(graphRoot);
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + root, e);
        }
    }
}
