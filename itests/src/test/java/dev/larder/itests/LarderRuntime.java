package dev.larder.itests;

import static org.ops4j.pax.exam.CoreOptions.bootDelegationPackages;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemPackages;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The Larder runtime as the distribution assembles it: every jar of its bundle/ folder and the
 * settings of its config/framework.properties, with a home of the test's own (deploy/, config/,
 * data/) and ports of its own so tests never meet another Ignite node or a running server.
 */
public final class LarderRuntime {

    private static final Path DISTRIBUTION = Paths.get(System.getProperty("larder.distribution", "../distribution/target/larder"));
    private static final Path TEST_ROOT = Paths.get(System.getProperty("larder.itest.dir", "target/itest"));

    /** Framework settings the test container manages itself. */
    private static final List<String> CONTAINER_OWNED = List.of(
            "org.osgi.framework.storage", "org.osgi.framework.storage.clean", "felix.auto.deploy.dir",
            "felix.auto.deploy.action", "org.osgi.framework.system.packages.extra", "org.osgi.framework.bootdelegation",
            "org.osgi.service.http.port");

    private static final Map<String, Option[]> PREPARED = new ConcurrentHashMap<>();

    private LarderRuntime() {
    }

    /** The home folder of one test runtime. */
    public static Path home(String name) {
        return TEST_ROOT.resolve(name).toAbsolutePath();
    }

