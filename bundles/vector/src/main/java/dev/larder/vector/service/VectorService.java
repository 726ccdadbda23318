package dev.larder.vector.service;

import dev.larder.databases.Database;
import dev.larder.databases.DatabaseListener;
import dev.larder.databases.Databases;
import dev.larder.embedding.TextEmbedder;
import dev.larder.settings.InvalidSettingException;
import dev.larder.settings.SettingsCheck;
import dev.larder.storage.StorageNode;
import dev.larder.vector.IndexType;
import dev.larder.vector.VectorIndex;
import dev.larder.vector.VectorIndexException;
import dev.larder.vector.VectorIndexes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.ComponentException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vector indexes of this node: their registry, each index's records loaded from the grid at start, the
 * search graphs kept searchable, and the threads vector requests run on.
 */
@Component(configurationPid = VectorSettings.PID, immediate = true, service = {VectorIndexes.class, VectorService.class, DatabaseListener.class})
@Designate(ocd = VectorSettings.class)
public class VectorService implements VectorIndexes, DatabaseListener {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.vector");
    /** The sparse model an index may name; dense models are the {@link TextEmbedder} services present. */
    static final Set<String> SPARSE_MODELS = Set.of(dev.larder.vector.embedding.Bm25.NAME);

    private final StorageNode storage;
    private final Databases databases;
    private final VectorSettings settings;
    private final IndexRegistry registry;
    private final Path graphs;
    private final Map<String, OpenIndex> open = new ConcurrentHashMap<>();
    private final Map<String, TextEmbedder> embedders = new ConcurrentHashMap<>();
    private final ExecutorService workers;
    private final ScheduledExecutorService refresher;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addEmbedder(TextEmbedder embedder) {
        embedders.put(embedder.model(), embedder);
    }

    void removeEmbedder(TextEmbedder embedder) {
        embedders.remove(embedder.model(), embedder);
    }

    /** The dense model an index names, if this server has it. */
    public Optional<TextEmbedder> embedder(String model) {
        return model == null ? Optional.empty() : Optional.ofNullable(embedders.get(model));
    }

    /** A model's name as Upstash's API spells it: {@code BAAI/bge-small-en-v1.5} and {@code bge-small-en-v1.5} are BGE_SMALL_EN_V1_5. */
    static String modelName(String given) {
        if (given == null) {
            return null;
        }
        String name = given.trim().toUpperCase(java.util.Locale.ROOT);
        if (name.startsWith("BAAI/")) {
            name = name.substring(5);
        }
        return name.replace('-', '_').replace('.', '_');
    }

