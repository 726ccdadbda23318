package dev.larder.embedding.bge;

import dev.larder.embedding.EmbeddingException;
import dev.larder.embedding.TextEmbedder;
import dev.larder.settings.InvalidSettingException;
import dev.larder.settings.SettingsCheck;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BGE_SMALL_EN_V1_5 model of Upstash's hosted models, run here. The model (a 34 MB file, more once loaded) is
 * loaded on the first text to embed, so a server without such an index never pays for it.
 */
@Component(configurationPid = EmbeddingSettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = TextEmbedder.MODEL + "=" + BgeSmallModel.NAME)
@Designate(ocd = EmbeddingSettings.class)
public class BgeSmallEmbedder implements TextEmbedder {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.embedding");
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final int threads;
    private final Path nativeCache;
    private BgeSmallModel model;
    /**
     * Texts run side by side, one thread each: for texts of sentence length ONNX Runtime's own threads do not
     * pay (measured on 2 cores: one text at a time on two threads 89–108 texts/s and 11 ms a text; two at a time
     * on one thread each 195–213 texts/s and 9 ms a text).
     */
    private final ExecutorService pool;

    @Activate
    public BgeSmallEmbedder(BundleContext context, EmbeddingSettings settings, Map<String, Object> properties) throws InvalidSettingException {
        Map<String, Object> configured = new HashMap<>(properties);
        configured.remove(TextEmbedder.MODEL); // the component's own service property, not a setting
        SettingsCheck.check(EmbeddingSettings.PID, EmbeddingSettings.class, configured);
        if (settings.threads() < 0) {
            throw new InvalidSettingException(EmbeddingSettings.PID, "threads", "must be 0 (one per processor) or more, got " + settings.threads());
        }
        threads = settings.threads() > 0 ? settings.threads() : Runtime.getRuntime().availableProcessors();
        pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("larder-embedding-", 1).daemon().factory());
        String data = context.getProperty("larder.data");
        nativeCache = Path.of(data != null ? data : System.getProperty("java.io.tmpdir"), "embedding");
    }

    @Override
    public String model() {
        return BgeSmallModel.NAME;
    }

    @Override
    public int dimension() {
        return BgeSmallModel.DIMENSION;
    }

    @Override
    public float[][] embed(List<String> texts, String task) {
        BgeSmallModel loaded = loadedModel();
        List<Future<float[]>> running = new ArrayList<>(texts.size());
        for (String text : texts) {
            running.add(pool.submit(() -> loaded.embed(text)));
        }
        float[][] vectors = new float[texts.size()][];
        long started = System.nanoTime();
        long lastReport = started;
        boolean reported = false;
        try {
            for (int done = 0; done < texts.size(); ) {
                vectors[done] = running.get(done).get();
                done++;
                long now = System.nanoTime();
                if (now - lastReport >= PROGRESS_EVERY_NANOS && done < texts.size()) {
                    double perSecond = done / ((now - started) / 1e9);
                    LOG.info("Embedding {} texts {} with {}: {} done ({}%), {} texts/s, about {} s left", texts.size(), task,
                            BgeSmallModel.NAME, done, done * 100 / texts.size(), Math.round(perSecond),
                            Math.round((texts.size() - done) / perSecond));
                    lastReport = now;
                    reported = true;
                }
            }
        } catch (ExecutionException e) {
            throw new EmbeddingException("The embedding model " + BgeSmallModel.NAME + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.forEach(future -> future.cancel(false));
            throw new EmbeddingException("Embedding was interrupted", e);
        }
        if (reported) {
            LOG.info("Embedded {} texts {} with {} in {} ms", texts.size(), task, BgeSmallModel.NAME,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
        return vectors;
    }

    private synchronized BgeSmallModel loadedModel() {
        if (model != null) {
            return model;
        }
        long started = System.nanoTime();
        // DJL finds the tokenizer's native library through the context class loader and unpacks it under its
        // cache directory; offline, it never tries to download one
        if (System.getProperty("DJL_CACHE_DIR") == null) {
            System.setProperty("DJL_CACHE_DIR", nativeCache.toString());
        }
        System.setProperty("ai.djl.offline", "true");
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(BgeSmallEmbedder.class.getClassLoader());
        try {
            model = new BgeSmallModel();
        } catch (Exception | LinkageError e) {
            throw new EmbeddingException("The embedding model " + BgeSmallModel.NAME + " could not be loaded: " + e, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
        LOG.info("Embedding model {} loaded in {} ms (bge-small-en-v1.5, 8-bit quantized ONNX, {} dimensions, {} tokens, "
                + "ONNX Runtime, {} texts at a time)", BgeSmallModel.NAME, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                BgeSmallModel.DIMENSION, BgeSmallModel.MAX_TOKENS, threads);
        return model;
    }

    @Deactivate
    synchronized void deactivate() throws Exception {
        pool.shutdownNow();
        if (model != null) {
            model.close();
            model = null;
        }
    }
}
