package dev.larder.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.larder.storage.StorageNode;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/** The larder:* Gogo commands and the password-protected web console. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConsoleIT {

    private static final String NAME = "console-it";

    @Inject
    private BundleContext context;

    @Inject
    private CommandProcessor commands;

    @Configuration
    public Option[] config() {
        return LarderRuntime.options(NAME, 48400, Map.of("backups", "0"));
    }

    private String run(String command) throws Exception {
        LarderRuntime.awaitService(context, StorageNode.class, 60_000);
        return LarderRuntime.runConsoleCommand(commands, command);
    }

    @Test
    public void infoShowsNodeClusterStorageAndProductBundles() throws Exception {
        // the command binds the storage service a moment after the test's own tracker has seen it
        LarderRuntime.await("larder:info to show the node", 10_000, () -> {
            try {
                return run("larder:info").contains("Node      " + NAME);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        String info = run("larder:info");
        assertTrue(info, info.contains("Cluster   1 server node(s)"));
        assertTrue(info, info.contains("on disk in " + LarderRuntime.home(NAME).resolve("data").resolve("ignite")));
        assertTrue(info, info.matches("(?s).*storage +larder-storage-api \\S+ ACTIVE, larder-storage-ignite \\S+ ACTIVE.*"));
        assertTrue(info, info.matches("(?s).*console +larder-console \\S+ ACTIVE.*"));
        assertTrue(info, info.matches("(?s).*redis +larder-redis-api \\S+ ACTIVE, .*larder-resp \\S+ ACTIVE.*"));
        assertTrue("the epoll fragment is attached, everything else active: " + info,
                info.matches("(?s).*runtime +\\d+ bundles: \\d+ ACTIVE, 1 RESOLVED\\n.*"));
        assertTrue(info, info.matches("(?s).*Uptime +\\d+.*"));
    }

    @Test
    public void configShowsConfiguredValuesAndDefaults() throws Exception {
        String config = run("larder:config dev.larder.storage");
        assertTrue(config, config.matches("(?s).*discoveryPort +=  ?48400 +config.*"));
        assertTrue(config, config.matches("(?s).*backups +=  ?0 +config.*"));
        assertTrue(config, config.matches("(?s).*partitions +=  ?1024 +default.*"));
        assertFalse("only the asked pid", config.contains("dev.larder.admin"));
    }

    @Test
    public void webConsoleRefusesTheDefaultLoginAndAcceptsTheConfiguredOne() throws Exception {
        LarderRuntime.awaitService(context, StorageNode.class, 60_000);
        assertEquals(401, status(null));
        assertEquals("the web console's stock admin/admin is replaced", 401, status("admin:admin"));

        Properties admin = new Properties();
        admin.setProperty("username", "root");
        admin.setProperty("password", "correct horse battery");
        LarderRuntime.writeCfg(LarderRuntime.home(NAME).resolve("config").resolve("dev.larder.admin.cfg"), admin);

        LarderRuntime.await("the configured login to work", 20_000, () -> status("root:correct horse battery") == 200);
        assertEquals(401, status("admin:admin"));
        String config = run("larder:config dev.larder.admin");
        assertTrue("secrets are masked: " + config, config.contains("********") && !config.contains("battery"));
    }

    private int status(String credentials) {
        try {
            URL url = new URL("http://127.0.0.1:" + context.getProperty("org.osgi.service.http.port") + "/system/console/bundles");
            HttpURLConnection connection = (HttpURLConnection) url.openConnection();
            if (credentials != null) {
                connection.setRequestProperty("Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
            }
            int status = connection.getResponseCode();
            connection.disconnect();
            return status;
        } catch (IOException e) {
            return -1;
        }
    }
}
