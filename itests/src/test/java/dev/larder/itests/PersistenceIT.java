package dev.larder.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertNull;

import dev.larder.storage.KeyValueTable;
import dev.larder.storage.StorageNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.inject.Inject;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.BundleContext;

/**
 * A value written before the framework stops is read after a new framework starts on the same home.
 * Each method runs in a framework of its own (PerMethod) on the same home (prepared once per test JVM),
 * in name order: the second checks the first.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class PersistenceIT {

    private static final String NAME = "persistence-it";

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return LarderRuntime.options(NAME, 48200, Map.of());
    }

    private KeyValueTable table() throws InterruptedException {
        return LarderRuntime.awaitService(context, StorageNode.class, 60_000).table("itest-persistence");
    }

    @Test
    public void step1_writeInFirstFramework() throws Exception {
        KeyValueTable table = table();
        assertNull("the home starts empty", table.get(100, key()));
        table.put(100, key(), value());
    }

    @Test
    public void step2_readInSecondFramework() throws Exception {
        assertArrayEquals(value(), table().get(100, key()));
    }

    private static byte[] key() {
        return "across-restart".getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] value() {
        return "written by the first framework".getBytes(StandardCharsets.UTF_8);
    }
}
