package dev.larder.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import dev.larder.storage.KeyValueTable;
import dev.larder.storage.StorageNode;
import dev.larder.storage.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;

/** The storage bundle in the real runtime: the node starts, serves tables, and survives a bundle restart. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StorageNodeIT {

    private static final String NAME = "storage-node-it";

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return LarderRuntime.options(NAME, 48100, Map.of());
    }

    private StorageNode storage() throws InterruptedException {
        return LarderRuntime.awaitService(context, StorageNode.class, 60_000);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    public void nodeStartsAloneWithPersistenceInItsDataDirectory() throws Exception {
        StorageNode node = storage();
        assertEquals(NAME, node.nodeId());
        assertEquals(1, node.clusterSize());
        assertEquals(LarderRuntime.home(NAME).resolve("data").resolve("ignite"), node.dataDirectory());
        assertTrue("persistence files written", node.usage().diskBytes() > 0);
    }

    @Test
    public void tableStoresGetsAndRemovesBinaryValues() throws Exception {
        KeyValueTable table = storage().table("itest-basic");
        byte[] key = {0, 1, 2, (byte) 0xff};
        assertNull(table.get(7, key));
        table.put(7, key, bytes("value"));
        assertArrayEquals(bytes("value"), table.get(7, key));
        assertNull("the slot is part of the key", table.get(8, key));
        assertTrue(table.remove(7, key));
        assertFalse(table.remove(7, key));
        assertNull(table.get(7, key));
    }

    @Test
    public void batchAppliesPutsAndRemovesAndTheLastChangeToAKeyWins() throws Exception {
        KeyValueTable table = storage().table("itest-batch");
        table.put(1, bytes("gone"), bytes("x"));
        WriteBatch batch = new WriteBatch()
                .put(1, bytes("a"), bytes("1"))
                .put(2, bytes("b"), bytes("2"))
                .put(2, bytes("b"), bytes("3"))
                .remove(1, bytes("gone"))
                .put(3, bytes("c"), bytes("4"))
                .remove(3, bytes("c"));
        table.write(batch).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertArrayEquals(bytes("1"), table.get(1, bytes("a")));
        assertArrayEquals(bytes("3"), table.get(2, bytes("b")));
        assertNull(table.get(1, bytes("gone")));
        assertNull(table.get(3, bytes("c")));
        assertEquals(2, table.size());
        assertTrue(storage().tables().contains("itest-batch"));
    }

    @Test
    public void everySlotMapsToAPartitionThisSingleNodeOwns() throws Exception {
        StorageNode node = storage();
        for (int slot = 0; slot < StorageNode.SLOTS; slot += 97) {
            int partition = node.partitionOf(slot);
            assertTrue(partition >= 0 && partition < node.partitions());
            assertEquals("stable mapping", partition, node.partitionOf(slot));
            assertTrue(node.isPrimary(partition));
        }
    }

    @Test
    public void dataSurvivesARestartOfTheStorageBundle() throws Exception {
        storage().table("itest-restart").put(42, bytes("durable"), bytes("still here"));

        Bundle storageBundle = FrameworkUtil.getBundle(storage().getClass());
        storageBundle.stop();
        assertNull("service gone while stopped", context.getServiceReference(StorageNode.class));
        storageBundle.start();

        StorageNode restarted = storage();
        assertArrayEquals(bytes("still here"), restarted.table("itest-restart").get(42, bytes("durable")));
    }
}
