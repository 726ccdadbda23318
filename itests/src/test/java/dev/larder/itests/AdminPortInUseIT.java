package dev.larder.itests;

import static org.junit.Assert.assertEquals;

import dev.larder.storage.StorageNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
 * With the admin port taken by another process the server still starts, says in one line that the web
 * console is missing and why, and reports ready once config/ names a free port.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AdminPortInUseIT {

    private static final String NAME = "admin-port-in-use-it";
    /** Held by the test runner for as long as the test JVM lives. */
    private static ServerSocket blocker;

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        try {
            if (blocker == null) {
                blocker = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return LarderRuntime.options(NAME, 48600, Map.of("persistence", "false"), blocker.getLocalPort());
    }

    @Test
    public void startsWithoutTheWebConsoleSaysWhyAndRecoversWhenThePortIsFixed() throws Exception {
        String port = context.getProperty("org.osgi.service.http.port");
        // on a loaded machine storage may still be starting when the (5 s) patience ends, and the same line names it too
        String expected = "the web console (invalid setting 'org.osgi.service.http.port' in "
                + "org.apache.felix.http: port " + port + " on 127.0.0.1 is in use)";
        LarderRuntime.await("the start report", 30_000, () -> startReports(expected).size() == 1);
        LarderRuntime.awaitService(context, StorageNode.class, 30_000);

        LarderRuntime.writeHttpSettings(NAME, LarderRuntime.freePort());
        LarderRuntime.await("the ready report after the fix", 30_000,
                () -> !lines("Larder ready").stream().filter(line -> line.contains("Storage node " + NAME)).toList().isEmpty());
        assertEquals("reported once", 1, startReports(expected).size());
    }

    private static List<String> lines(String containing) {
        return LarderRuntime.logLines().stream().filter(line -> line.contains(containing)).collect(Collectors.toList());
    }

    private static List<String> startReports(String naming) {
        return lines(naming).stream().filter(line -> line.contains("Larder started without")).collect(Collectors.toList());
    }
}
