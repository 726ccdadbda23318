package dev.larder.vector.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.larder.embedding.EmbeddingException;
import dev.larder.embedding.TextEmbedder;
import dev.larder.vector.IndexType;
import dev.larder.vector.VectorIndex;
import dev.larder.vector.embedding.Bm25;
import dev.larder.vector.filter.FilterException;
import dev.larder.vector.filter.MetadataFilter;
import dev.larder.vector.index.Fusion;
import dev.larder.vector.index.Namespace;
import dev.larder.vector.service.OpenIndex;
import dev.larder.vector.service.RequestException;
import dev.larder.vector.store.VectorRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntPredicate;

/**
 * Upstash Vector's endpoints over an open index: each takes the request's JSON and answers the {@code result}
 * Upstash answers, or refuses with Upstash's error and status having changed nothing.
 */
final class VectorEndpoints {

    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final String EMBEDDING_NOT_ALLOWED = "Embedding data for this index is not allowed. The index must be created with an embedding model to use it.";
    private static final int MAX_METADATA_BYTES = 48 * 1024;
    private static final int MAX_DATA_BYTES = 1024 * 1024;
    private static final int MAX_SPARSE_NON_ZEROS = 1000;
    private static final int PREFIX_FETCH_LIMIT = 1000;

    private final int maxBatch;
    private final int maxTopK;
    private final ResumableQueries resumable;
    private final Bm25 bm25 = new Bm25();
    private final Function<String, Optional<TextEmbedder>> embedders;

    VectorEndpoints(int maxBatch, int maxTopK, ResumableQueries resumable, Function<String, Optional<TextEmbedder>> embedders) {
        this.maxBatch = maxBatch;
        this.maxTopK = maxTopK;
        this.resumable = resumable;
        this.embedders = embedders;
    }

    // ---- writes

    JsonNode upsert(OpenIndex index, String namespace, JsonNode body, boolean withText) throws RequestException {
        List<JsonNode> items = items(body, "upsert");
        List<VectorRecord> records = new ArrayList<>(items.size());
        if (withText) {
            records.addAll(textRecords(index.definition(), items));
        } else {
            for (JsonNode item : items) {
                records.add(vectorRecord(index.definition(), Fields.object(item, "A vector")));
            }
        }
        index.upsert(namespace, records);
        return TextNode.valueOf("Success");
    }

    private List<JsonNode> items(JsonNode body, String what) throws RequestException {
        List<JsonNode> items = new ArrayList<>();
        if (body.isArray()) {
            body.forEach(items::add);
        } else if (body.isObject()) {
            items.add(body);
        } else {
            throw Fields.invalid("The " + what + " body must be a JSON object or an array of them");
        }
        if (items.isEmpty()) {
            throw Fields.invalid("The " + what + " body holds no vectors");
        }
        if (items.size() > maxBatch) {
            throw Fields.invalid("At most " + maxBatch + " vectors per " + what + ", got " + items.size());
        }
        return items;
    }

