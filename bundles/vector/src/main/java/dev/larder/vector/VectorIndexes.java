package dev.larder.vector;

import java.util.List;
import java.util.Optional;

/** The vector indexes of this server. */
public interface VectorIndexes {

    /** What a new index is made of; {@code type} DENSE, SPARSE or HYBRID, models by their Upstash names. */
    record Definition(String name, String database, IndexType type, int dimension, Metric metric, String denseModel,
            String sparseModel, boolean quantized) {
    }

    /** What a token grants: an index, fully or read-only. */
    record Access(VectorIndex index, boolean readOnly) {
    }

    VectorIndex create(Definition definition) throws VectorIndexException;

    /** Every index, by name. */
    List<VectorIndex> list();

    Optional<VectorIndex> find(String name);

    Optional<Access> authenticate(String token);

    /** Deletes an index and its records. */
    VectorIndex delete(String name) throws VectorIndexException;

    /** Counts of one index: vectors, and vectors acknowledged but not yet searchable, per namespace ("" first). */
    IndexCounts counts(String name) throws VectorIndexException;

    /** @param namespaces each namespace's vectors and pending vectors; {@code indexBytes} what the index takes */
    record IndexCounts(java.util.Map<String, long[]> namespaces, long indexBytes) {
        public long vectors() {
            return namespaces.values().stream().mapToLong(c -> c[0]).sum();
        }

        public long pending() {
            return namespaces.values().stream().mapToLong(c -> c[1]).sum();
        }
    }
}