    @Activate
    public VectorService(@Reference StorageNode storage, @Reference Databases databases, VectorSettings settings, Map<String, Object> properties) {
        try {
            SettingsCheck.check(VectorSettings.PID, VectorSettings.class, properties);
        } catch (InvalidSettingException e) {
            LOG.error("Vector not available: {}", e.getMessage());
            throw new ComponentException(e.getMessage());
        }
        this.storage = storage;
        this.databases = databases;
        this.settings = settings;
        logVectorization();
        registry = new IndexRegistry(storage.table(IndexRegistry.TABLE));
        graphs = graphDirectory(storage, settings);
        int threads = settings.threads() > 0 ? settings.threads() : Runtime.getRuntime().availableProcessors();
        workers = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("larder-vector-", 1).daemon().factory());
        long started = System.nanoTime();
        long vectors = 0;
        for (VectorIndex index : registry.list()) {
            OpenIndex opened = open(index);
            vectors += opened.counts().values().stream().mapToLong(c -> c[0]).sum();
        }
        LOG.info("Vector loaded {} index(es), {} vectors in {} ms", open.size(), vectors, (System.nanoTime() - started) / 1_000_000);
        refresher = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("larder-vector-refresh").daemon().factory());
        refresher.scheduleWithFixedDelay(this::maintain, settings.refreshMillis(), settings.refreshMillis(), TimeUnit.MILLISECONDS);
    }

    /** Says whether Lucene compares vectors with the JDK's Vector API (SIMD) or with scalar Java loops. */
    private static void logVectorization() {
        String implementation = luceneVectorImplementation();
        if (implementation.startsWith("Panama")) {
            LOG.info("Vector search uses the Java Vector API (Lucene {}, {}, Java {})", org.apache.lucene.util.Version.LATEST, implementation,
                    Runtime.version().feature());
        } else {
            boolean incubator = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
            LOG.warn("Vector search does not use the Java Vector API (Lucene {}, {}, Java {}{}): it runs several times slower",
                    org.apache.lucene.util.Version.LATEST, implementation, Runtime.version().feature(),
                    incubator ? "" : "; start the JVM with --add-modules jdk.incubator.vector");
        }
    }

    /**
     * The class Lucene's VectorUtil delegates to: PanamaVectorUtilSupport with the Vector API, else
     * DefaultVectorUtilSupport. Lucene only says so in its own log line and refuses outside callers of its
     * provider, so the field is read.
     */
    private static String luceneVectorImplementation() {
        try {
            java.lang.reflect.Field field = org.apache.lucene.util.VectorUtil.class.getDeclaredField("IMPL");
            field.setAccessible(true);
            return field.get(null).getClass().getSimpleName();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "unknown implementation (" + e + ")";
        }
    }

    private static Path graphDirectory(StorageNode storage, VectorSettings settings) {
        try {
            if (!settings.graphDirectory().isBlank()) {
                return Files.createDirectories(Path.of(settings.graphDirectory()));
            }
            if (storage.dataDirectory() != null) {
                return Files.createDirectories(storage.dataDirectory().resolve("vector-graphs"));
            }
            return Files.createTempDirectory("larder-vector-graphs");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the vector graph directory", e);
        }
    }

    private OpenIndex open(VectorIndex index) {
        OpenIndex opened = new OpenIndex(index, storage.table(OpenIndex.tableName(index)), storage,
                graphs.resolve("index-" + index.id()), settings);
        opened.load();
        open.put(index.name(), opened);
        return opened;
    }

    private void maintain() {
        try {
            open.values().forEach(OpenIndex::maintain);
        } catch (RuntimeException e) {
            LOG.warn("Vector graph upkeep (making writes searchable, merging segments) failed", e);
        }
    }

    public VectorSettings settings() {
        return settings;
    }

    public ExecutorService workers() {
        return workers;
    }

    /** The open index of a token's access (null if it was deleted meanwhile). */
    public OpenIndex opened(VectorIndex index) {
        return open.get(index.name());
    }

    @Override
    public VectorIndex create(Definition given) throws VectorIndexException {
        Definition definition = withModels(given);
        if (databases.find(definition.database()).isEmpty()) {
            throw new VectorIndexException("No database named '" + definition.database() + "'");
        }
        if (definition.type() == null || definition.metric() == null) {
            throw new VectorIndexException("An index needs a type and a metric");
        }
        if (definition.type().hasDense()) {
            if (definition.dimension() < 1 || definition.dimension() > settings.maxDimension()) {
                throw new VectorIndexException("The dimension must be between 1 and " + settings.maxDimension() + ", got " + definition.dimension());
            }
        } else if (definition.dimension() != 0) {
            throw new VectorIndexException("A sparse index has no dimension");
        }
        checkModels(definition);
        VectorIndex created = registry.create(definition);
        open(created);
        LOG.info("Vector index '{}' created for database '{}' ({} {}{}{})", created.name(), created.database(), created.type(),
                created.metric(), created.type().hasDense() ? ", " + created.dimension() + " dimensions" : "",
                created.embedsText() ? ", text embedded by " + java.util.stream.Stream.of(created.denseModel(), created.sparseModel())
                        .filter(java.util.Objects::nonNull).collect(java.util.stream.Collectors.joining(" and ")) : "");
        return created;
    }

    /** The definition with its model names spelled as the API spells them, and a dense model's dimension. */
    private Definition withModels(Definition definition) throws VectorIndexException {
        String dense = modelName(definition.denseModel());
        String sparse = modelName(definition.sparseModel());
        int dimension = definition.dimension();
        if (dense != null && definition.type() != null && definition.type().hasDense()) {
            TextEmbedder embedder = embedders.get(dense);
            if (embedder == null) {
                throw new VectorIndexException("Unknown or unavailable dense embedding model '" + definition.denseModel() + "'"
                        + (embedders.isEmpty() ? ": none is available on this server" : ": use one of " + new java.util.TreeSet<>(embedders.keySet())));
            }
            if (dimension == 0) {
                dimension = embedder.dimension();
            } else if (dimension != embedder.dimension()) {
                throw new VectorIndexException("The model " + dense + " makes vectors of " + embedder.dimension()
                        + " dimensions: the index's dimension must be " + embedder.dimension() + ", got " + dimension);
            }
        }
        return new Definition(definition.name(), definition.database(), definition.type(), dimension, definition.metric(), dense, sparse,
                definition.quantized());
    }

    private static void checkModels(Definition definition) throws VectorIndexException {
        if (definition.sparseModel() != null && !SPARSE_MODELS.contains(definition.sparseModel())) {
            throw new VectorIndexException("Unknown sparse embedding model '" + definition.sparseModel() + "': use one of " + SPARSE_MODELS);
        }
        IndexType type = definition.type();
        if (definition.denseModel() != null && !type.hasDense()) {
            throw new VectorIndexException("A sparse index has no dense model: name a sparse model (--sparse-model BM25)");
        }
        if (definition.sparseModel() != null && !type.hasSparse()) {
            throw new VectorIndexException("A dense index has no sparse model: name a dense model (--model)");
        }
        if (type == IndexType.HYBRID && (definition.denseModel() == null) != (definition.sparseModel() == null)) {
            throw new VectorIndexException("A hybrid index embeds text with a dense and a sparse model together: name both"
                    + " (--model and --sparse-model) or neither");
        }
    }

    @Override
    public List<VectorIndex> list() {
        return registry.list();
    }

    @Override
    public Optional<VectorIndex> find(String name) {
        return registry.find(name);
    }

    @Override
    public Optional<Access> authenticate(String token) {
        return token == null || token.isEmpty() ? Optional.empty() : registry.authenticate(token);
    }

    @Override
    public VectorIndex delete(String name) throws VectorIndexException {
        VectorIndex deleted = registry.delete(name);
        OpenIndex opened = open.remove(name);
        if (opened != null) {
            opened.drop();
        }
        LOG.info("Vector index '{}' deleted", name);
        return deleted;
    }

    @Override
    public IndexCounts counts(String name) throws VectorIndexException {
        OpenIndex opened = open.get(name);
        if (opened == null) {
            throw new VectorIndexException("No index named '" + name + "'");
        }
        return new IndexCounts(opened.counts(), opened.bytes());
    }

    /** A deleted database takes its indexes with it. */
    @Override
    public void deleted(Database database) {
        for (VectorIndex index : registry.list()) {
            if (index.database().equals(database.name())) {
                try {
                    delete(index.name());
                } catch (VectorIndexException gone) {
                    // deleted meanwhile
                }
            }
        }
    }

    @Deactivate
    void deactivate() {
        refresher.shutdownNow();
        workers.shutdownNow();
        open.values().forEach(OpenIndex::close);
        open.clear();
    }
}
