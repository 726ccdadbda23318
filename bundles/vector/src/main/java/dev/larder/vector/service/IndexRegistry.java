package dev.larder.vector.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.larder.storage.KeyValueTable;
import dev.larder.vector.VectorIndex;
import dev.larder.vector.VectorIndexException;
import dev.larder.vector.VectorIndexes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The indexes, kept as one record in the grid's "vector-indexes" table, with their tokens. */
final class IndexRegistry {

    static final String TABLE = "vector-indexes";
    private static final int SLOT = 0;
    private static final byte[] RECORD_KEY = "registry".getBytes(StandardCharsets.UTF_8);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** As stored: the next id and the indexes. */
    record Stored(int nextId, List<VectorIndex> indexes) {
    }

    private final KeyValueTable table;
    private volatile Stored stored;
    private volatile Map<String, VectorIndexes.Access> byToken = Map.of();

    IndexRegistry(KeyValueTable table) {
        this.table = table;
        publish(read());
    }

    List<VectorIndex> list() {
        List<VectorIndex> sorted = new ArrayList<>(stored.indexes());
        sorted.sort(Comparator.comparing(VectorIndex::name));
        return sorted;
    }

    Optional<VectorIndex> find(String name) {
        return stored.indexes().stream().filter(index -> index.name().equals(name)).findFirst();
    }

    Optional<VectorIndexes.Access> authenticate(String token) {
        VectorIndexes.Access access = byToken.get(token);
        if (access == null) {
            synchronized (this) {
                publish(read()); // another node may have created the index since
            }
            access = byToken.get(token);
        }
        return Optional.ofNullable(access);
    }

    synchronized VectorIndex create(VectorIndexes.Definition definition) throws VectorIndexException {
        if (!NAME.matcher(definition.name()).matches()) {
            throw new VectorIndexException("Invalid index name '" + definition.name()
                    + "': use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        Stored current = read();
        if (current.indexes().stream().anyMatch(index -> index.name().equalsIgnoreCase(definition.name()))) {
            throw new VectorIndexException("Index '" + definition.name() + "' already exists");
        }
        VectorIndex created = new VectorIndex(current.nextId(), definition.name(), definition.database(), definition.type(),
                definition.dimension(), definition.metric(), definition.denseModel(), definition.sparseModel(), definition.quantized(),
                newToken(), newToken(), System.currentTimeMillis());
        List<VectorIndex> indexes = new ArrayList<>(current.indexes());
        indexes.add(created);
        commit(new Stored(current.nextId() + 1, indexes));
        return created;
    }

    synchronized VectorIndex delete(String name) throws VectorIndexException {
        Stored current = read();
        VectorIndex deleted = current.indexes().stream().filter(index -> index.name().equals(name)).findFirst()
                .orElseThrow(() -> new VectorIndexException("No index named '" + name + "'"));
        List<VectorIndex> indexes = new ArrayList<>(current.indexes());
        indexes.remove(deleted);
        commit(new Stored(current.nextId(), indexes));
        return deleted;
    }

    private Stored read() {
        byte[] bytes = table.get(SLOT, RECORD_KEY);
        if (bytes == null) {
            return new Stored(1, List.of());
        }
        try {
            return JSON.readValue(bytes, new TypeReference<Stored>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable vector index registry", e);
        }
    }

    private void commit(Stored updated) {
        try {
            table.put(SLOT, RECORD_KEY, JSON.writeValueAsBytes(updated));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        publish(updated);
    }

    private void publish(Stored updated) {
        Map<String, VectorIndexes.Access> tokens = new HashMap<>();
        for (VectorIndex index : updated.indexes()) {
            tokens.put(index.fullToken(), new VectorIndexes.Access(index, false));
            tokens.put(index.readOnlyToken(), new VectorIndexes.Access(index, true));
        }
        stored = updated;
        byToken = tokens;
    }

    /** 256 random bits, URL-safe, as long as Upstash's tokens. */
    static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
