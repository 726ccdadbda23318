package dev.larder.embedding.bge;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * bge-small-en-v1.5, quantized to 8 bits, on ONNX Runtime: Hugging Face's tokenizer for the model (WordPiece,
 * lower case, 512 tokens at most), the encoder, the [CLS] token's hidden state as the sentence's vector (the
 * model's pooling), scaled to unit length. Thread-safe: ONNX Runtime and the tokenizer both are.
 */
final class BgeSmallModel implements AutoCloseable {

    static final String NAME = "BGE_SMALL_EN_V1_5";
    static final int DIMENSION = 384;
    static final int MAX_TOKENS = 512;
    private static final String MODEL_FILE = "/bge-small-en-v1.5-q.onnx";
    private static final String TOKENIZER_FILE = "/bge-small-en-v1.5-q-tokenizer.json";

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean takesTokenTypes;

    /** On one thread per text: the embedder runs texts side by side, which pays better than threads inside one. */
    BgeSmallModel() throws IOException, OrtException {
        environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = environment.createSession(read(MODEL_FILE), options);
        }
        takesTokenTypes = session.getInputNames().contains("token_type_ids");
        Map<String, String> tokenizing = Map.of("truncation", "true", "maxLength", String.valueOf(MAX_TOKENS),
                "padding", "false", "addSpecialTokens", "true");
        try (InputStream in = BgeSmallModel.class.getResourceAsStream(TOKENIZER_FILE)) {
            tokenizer = HuggingFaceTokenizer.newInstance(in, tokenizing);
        }
    }

    private static byte[] read(String resource) throws IOException {
        try (InputStream in = BgeSmallModel.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is missing from the bundle");
            }
            return in.readAllBytes();
        }
    }

    /**
     * The vector of one text. Texts are not batched: the quantized model scales its activations by what the whole
     * input holds, so a text would embed slightly differently beside others (0.997 cosine), and on a CPU batching
     * is not faster.
     */
    float[] embed(String text) throws OrtException {
        Encoding encoding = tokenizer.encode(text);
        long[] shape = {1, encoding.getIds().length};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(environment, LongBuffer.wrap(encoding.getIds()), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(environment, LongBuffer.wrap(encoding.getAttentionMask()), shape));
            if (takesTokenTypes) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(environment, LongBuffer.wrap(encoding.getTypeIds()), shape));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
                float[] vector = new float[DIMENSION];
                hidden.get(0, vector); // the [CLS] token's state
                normalize(vector);
                return vector;
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private static void normalize(float[] vector) {
        double sum = 0;
        for (float component : vector) {
            sum += component * component;
        }
        float scale = sum > 0 ? (float) (1 / Math.sqrt(sum)) : 0;
        for (int i = 0; i < vector.length; i++) {
            vector[i] *= scale;
        }
    }

    @Override
    public void close() throws OrtException {
        tokenizer.close();
        session.close();
    }
}
