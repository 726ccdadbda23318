package dev.larder.embedding.bge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BgeSmallModelTest {

    private static BgeSmallModel model;

    @BeforeAll
    static void load() throws Exception {
        model = new BgeSmallModel();
    }

    @AfterAll
    static void close() throws Exception {
        model.close();
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    @Test
    void vectorsHaveTheModelsDimensionAndUnitLength() throws Exception {
        for (String text : List.of("hello world", "")) {
            float[] vector = model.embed(text);
            assertEquals(384, vector.length);
            assertEquals(1.0, dot(vector, vector), 1e-4);
        }
    }

    @Test
    void textsAboutTheSameThingAreNearerThanTextsAboutOthers() throws Exception {
        float[][] v = List.of(
                "The cat is sleeping on the mat.",
                "A kitten naps on a small rug.",
                "Stock markets fell sharply after the interest rate decision.",
                "Shares dropped when the central bank raised rates.").stream().map(BgeSmallModelTest::embed).toArray(float[][]::new);
        assertTrue(dot(v[0], v[1]) > dot(v[0], v[2]) + 0.1, "cats " + dot(v[0], v[1]) + " vs markets " + dot(v[0], v[2]));
        assertTrue(dot(v[2], v[3]) > dot(v[2], v[1]) + 0.1, "markets " + dot(v[2], v[3]) + " vs cats " + dot(v[2], v[1]));
    }

    private static float[] embed(String text) {
        try {
            return model.embed(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aTextEmbedsTheSameEveryTime() throws Exception {
        String text = "Larder serves Redis, Vector and QStash from one server.";
        assertEquals(1.0, dot(model.embed(text), model.embed(text)), 1e-6);
    }

    @Test
    void aTextLongerThanTheModelReadsIsCutAtItsTokenLimit() throws Exception {
        String prefix = "Vectors of words ".repeat(200); // past 512 tokens
        float[] cut = model.embed(prefix);
        float[] longer = model.embed(prefix + "and then something completely different about volcanoes");
        assertEquals(1.0, dot(cut, longer), 1e-4, "what follows the limit does not count");
    }
}
