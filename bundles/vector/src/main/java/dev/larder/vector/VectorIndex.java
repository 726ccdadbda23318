package dev.larder.vector;

/**
 * One index.
 *
 * @param id              never reused, so that records left by a deleted index cannot reappear in a new one
 * @param name            unique on the server; the index's URL is {@code <http base>/vector/<name>}
 * @param database        the database (tenant) it belongs to
 * @param dimension       of its dense vectors; 0 for a sparse index
 * @param denseModel      the embedding model of upsert-data and query-data for the dense part, null: none
 * @param sparseModel     the same for the sparse part (BM25), null: none
 * @param quantized       whether the dense graph holds scalar-quantized vectors (results are re-ranked with floats)
 */
public record VectorIndex(int id, String name, String database, IndexType type, int dimension, Metric metric,
        String denseModel, String sparseModel, boolean quantized, String fullToken, String readOnlyToken, long createdAtMillis) {

    public boolean embedsText() {
        return denseModel != null || sparseModel != null;
    }
}