    /**
     * The records of upsert-data: every item checked first, then the texts embedded by the index's models (the dense
     * model in one batch), each kept as its record's data.
     */
    private List<VectorRecord> textRecords(VectorIndex definition, List<JsonNode> items) throws RequestException {
        if (!definition.embedsText()) {
            throw new RequestException(422, EMBEDDING_NOT_ALLOWED);
        }
        List<String> ids = new ArrayList<>(items.size());
        List<String> texts = new ArrayList<>(items.size());
        List<byte[]> metadata = new ArrayList<>(items.size());
        for (JsonNode item : items) {
            Fields.object(item, "A text to embed");
            String id = Fields.id(item.get("id"), "id");
            String data = data(item);
            if (data == null) {
                throw Fields.invalid("Vector " + id + " has no 'data' to embed");
            }
            ids.add(id);
            texts.add(data);
            metadata.add(metadata(item.get("metadata")));
        }
        float[][] dense = definition.denseModel() == null ? null
                : embedDense(definition, texts, "for upsert-data into index '" + definition.name() + "'");
        List<VectorRecord> records = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Bm25.Sparse sparse = definition.sparseModel() == null ? null : bm25.document(texts.get(i));
            records.add(new VectorRecord(ids.get(i), dense == null ? null : dense[i], sparse == null ? null : sparse.indices(),
                    sparse == null ? null : sparse.values(), metadata.get(i), texts.get(i)));
        }
        return records;
    }

    private float[][] embedDense(VectorIndex definition, List<String> texts, String task) throws RequestException {
        TextEmbedder embedder = embedders.apply(definition.denseModel()).orElseThrow(() -> new RequestException(503,
                "The embedding model " + definition.denseModel() + " is not available on this server"));
        try {
            return embedder.embed(texts, task);
        } catch (EmbeddingException e) {
            throw new RequestException(500, e.getMessage());
        }
    }

    /** A text query's parts: its text embedded as the index's models embed queries, those {@code queryMode} asks for. */
    private record TextParts(float[] dense, Fields.Sparse sparse) {
    }

    private TextParts textQuery(VectorIndex definition, JsonNode body) throws RequestException {
        if (!definition.embedsText()) {
            throw new RequestException(422, EMBEDDING_NOT_ALLOWED);
        }
        String data = Fields.text(body, "data");
        if (data == null) {
            throw Fields.invalid("A text query needs 'data'");
        }
        String mode = Fields.text(body, "queryMode");
        boolean dense = definition.denseModel() != null;
        boolean sparse = definition.sparseModel() != null;
        if (mode != null) {
            switch (mode.toUpperCase(java.util.Locale.ROOT)) {
                case "HYBRID" -> { }
                case "DENSE" -> sparse = !dense;
                case "SPARSE" -> dense = !sparse;
                default -> throw Fields.invalid("'queryMode' must be HYBRID, DENSE or SPARSE, got '" + mode + "'");
            }
        }
        float[] vector = dense ? embedDense(definition, List.of(data), "for a query of index '" + definition.name() + "'")[0] : null;
        Bm25.Sparse terms = sparse ? bm25.query(data) : null;
        return new TextParts(vector, terms == null ? null : new Fields.Sparse(terms.indices(), terms.values()));
    }

    private VectorRecord vectorRecord(VectorIndex definition, JsonNode item) throws RequestException {
        String id = Fields.id(item.get("id"), "id");
        float[] dense = Fields.vector(item.get("vector"), "vector");
        Fields.Sparse sparse = Fields.sparse(item.get("sparseVector"), "sparseVector", MAX_SPARSE_NON_ZEROS);
        checkParts(definition, dense, sparse, id);
        return new VectorRecord(id, dense, sparse == null ? null : sparse.indices(), sparse == null ? null : sparse.values(),
                metadata(item.get("metadata")), data(item));
    }

    private static void checkParts(VectorIndex definition, float[] dense, Fields.Sparse sparse, String id) throws RequestException {
        IndexType type = definition.type();
        if (dense != null && !type.hasDense()) {
            throw Fields.invalid("This index is sparse: vector " + id + " must have a 'sparseVector', not a dense 'vector'");
        }
        if (sparse != null && !type.hasSparse()) {
            throw Fields.invalid("This index is dense: vector " + id + " must have a 'vector', not a 'sparseVector'");
        }
        if (type.hasDense() && dense == null) {
            throw Fields.invalid(type == IndexType.HYBRID ? "This index is hybrid: vector " + id + " needs both a 'vector' and a 'sparseVector'"
                    : "Vector " + id + " has no 'vector'");
        }
        if (type.hasSparse() && sparse == null) {
            throw Fields.invalid(type == IndexType.HYBRID ? "This index is hybrid: vector " + id + " needs both a 'vector' and a 'sparseVector'"
                    : "Vector " + id + " has no 'sparseVector'");
        }
        if (dense != null) {
            checkDimension(definition, dense);
        }
    }

    private static void checkDimension(VectorIndex definition, float[] dense) throws RequestException {
        if (dense.length != definition.dimension()) {
            throw new RequestException(422, "Invalid vector dimension: " + dense.length + ", expected: " + definition.dimension());
        }
    }

    private static byte[] metadata(JsonNode node) throws RequestException {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw Fields.invalid("'metadata' must be a JSON object");
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw Fields.invalid("'metadata' cannot be stored: " + e.getMessage());
        }
        if (json.length > MAX_METADATA_BYTES) {
            throw Fields.invalid("'metadata' may take at most " + MAX_METADATA_BYTES + " bytes as JSON, got " + json.length);
        }
        return json;
    }

    private static String data(JsonNode item) throws RequestException {
        String data = Fields.text(item, "data");
        if (data != null && data.length() > MAX_DATA_BYTES / 4 && data.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_DATA_BYTES) {
            throw Fields.invalid("'data' may take at most " + MAX_DATA_BYTES + " bytes");
        }
        return data;
    }

    JsonNode update(OpenIndex index, String namespace, JsonNode body) throws RequestException {
        Fields.object(body, "The update body");
        VectorIndex definition = index.definition();
        String id = Fields.id(body.get("id"), "id");
        float[] dense = Fields.vector(body.get("vector"), "vector");
        Fields.Sparse sparse = Fields.sparse(body.get("sparseVector"), "sparseVector", MAX_SPARSE_NON_ZEROS);
        if (dense != null && !definition.type().hasDense()) {
            throw Fields.invalid("This index is sparse: it has no dense 'vector' to update");
        }
        if (sparse != null && !definition.type().hasSparse()) {
            throw Fields.invalid("This index is dense: it has no 'sparseVector' to update");
        }
        if (definition.type() == IndexType.HYBRID && (dense == null) != (sparse == null)) {
            throw Fields.invalid("This index is hybrid: update both the 'vector' and the 'sparseVector', or neither");
        }
        if (dense != null) {
            checkDimension(definition, dense);
        }
        boolean hasMetadata = body.has("metadata");
        byte[] metadata = hasMetadata ? metadata(body.get("metadata")) : null;
        String mode = Fields.text(body, "metadataUpdateMode");
        boolean patch;
        if (mode == null || mode.equalsIgnoreCase("OVERWRITE")) {
            patch = false;
        } else if (mode.equalsIgnoreCase("PATCH")) {
            patch = true;
        } else {
            throw Fields.invalid("'metadataUpdateMode' must be OVERWRITE or PATCH, got '" + mode + "'");
        }
        boolean hasData = body.has("data");
        String data = data(body);
        // the text is the vector's source: with a model, the vector follows it
        float[] embeddedDense = hasData && data != null && definition.denseModel() != null
                ? embedDense(definition, List.of(data), "for an update of index '" + definition.name() + "'")[0] : null;
        Bm25.Sparse embeddedSparse = hasData && data != null && definition.sparseModel() != null ? bm25.document(data) : null;
        JsonNode patchNode = body.get("metadata");
        boolean updated = index.update(namespace, id, record -> {
            VectorRecord changed = record;
            if (dense != null) {
                changed = changed.withDense(dense);
            }
            if (sparse != null) {
                changed = changed.withSparse(sparse.indices(), sparse.values());
            }
            if (hasMetadata) {
                changed = changed.withMetadata(patch ? mergePatch(record.metadata(), patchNode) : metadata);
            }
            if (hasData) {
                changed = changed.withData(data);
                if (embeddedDense != null) {
                    changed = changed.withDense(embeddedDense);
                }
                if (embeddedSparse != null) {
                    changed = changed.withSparse(embeddedSparse.indices(), embeddedSparse.values());
                }
            }
            return changed;
        });
        ObjectNode result = NODES.objectNode();
        result.put("updated", updated ? 1 : 0);
        return result;
    }

    /** RFC 7396: keys of the patch replace the target's, null deletes, objects merge. */
    private static byte[] mergePatch(byte[] current, JsonNode patch) {
        try {
            JsonNode target = current == null ? NODES.objectNode() : JSON.readTree(current);
            JsonNode merged = merge(target, patch);
            return merged == null || merged.isNull() || merged.isObject() && merged.isEmpty() ? null : JSON.writeValueAsBytes(merged);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode merge(JsonNode target, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            return patch;
        }
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> fields = patch.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getValue().isNull()) {
                result.remove(field.getKey());
            } else {
                result.set(field.getKey(), merge(result.get(field.getKey()), field.getValue()));
            }
        }
        return result;
    }

    JsonNode delete(OpenIndex index, String namespace, JsonNode body) throws RequestException {
        List<String> ids = new ArrayList<>();
        String prefix = null;
        String filterText = null;
        int criteria = 0;
        if (body.isArray() || body.isTextual() || body.isNumber()) {
            collectIds(body, ids);
            criteria = 1;
        } else if (body.isObject()) {
            if (body.hasNonNull("ids")) {
                collectIds(body.get("ids"), ids);
                criteria++;
            }
            if (body.hasNonNull("prefix")) {
                prefix = Fields.text(body, "prefix");
                criteria++;
            }
            if (body.hasNonNull("filter")) {
                filterText = Fields.text(body, "filter");
                criteria++;
            }
        }
        if (criteria != 1) {
            throw Fields.invalid("Only and only one of the ids, prefix, or filter must be provided.");
        }
        int deleted;
        if (prefix != null) {
            String start = prefix;
            deleted = index.deleteWhere(namespace, entry -> entry.record().id().startsWith(start));
        } else if (filterText != null) {
            MetadataFilter filter = filter(filterText);
            deleted = index.deleteWhere(namespace, entry -> filter.matches(entry.metadata()));
        } else {
            deleted = index.delete(namespace, ids);
        }
        ObjectNode result = NODES.objectNode();
        result.put("deleted", deleted);
        return result;
    }

    private static void collectIds(JsonNode node, List<String> ids) throws RequestException {
        if (node.isArray()) {
            for (JsonNode id : node) {
                ids.add(Fields.id(id, "ids"));
            }
        } else {
            ids.add(Fields.id(node, "ids"));
        }
    }

    static MetadataFilter filter(String text) throws RequestException {
        try {
            return MetadataFilter.parse(text);
        } catch (FilterException e) {
            throw Fields.invalid(e.getMessage());
        }
    }

    // ---- reads

    /** What an answer includes of a vector. */
    record Include(boolean metadata, boolean vectors, boolean data) {
        static Include of(JsonNode body) throws RequestException {
            return new Include(Fields.flag(body, "includeMetadata"), Fields.flag(body, "includeVectors"), Fields.flag(body, "includeData"));
        }
    }

    static ObjectNode vectorJson(Namespace ns, Namespace.Entry entry, Include include, Float score) {
        ObjectNode json = NODES.objectNode();
        VectorRecord record = entry.record();
        json.put("id", record.id());
        if (score != null) {
            json.put("score", score.floatValue());
        }
        if (include.vectors()) {
            float[] dense = ns.dense(entry);
            if (dense != null) {
                ArrayNode vector = json.putArray("vector");
                for (float value : dense) {
                    vector.add(value);
                }
            }
            if (record.hasSparse()) {
                ObjectNode sparse = json.putObject("sparseVector");
                ArrayNode indices = sparse.putArray("indices");
                for (int index : record.sparseIndices()) {
                    indices.add(index);
                }
                ArrayNode values = sparse.putArray("values");
                for (float value : record.sparseValues()) {
                    values.add(value);
                }
            }
        }
        if (include.metadata() && entry.metadata() != null) {
            json.set("metadata", entry.metadata());
        }
        if (include.data() && record.data() != null) {
            json.put("data", record.data());
        }
        return json;
    }

    JsonNode fetch(OpenIndex index, String namespace, JsonNode body) throws RequestException {
        Fields.object(body, "The fetch body");
        Include include = Include.of(body);
        boolean hasIds = body.hasNonNull("ids");
        boolean hasPrefix = body.hasNonNull("prefix");
        if (hasIds && hasPrefix) {
            throw Fields.invalid("Only one of ids or prefix must be provided.");
        }
        if (!hasIds && !hasPrefix) {
            throw Fields.invalid("One of ids or prefix must be provided.");
        }
        Namespace ns = index.namespace(namespace);
        ArrayNode result = NODES.arrayNode();
        if (hasPrefix) {
            String prefix = Fields.text(body, "prefix");
            if (ns != null) {
                for (Namespace.Entry entry : ns.withPrefix(prefix, PREFIX_FETCH_LIMIT)) {
                    result.add(vectorJson(ns, entry, include, null));
                }
            }
            return result;
        }
        List<String> ids = new ArrayList<>();
        collectIds(body.get("ids"), ids);
        if (ids.size() > maxBatch) {
            throw Fields.invalid("At most " + maxBatch + " ids per fetch, got " + ids.size());
        }
        for (String id : ids) {
            Namespace.Entry entry = ns == null ? null : ns.get(id);
            result.add(entry == null ? NODES.nullNode() : vectorJson(ns, entry, include, null));
        }
        return result;
    }

    JsonNode range(OpenIndex index, String namespace, JsonNode body) throws RequestException {
        Fields.object(body, "The range body");
        Include include = Include.of(body);
        if (!body.hasNonNull("limit")) {
            throw Fields.invalid("'limit' is required");
        }
        int limit = Fields.integer(body, "limit", 0, 1, maxBatch);
        String prefix = Fields.text(body, "prefix");
        JsonNode cursorNode = body.get("cursor");
        long cursor = 0;
        if (cursorNode != null && !cursorNode.isNull()) {
            String text = cursorNode.asText().trim();
            if (!text.isEmpty()) {
                try {
                    cursor = Long.parseLong(text);
                } catch (NumberFormatException e) {
                    throw Fields.invalid("Invalid cursor '" + text + "': use the nextCursor of the previous page, or 0 to start");
                }
                if (cursor < 0) {
                    throw Fields.invalid("Invalid cursor '" + text + "': use the nextCursor of the previous page, or 0 to start");
                }
            }
        }
        Namespace ns = index.namespace(namespace);
        ObjectNode result = NODES.objectNode();
        ArrayNode vectors = NODES.arrayNode();
        String next = "";
        if (ns != null) {
            List<Namespace.Entry> page = ns.range(cursor, limit, prefix);
            for (Namespace.Entry entry : page) {
                vectors.add(vectorJson(ns, entry, include, null));
            }
            if (!page.isEmpty()) {
                long following = ns.following(page.get(page.size() - 1), prefix);
                next = following < 0 ? "" : Long.toString(following);
            }
        }
        result.put("nextCursor", next);
        result.set("vectors", vectors);
        return result;
    }

    JsonNode random(OpenIndex index, String namespace) {
        Namespace ns = index.namespace(namespace);
        if (ns == null || ns.size() == 0) {
            return NODES.nullNode();
        }
        Namespace.Entry picked = ns.random();
        return picked == null ? NODES.nullNode() : vectorJson(ns, picked, new Include(true, true, true), null);
    }

    JsonNode info(OpenIndex index) {
        VectorIndex definition = index.definition();
        Map<String, long[]> counts = index.counts();
        long vectors = 0;
        long pending = 0;
        ObjectNode namespaces = NODES.objectNode();
        for (Map.Entry<String, long[]> count : counts.entrySet()) {
            vectors += count.getValue()[0];
            pending += count.getValue()[1];
            ObjectNode one = namespaces.putObject(count.getKey());
            one.put("vectorCount", count.getValue()[0]);
            one.put("pendingVectorCount", count.getValue()[1]);
        }
        ObjectNode info = NODES.objectNode();
        info.put("vectorCount", vectors);
        info.put("pendingVectorCount", pending);
        info.put("indexSize", index.bytes());
        info.put("dimension", definition.dimension());
        info.put("similarityFunction", definition.metric().name());
        info.put("indexType", definition.type().name());
        if (definition.type().hasDense()) {
            ObjectNode dense = info.putObject("denseIndex");
            dense.put("dimension", definition.dimension());
            dense.put("similarityFunction", definition.metric().name());
            if (definition.denseModel() != null) {
                dense.put("embeddingModel", definition.denseModel());
            }
        }
        if (definition.type().hasSparse()) {
            ObjectNode sparse = info.putObject("sparseIndex");
            if (definition.sparseModel() != null) {
                sparse.put("embeddingModel", definition.sparseModel());
            }
        }
        info.set("namespaces", namespaces);
        return info;
    }

    // ---- queries

    /** One query as parsed: what it searches with and how, and what its hits include. */
    record Query(float[] dense, Fields.Sparse sparse, int topK, Include include, MetadataFilter filter, boolean idf, Fusion fusion) {
    }

    Query parseQuery(OpenIndex index, JsonNode body, boolean withText) throws RequestException {
        Fields.object(body, "A query");
        VectorIndex definition = index.definition();
        TextParts text = withText ? textQuery(definition, body) : null;
        float[] dense = withText ? text.dense() : Fields.vector(body.get("vector"), "vector");
        Fields.Sparse sparse = withText ? text.sparse() : Fields.sparse(body.get("sparseVector"), "sparseVector", MAX_SPARSE_NON_ZEROS);
        if (dense == null && sparse == null) {
            throw Fields.invalid(definition.type() == IndexType.SPARSE ? "A query needs a 'sparseVector'"
                    : definition.type() == IndexType.HYBRID ? "A query needs a 'vector', a 'sparseVector' or both" : "A query needs a 'vector'");
        }
        if (dense != null && !definition.type().hasDense()) {
            throw Fields.invalid("This index is sparse: query it with a 'sparseVector'");
        }
        if (sparse != null && !definition.type().hasSparse()) {
            throw Fields.invalid("This index is dense: query it with a 'vector'");
        }
        if (dense != null) {
            checkDimension(definition, dense);
        }
        int topK = Fields.integer(body, "topK", 10, 1, maxTopK);
        String weighting = Fields.text(body, "weightingStrategy");
        if (weighting != null && !weighting.equalsIgnoreCase("IDF")) {
            throw Fields.invalid("'weightingStrategy' must be IDF, got '" + weighting + "'");
        }
        String fusionName = Fields.text(body, "fusionAlgorithm");
        Fusion fusion;
        try {
            fusion = fusionName == null ? Fusion.RRF : Fusion.valueOf(fusionName.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Fields.invalid("'fusionAlgorithm' must be RRF or DBSF, got '" + fusionName + "'");
        }
        String filterText = Fields.text(body, "filter");
        return new Query(dense, sparse, topK, Include.of(body), filter(filterText), weighting != null, fusion);
    }

    /** The query's hits that are not in {@code exclude}, best first, at most topK. */
    List<Namespace.Hit> run(OpenIndex index, String namespace, Query query, int topK, Set<String> exclude) {
        Namespace ns = index.namespace(namespace);
        if (ns == null) {
            return List.of();
        }
        IntPredicate accept = query.filter().isAll() ? null : ns.accepting(query.filter()::matches);
        if (query.dense() != null && query.sparse() != null) {
            // RRF ranks each part's longer list; DBSF normalizes exactly topK new candidates per part, as Upstash does
            int candidates = query.fusion() == Fusion.RRF ? Math.max(2 * topK, topK + 10) : topK;
            List<Namespace.Hit> dense = ns.denseSearch(query.dense(), candidates, accept, exclude);
            List<Namespace.Hit> sparse = ns.sparseSearch(query.sparse().indices(), query.sparse().values(), query.idf(), candidates, accept, exclude);
            return query.fusion().fuse(dense, sparse, topK);
        }
        if (query.dense() != null) {
            return ns.denseSearch(query.dense(), topK, accept, exclude);
        }
        return ns.sparseSearch(query.sparse().indices(), query.sparse().values(), query.idf(), topK, accept, exclude);
    }

    static ArrayNode hitsJson(OpenIndex index, String namespace, List<Namespace.Hit> hits, Include include) {
        ArrayNode array = NODES.arrayNode();
        Namespace ns = index.namespace(namespace);
        for (Namespace.Hit hit : hits) {
            array.add(vectorJson(ns, hit.entry(), include, hit.score()));
        }
        return array;
    }

    JsonNode query(OpenIndex index, String namespace, JsonNode body, boolean withText) throws RequestException {
        if (body.isArray()) {
            if (body.isEmpty()) {
                throw Fields.invalid("The query batch holds no queries");
            }
            if (body.size() > maxBatch) {
                throw Fields.invalid("At most " + maxBatch + " queries per batch, got " + body.size());
            }
            List<Query> queries = new ArrayList<>();
            for (JsonNode item : body) {
                queries.add(parseQuery(index, item, withText));
            }
            if (queries.size() == 1) {
                Query only = queries.get(0);
                return hitsJson(index, namespace, run(index, namespace, only, only.topK(), Set.of()), only.include());
            }
            ArrayNode batch = NODES.arrayNode();
            for (Query query : queries) {
                batch.add(hitsJson(index, namespace, run(index, namespace, query, query.topK(), Set.of()), query.include()));
            }
            return batch;
        }
        Query query = parseQuery(index, body, withText);
        return hitsJson(index, namespace, run(index, namespace, query, query.topK(), Set.of()), query.include());
    }

    JsonNode resumableStart(OpenIndex index, String namespace, JsonNode body, boolean withText) throws RequestException {
        Query query = parseQuery(index, body, withText);
        int maxIdle = Fields.integer(body, "maxIdle", 3600, 1, 24 * 3600);
        List<Namespace.Hit> first = run(index, namespace, query, query.topK(), Set.of());
        Set<String> returned = new HashSet<>();
        first.forEach(hit -> returned.add(hit.entry().record().id()));
        String uuid = resumable.start(index, namespace, query, returned, maxIdle);
        ObjectNode result = NODES.objectNode();
        result.put("uuid", uuid);
        result.set("scores", hitsJson(index, namespace, first, query.include()));
        return result;
    }

    JsonNode resumableNext(OpenIndex index, JsonNode body) throws RequestException {
        Fields.object(body, "The resumable-query-next body");
        String uuid = Fields.text(body, "uuid");
        if (uuid == null) {
            throw Fields.invalid("'uuid' is required");
        }
        int additional = Fields.integer(body, "additionalK", 10, 1, maxTopK);
        ResumableQueries.Session session = resumable.get(uuid);
        synchronized (session) {
            List<Namespace.Hit> next = run(index, session.namespace(), session.query(), additional, session.returned());
            next.forEach(hit -> session.returned().add(hit.entry().record().id()));
            return hitsJson(index, session.namespace(), next, session.query().include());
        }
    }

    JsonNode resumableEnd(JsonNode body) throws RequestException {
        Fields.object(body, "The resumable-query-end body");
        String uuid = Fields.text(body, "uuid");
        if (uuid == null) {
            throw Fields.invalid("'uuid' is required");
        }
        resumable.get(uuid);
        resumable.end(uuid);
        return TextNode.valueOf("Success");
    }
}