    /**
     * The options of one runtime, prepared once per name and test JVM: Pax Exam may ask a test class for
     * its configuration more than once, and a second preparation must not empty or rewrite the home
     * of a framework that already runs (FileInstall would read a half-written file).
     *
     * @param name            names the home folder and the storage node
     * @param portBase        first of 50 ports this runtime may use on 127.0.0.1 (storage, then RESP at +40, REST at +45)
     * @param storageSettings settings added to the distribution's dev.larder.storage.cfg
     */
    public static Option[] options(String name, int portBase, Map<String, String> storageSettings) {
        return PREPARED.computeIfAbsent(name, n -> {
            try {
                return prepare(n, portBase, storageSettings, freePort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** As {@link #options(String, int, Map)}, with the admin HTTP server on a given port of 127.0.0.1. */
    public static Option[] options(String name, int portBase, Map<String, String> storageSettings, int httpPort) {
        return PREPARED.computeIfAbsent(name, n -> prepare(n, portBase, storageSettings, httpPort));
    }

    private static Option[] prepare(String name, int portBase, Map<String, String> storageSettings, int httpPort) {
        deleteHome(name);
        Path home = home(name);
        try {
            Files.createDirectories(home.resolve("deploy"));
            Files.createDirectories(home.resolve("data"));
            Path config = Files.createDirectories(home.resolve("config"));
            copyConfiguration(config);
            writeStorageSettings(name, portBase, storageSettings);
            Properties resp = new Properties();
            resp.setProperty("port", String.valueOf(respPort(portBase)));
            resp.setProperty("bindAddress", "127.0.0.1");
            writeCfg(config.resolve("dev.larder.resp.cfg"), resp);
            Properties rest = new Properties();
            rest.setProperty("port", String.valueOf(restPort(portBase)));
            rest.setProperty("bindAddress", "127.0.0.1");
            writeCfg(config.resolve("dev.larder.http.cfg"), rest);

            List<Option> options = new ArrayList<>();
            Properties framework = frameworkProperties(home);
            for (String key : framework.stringPropertyNames()) {
                if (!CONTAINER_OWNED.contains(key)) {
                    options.add(frameworkProperty(key).value(framework.getProperty(key)));
                }
            }
            options.add(systemPackages(split(framework.getProperty("org.osgi.framework.system.packages.extra"))));
            options.add(bootDelegationPackages(split(framework.getProperty("org.osgi.framework.bootdelegation"))));
            options.add(frameworkProperty("org.osgi.service.http.port").value(String.valueOf(httpPort)));
            options.add(frameworkProperty("larder.ready.patience.seconds").value("5"));
            writeHttpSettings(name, httpPort);
            options.add(frameworkProperty("gosh.args").value("--nointeractive"));
            options.add(frameworkProperty("gosh.home").value(DISTRIBUTION.toAbsolutePath().toString()));
            options.add(frameworkProperty("larder.home").value(home.toString()));
            options.add(frameworkProperty("larder.data").value(home.resolve("data").toString()));
            try (Stream<Path> jars = Files.list(DISTRIBUTION.resolve("bundle"))) {
                jars.filter(jar -> jar.toString().endsWith(".jar")).sorted()
                        .forEach(jar -> options.add(bundle(jar.toUri().toString()).start(!isFragment(jar))));
            }
            options.add(junitBundles());
            options.add(cleanCaches(true));
            return options.toArray(new Option[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a console command as the Gogo shell would; returns what it printed and returned. */
    public static String runConsoleCommand(CommandProcessor commands, String command) throws Exception {
        // Pax Exam starts a test once its injected services exist, not once the runtime reports ready: a command
        // whose component is still coming up (or restarting for configuration that arrived late) is waited for
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return runConsoleCommandOnce(commands, command);
            } catch (Exception e) {
                if (!e.getClass().getSimpleName().equals("CommandNotFoundException") || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static String runConsoleCommandOnce(CommandProcessor commands, String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        try (CommandSession session = commands.createSession(new ByteArrayInputStream(new byte[0]), print, print)) {
            Object result = session.execute(command);
            return out.toString(StandardCharsets.UTF_8) + (result == null ? "" : result.toString());
        }
    }

    /** The RESP port of the runtime with that port base. */
    public static int respPort(int portBase) {
        return portBase + 40;
    }

    /** The REST API's port of a runtime. */
    public static int restPort(int portBase) {
        return portBase + 45;
    }

    private static void deleteHome(String name) {
        Path home = home(name);
        if (!Files.exists(home)) {
            return;
        }
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T awaitService(BundleContext context, Class<T> type, long timeoutMillis) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        try {
            T service = tracker.waitForService(timeoutMillis);
            if (service == null) {
                throw new AssertionError(type.getSimpleName() + " not registered within " + timeoutMillis + " ms");
            }
            return service;
        } finally {
            tracker.close();
        }
    }

    public static void await(String what, long timeoutMillis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out after " + timeoutMillis + " ms waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static void copyConfiguration(Path config) throws IOException {
        try (Stream<Path> files = Files.list(DISTRIBUTION.resolve("config"))) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".cfg"))::iterator) {
                Files.copy(file, config.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static Properties frameworkProperties(Path home) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(DISTRIBUTION.resolve("config/framework.properties"))) {
            properties.load(in);
        }
        Properties resolved = new Properties();
        for (String key : properties.stringPropertyNames()) {
            resolved.setProperty(key, properties.getProperty(key)
                    .replace("${larder.home}", home.toString())
                    .replace("${larder.data}", home.resolve("data").toString()));
        }
        return resolved;
    }

    /**
     * The runtime's config/dev.larder.storage.cfg: its own name and ports from {@code portBase} on 127.0.0.1,
     * a small memory region, then {@code settings}.
     */
    public static void writeStorageSettings(String name, int portBase, Map<String, String> settings) throws IOException {
        Properties storage = new Properties();
        storage.setProperty("nodeName", name);
        storage.setProperty("localAddress", "127.0.0.1");
        storage.setProperty("discoveryPort", String.valueOf(portBase));
        storage.setProperty("discoveryPortRange", "9");
        storage.setProperty("discoveryAddresses", "127.0.0.1:" + portBase + ".." + (portBase + 9));
        storage.setProperty("communicationPort", String.valueOf(portBase + 20));
        storage.setProperty("communicationPortRange", "9");
        storage.setProperty("memoryMaxMb", "128");
        storage.setProperty("pageCacheMb", "128");
        storage.putAll(settings);
        writeCfg(home(name).resolve("config").resolve("dev.larder.storage.cfg"), storage);
    }

    /** Lines of the test run's log file (logback-test.xml), shared by every runtime of the run. */
    public static List<String> logLines() {
        try {
            return Files.readAllLines(TEST_ROOT.resolve("larder.log"));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The admin HTTP server's settings, as config/org.apache.felix.http.cfg of the runtime. */
    public static void writeHttpSettings(String name, int port) throws IOException {
        Properties http = new Properties();
        http.setProperty("org.osgi.service.http.port", String.valueOf(port));
        http.setProperty("org.apache.felix.http.host", "127.0.0.1");
        writeCfg(home(name).resolve("config").resolve("org.apache.felix.http.cfg"), http);
    }

    public static void writeCfg(Path file, Properties settings) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String key : settings.stringPropertyNames()) {
            text.append(key).append('=').append(settings.getProperty(key)).append('\n');
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, text);
        Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Fragments (Netty's epoll natives) attach to their host and cannot be started. */
    private static boolean isFragment(Path jar) {
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
            return file.getManifest().getMainAttributes().getValue("Fragment-Host") != null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String[] split(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
