package dev.larder.vector.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Bm25Test {

    private final Bm25 bm25 = new Bm25();

    @Test
    void stemsDropsStopWordsAndWeighsByTermFrequency() {
        Bm25.Sparse document = bm25.document("The quick brown foxes are jumping over the lazy dogs; a fox jumps.");
        Bm25.Sparse query = bm25.query("jumped fox");
        // "fox" and "jump" occur twice: stemmed to one dimension each, with a larger value than a term seen once
        assertEquals(7, document.indices().length, "quick, brown, fox, jump, over, lazi, dog");
        for (int i = 1; i < document.indices().length; i++) {
            assertTrue(document.indices()[i] > document.indices()[i - 1]);
        }
        assertEquals(2, query.indices().length);
        assertArrayEquals(new float[] {1, 1}, query.values());
        float twice = 0;
        for (int i = 0; i < document.indices().length; i++) {
            if (document.indices()[i] == query.indices()[0]) {
                twice = document.values()[i];
            }
        }
        // tf 2 in a 9-term document: 2 * 2.2 / (2 + 1.2 * (0.25 + 0.75 * 9 / 32))
        assertEquals(2 * 2.2 / (2 + 1.2 * (0.25 + 0.75 * 9 / 32.0)), twice, 1e-6);
    }

    @Test
    void emptyTextHasNoTerms() {
        assertEquals(0, bm25.document("the of and").indices().length);
        assertEquals(0, bm25.query("").indices().length);
    }
}
