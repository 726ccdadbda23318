package dev.larder.embedding;

import java.util.List;

/** A dense text embedding model. */
public interface TextEmbedder {

    /** Service property: the model's name as Upstash's API spells it, e.g. {@code BGE_SMALL_EN_V1_5}. */
    String MODEL = "larder.embedding.model";

    /** The model's name as Upstash's API spells it. */
    String model();

    /** The length of the vectors it makes. */
    int dimension();

    /**
     * One vector of unit length per text, in the texts' order; a text longer than the model reads is cut at its
     * token limit. A large batch logs its progress under {@code task} (what the texts are for).
     *
     * @throws EmbeddingException when the model cannot run
     */
    float[][] embed(List<String> texts, String task);
}
