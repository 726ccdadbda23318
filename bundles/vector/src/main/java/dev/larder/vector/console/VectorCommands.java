package dev.larder.vector.console;

import dev.larder.http.HttpServer;
import dev.larder.vector.IndexType;
import dev.larder.vector.Metric;
import dev.larder.vector.VectorIndex;
import dev.larder.vector.VectorIndexException;
import dev.larder.vector.VectorIndexes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The console's vector index commands. Gogo finds methods by name and names cannot hold a '-', so every
 * function lands in {@code _main} (Gogo's catch-all) with its name first.
 */
@Component(service = VectorCommands.class, property = {
        "osgi.command.scope=larder",
        "osgi.command.function=vector-create",
        "osgi.command.function=vector-list",
        "osgi.command.function=vector-show",
        "osgi.command.function=vector-delete"})
public class VectorCommands {

    private static final String USAGE = """
            larder:vector-create NAME --dimension N --metric COSINE|EUCLIDEAN|DOT_PRODUCT [--type DENSE|SPARSE|HYBRID]
                                 [--database DB] [--model BGE_SMALL_EN_V1_5] [--sparse-model BM25] [--quantized]
                                                  create an index (of the default database unless --database); with
                                                  a model, upsert-data and query-data take text and --dimension may go
            larder:vector-list                    the indexes
            larder:vector-show NAME               an index: its URL, tokens and counts
            larder:vector-delete NAME             delete an index and all its vectors""";
    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    @Reference
    private VectorIndexes indexes;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
    private volatile HttpServer http;

    public String _main(String function, String[] args) {
        try {
            return switch (function) {
                case "vector-create" -> create(args);
                case "vector-list" -> list(args);
                case "vector-show" -> show(args);
                case "vector-delete" -> delete(args);
                default -> USAGE;
            };
        } catch (VectorIndexException | IllegalArgumentException e) {
            return "Error: " + e.getMessage() + System.lineSeparator() + "Usage:" + System.lineSeparator() + USAGE;
        }
    }

    private String create(String[] args) throws VectorIndexException {
        if (args.length < 1 || args[0].startsWith("--")) {
            throw new IllegalArgumentException("name the index");
        }
        String name = args[0];
        Integer dimension = null;
        Metric metric = null;
        IndexType type = IndexType.DENSE;
        String database = "default";
        String model = null;
        String sparseModel = null;
        boolean quantized = false;
        for (int i = 1; i < args.length; i++) {
            String option = args[i].toLowerCase(Locale.ROOT);
            if (option.equals("--quantized")) {
                quantized = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--dimension" -> {
                    try {
                        dimension = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--dimension must be a whole number, got '" + value + "'");
                    }
                }
                case "--metric" -> metric = choice(Metric.class, "--metric", value);
                case "--type" -> type = choice(IndexType.class, "--type", value);
                case "--database" -> database = value;
                case "--model" -> model = value; // the service reads Upstash's spellings of a model's name
                case "--sparse-model" -> sparseModel = value;
                default -> throw new IllegalArgumentException("unknown option " + args[i - 1]);
            }
        }
        if (type.hasDense() && dimension == null && model == null) {
            throw new IllegalArgumentException("a " + type.name().toLowerCase(Locale.ROOT) + " index needs --dimension (or a --model, whose dimension it takes)");
        }
        if (metric == null) {
            if (type.hasDense()) {
                throw new IllegalArgumentException("a " + type.name().toLowerCase(Locale.ROOT) + " index needs --metric");
            }
            metric = Metric.DOT_PRODUCT; // a sparse index scores by inner product
        }
        VectorIndex created = indexes.create(new VectorIndexes.Definition(name, database, type,
                type.hasDense() && dimension != null ? dimension : 0, metric, model, sparseModel, quantized));
        return describe(created) + System.lineSeparator() + example(created);
    }

    private static <E extends Enum<E>> E choice(Class<E> type, String option, String value) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> names = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                names.add(constant.name());
            }
            throw new IllegalArgumentException(option + " must be one of " + String.join(", ", names) + ", got '" + value + "'");
        }
    }

    private String list(String[] args) throws VectorIndexException {
        if (args.length != 0) {
            throw new IllegalArgumentException("vector-list takes no arguments");
        }
        List<VectorIndex> all = indexes.list();
        if (all.isEmpty()) {
            return "No vector indexes. Create one with larder:vector-create NAME --dimension N --metric COSINE";
        }
        StringBuilder out = new StringBuilder(String.format("%-24s %-12s %-7s %-11s %9s %10s %s%n", "NAME", "DATABASE", "TYPE", "METRIC",
                "DIMENSION", "VECTORS", "CREATED"));
        for (VectorIndex index : all) {
            VectorIndexes.IndexCounts counts = indexes.counts(index.name());
            out.append(String.format("%-24s %-12s %-7s %-11s %9s %10d %s%n", index.name(), index.database(), index.type(), index.metric(),
                    index.type().hasDense() ? Integer.toString(index.dimension()) : "-", counts.vectors(),
                    CREATED.format(Instant.ofEpochMilli(index.createdAtMillis()))));
        }
        return out.toString().stripTrailing();
    }

    private String show(String[] args) throws VectorIndexException {
        if (args.length != 1) {
            throw new IllegalArgumentException("vector-show takes the index's name");
        }
        VectorIndex index = indexes.find(args[0]).orElseThrow(() -> new VectorIndexException("No index named '" + args[0] + "'"));
        VectorIndexes.IndexCounts counts = indexes.counts(index.name());
        StringBuilder out = new StringBuilder(describe(index)).append(System.lineSeparator());
        out.append(String.format("Vectors:         %d (%d not yet searchable), %d bytes with their search graphs%n", counts.vectors(), counts.pending(),
                counts.indexBytes()));
        for (Map.Entry<String, long[]> namespace : counts.namespaces().entrySet()) {
            out.append(String.format("  namespace %-20s %d%n", namespace.getKey().isEmpty() ? "\"\" (default)" : namespace.getKey(),
                    namespace.getValue()[0]));
        }
        return out.append(example(index)).toString();
    }

    private String delete(String[] args) throws VectorIndexException {
        if (args.length != 1) {
            throw new IllegalArgumentException("vector-delete takes the index's name");
        }
        VectorIndex deleted = indexes.delete(args[0]);
        return "Deleted index '" + deleted.name() + "' and its vectors";
    }

    private String url(VectorIndex index) {
        HttpServer server = http;
        return (server == null ? "http://<host>:<port>" : server.baseUrl()) + "/vector/" + index.name();
    }

    private String describe(VectorIndex index) {
        String n = System.lineSeparator();
        return "Index:           " + index.name() + n
                + "Database:        " + index.database() + n
                + "Type:            " + index.type() + (index.type().hasDense() ? ", " + index.dimension() + " dimensions, " + index.metric() : "")
                + (index.quantized() ? ", scalar-quantized graph" : "") + n
                + (index.denseModel() != null ? "Model:           " + index.denseModel() + n : "")
                + (index.sparseModel() != null ? "Sparse model:    " + index.sparseModel() + n : "")
                + "URL:             " + url(index) + n
                + "Token:           " + index.fullToken() + n
                + "Read-only token: " + index.readOnlyToken();
    }

    private String example(VectorIndex index) {
        return "Connect: new Index({ url: \"" + url(index) + "\", token: \"" + index.fullToken() + "\" })  (@upstash/vector)";
    }
}
