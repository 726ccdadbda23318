package dev.larder.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.larder.storage.StorageNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/**
 * A storage setting the node cannot run with stops the node with one log line naming the setting;
 * the server keeps running and the node comes back once the setting is fixed.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BadConfigurationIT {

    private static final String NAME = "bad-configuration-it";
    private static final int PORT_BASE = 48500;

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return LarderRuntime.options(NAME, PORT_BASE, Map.of("persistence", "false"));
    }

    @Test
    public void unknownSetting() throws Exception {
        assertRefused(Map.of("bakups", "1"), "bakups", "unknown setting");
    }

    @Test
    public void valueOfTheWrongType() throws Exception {
        assertRefused(Map.of("backups", "two"), "backups", "expected a whole number, got 'two'");
    }

    @Test
    public void valueOutOfRange() throws Exception {
        assertRefused(Map.of("discoveryPort", "70000"), "discoveryPort", "between 1 and 65535");
    }

    @Test
    public void portInUse() throws Exception {
        int busy = PORT_BASE + 30;
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket first = new ServerSocket(busy, 1, loopback); ServerSocket second = new ServerSocket(busy + 1, 1, loopback)) {
            assertRefused(Map.of("discoveryPort", String.valueOf(busy), "discoveryPortRange", "1"),
                    "discoveryPort", "every port of " + busy + ".." + (busy + 1) + " on 127.0.0.1 is in use");
        }
    }

    @Test
    public void unwritableDataDirectory() throws Exception {
        Path file = Files.writeString(LarderRuntime.home(NAME).resolve("not-a-directory"), "x");
        assertRefused(Map.of("persistence", "true", "dataDir", file.resolve("ignite").toString()), "dataDir", "is not writable");
    }

    private void assertRefused(Map<String, String> badSettings, String setting, String problem) throws Exception {
        LarderRuntime.awaitService(context, StorageNode.class, 60_000);
        // a runtime whose endpoints are still coming up (at start, or after the last test's storage came back)
        // would report, on top, the endpoints the broken storage took with it
        LarderRuntime.await("the RESP and REST endpoints", 120_000,
                () -> listening(LarderRuntime.respPort(PORT_BASE)) && listening(LarderRuntime.restPort(PORT_BASE)));
        long logStart = LarderRuntime.logLines().size();
        try {
            assertRefusedNow(badSettings, setting, problem, logStart);
        } finally {
            writeStorageSettings(Map.of());
        }
        LarderRuntime.awaitService(context, StorageNode.class, 60_000);
    }

    private void assertRefusedNow(Map<String, String> badSettings, String setting, String problem, long logStart) throws Exception {
        writeStorageSettings(badSettings);
        String expected = "Storage node not started: Invalid setting '" + setting + "' in dev.larder.storage: ";
        LarderRuntime.await("the log line naming " + setting, 30_000,
                () -> LarderRuntime.logLines().stream().skip(logStart).anyMatch(line -> line.contains(expected)));
        assertEquals("no storage service with a bad setting", null, context.getServiceReference(StorageNode.class));

        // the start's one "Larder started without ..." report (ReadyReport, its own test) may land here when this test
        // breaks the storage before the runtime's patience ran out; it is not a second complaint about the setting
        List<String> errors = LarderRuntime.logLines().stream().skip(logStart).filter(line -> line.contains(" ERROR "))
                .filter(line -> !line.contains("Larder started without ")).collect(Collectors.toList());
        assertEquals("exactly one error line: " + errors, 1, errors.size());
        assertTrue(errors.get(0), errors.get(0).contains(expected) && errors.get(0).contains(problem));
    }

    private static boolean listening(int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void writeStorageSettings(Map<String, String> extra) throws IOException {
        Map<String, String> settings = new HashMap<>(Map.of("persistence", "false"));
        settings.putAll(extra);
        LarderRuntime.writeStorageSettings(NAME, PORT_BASE, settings);
    }
}
