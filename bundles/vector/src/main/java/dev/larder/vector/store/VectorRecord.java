package dev.larder.vector.store;

/**
 * One vector as stored: its id, a dense part, a sparse part (indices ascending, no duplicates), its metadata
 * (a JSON object's UTF-8 bytes) and its data; each part null when absent.
 */
public record VectorRecord(String id, float[] dense, int[] sparseIndices, float[] sparseValues, byte[] metadata, String data) {

    public boolean hasSparse() {
        return sparseIndices != null;
    }

    public VectorRecord withDense(float[] vector) {
        return new VectorRecord(id, vector, sparseIndices, sparseValues, metadata, data);
    }

    public VectorRecord withSparse(int[] indices, float[] values) {
        return new VectorRecord(id, dense, indices, values, metadata, data);
    }

    public VectorRecord withMetadata(byte[] json) {
        return new VectorRecord(id, dense, sparseIndices, sparseValues, json, data);
    }

    public VectorRecord withData(String text) {
        return new VectorRecord(id, dense, sparseIndices, sparseValues, metadata, text);
    }
}
