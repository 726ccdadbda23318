package dev.larder.itests.resp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real server processes for end-to-end tests: the built distribution started with bin/larder from a copy
 * of its own (ports of its own on 127.0.0.1), and redis-server for comparison.
 */
public final class ServerProcesses {

    private static final Path DISTRIBUTION = Paths.get(System.getProperty("larder.distribution", "../distribution/target/larder"));
    private static final Path TEST_ROOT = Paths.get(System.getProperty("larder.itest.dir", "target/itest"));

    private ServerProcesses() {
    }

    /** A running Larder from bin/larder --daemon. */
    public static final class Larder implements AutoCloseable {
        public final Path home;
        final Path data;
        public final int respPort;

        /** What the server logged (data/log/larder.log). */
        public String log() throws IOException {
            return Files.readString(data.resolve("log").resolve("larder.log"));
        }
        private final Map<String, String> environment = new HashMap<>();
        private Process tracer;

        private Larder(Path home, Path data, int respPort) {
            this.home = home;
            this.data = data;
            this.respPort = respPort;
        }

        /** Copies the distribution and sets its ports: discovery at portBase, communication +20, RESP +40, HTTP +81. */
        public static Larder install(String name, int portBase) throws Exception {
            return installNode(name, portBase, 0);
        }

        /**
         * The {@code node}-th node (0 to 9) of a cluster whose discovery ports start at portBase: each node's
         * ports are the first node's plus {@code node}; every node looks for the others in the same range.
         */
        static Larder installNode(String name, int portBase, int node) throws Exception {
            Path root = TEST_ROOT.resolve(name).toAbsolutePath();
            run(List.of("rm", "-rf", root.toString()), 60);
            Files.createDirectories(root);
            run(List.of("cp", "-a", DISTRIBUTION.toAbsolutePath().toString(), root.resolve("larder").toString()), 60);
            Path home = root.resolve("larder");
            Path config = home.resolve("config");
            Files.writeString(config.resolve("dev.larder.storage.cfg"), "nodeName=" + name + "\nlocalAddress=127.0.0.1\n"
                    + "discoveryPort=" + (portBase + node) + "\ndiscoveryAddresses=127.0.0.1:" + portBase + ".." + (portBase + 9) + "\n"
                    + "communicationPort=" + (portBase + 20 + node) + "\npageCacheMb=256\n");
            Files.writeString(config.resolve("dev.larder.resp.cfg"), "port=" + (portBase + 40 + node) + "\nbindAddress=127.0.0.1\n");
            Files.writeString(config.resolve("dev.larder.http.cfg"), "port=" + (portBase + 60 + node) + "\nbindAddress=127.0.0.1\n");
            int httpPort = portBase + 81 + node;
            Files.writeString(config.resolve("org.apache.felix.http.cfg"),
                    "org.osgi.service.http.port=" + httpPort + "\norg.apache.felix.http.host=127.0.0.1\n");
            Path framework = config.resolve("framework.properties");
            Files.writeString(framework, Files.readString(framework)
                    .replace("org.osgi.service.http.port=8181", "org.osgi.service.http.port=" + httpPort)
                    .replace("org.apache.felix.http.host=0.0.0.0", "org.apache.felix.http.host=127.0.0.1"));
            return new Larder(home, root.resolve("data"), portBase + 40 + node);
        }

        /** Adds a line to config/dev.larder.storage.cfg, e.g. persistence=false. */
        public Larder storageSetting(String line) throws IOException {
            Path storage = home.resolve("config").resolve("dev.larder.storage.cfg");
            Files.writeString(storage, Files.readString(storage) + line + "\n");
            return this;
        }

        /**
         * Adds a TLS listener on {@code tlsPort} with a fresh self-signed certificate for 127.0.0.1 (made by
         * openssl); returns the certificate's PEM file, for clients to trust.
         */
        Path tls(int tlsPort) throws Exception {
            Path dir = Files.createDirectories(home.resolve("config").resolve("tls"));
            run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", dir.resolve("redis.key").toString(), "-out", dir.resolve("redis.crt").toString(), "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"), 60);
            Path resp = home.resolve("config").resolve("dev.larder.resp.cfg");
            Files.writeString(resp, Files.readString(resp) + "tlsPort=" + tlsPort + "\ntlsCertFile=config/tls/redis.crt\n"
                    + "tlsKeyFile=config/tls/redis.key\n");
            return dir.resolve("redis.crt");
        }

        /** An environment variable for bin/larder, e.g. LARDER_DEFAULT_TOKEN. */
        public Larder environment(String name, String value) {
            environment.put(name, value);
            return this;
        }

        /** Replaces config/dev.larder.redis.cfg, e.g. to choose the durability. */
        Larder engineSettings(String cfg) throws IOException {
            Files.writeString(home.resolve("config").resolve("dev.larder.redis.cfg"), cfg);
            return this;
        }

        /** Ends the server the hard way: SIGKILL, no shutdown hook, no final flush. */
        public void kill9() throws Exception {
            long pid = Long.parseLong(Files.readString(data.resolve("larder.pid")).trim());
            ProcessHandle.of(pid).orElseThrow();
            run(List.of("kill", "-9", Long.toString(pid)), 10);
            // dead once a zombie: this machine's init reaps orphans late (seconds to minutes), and until then the JDK
            // counts the process alive; a zombie holds no port, file or lock
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!deadOrZombie(pid)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Larder (pid " + pid + ") still runs 30 s after kill -9");
                }
                Thread.sleep(20);
            }
        }

        private static boolean deadOrZombie(long pid) throws IOException {
            try {
                String stat = Files.readString(java.nio.file.Paths.get("/proc", Long.toString(pid), "stat"));
                char state = stat.charAt(stat.lastIndexOf(')') + 2);
                return state == 'Z' || state == 'X';
            } catch (java.nio.file.NoSuchFileException gone) {
                return true;
            }
        }

        /**
         * Starts the server; once more if the first start failed, because a port of its own was taken
         * meanwhile by some connection's ephemeral port (Linux hands those out from 32768 on).
         */
        public Larder start() throws Exception {
            try {
                larder("--daemon", 180);
            } catch (IllegalStateException firstTry) {
                larder("stop", 120);
                Thread.sleep(2000);
                larder("--daemon", 180);
            }
            return this;
        }

        public void stop() throws Exception {
            larder("stop", 120);
            if (tracer != null) {
                tracer.waitFor(60, TimeUnit.SECONDS);
                tracer = null;
            }
        }

        /**
         * Starts the server under strace, which writes to {@code trace} every connect and send of the server's
         * processes and threads (the address each goes to), from the launcher's first line to the server's stop.
         */
        public Larder startTraced(Path trace) throws Exception {
            Path log = data.resolve("log").resolve("larder.log");
            Files.deleteIfExists(log);
            tracer = launcher("strace", "-f", "-qq", "--seccomp-bpf", "-e", "trace=connect,sendto,sendmsg,sendmmsg", "-o", trace.toString(),
                    home.resolve("bin/larder").toString(), "--daemon").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (!(Files.exists(log) && Files.readString(log).contains("Larder ready"))) {
                if (!tracer.isAlive() || System.nanoTime() > deadline) {
                    tracer.destroyForcibly();
                    throw new IllegalStateException("Larder did not start under strace; see " + data.resolve("log"));
                }
                Thread.sleep(200);
            }
            return this;
        }

        /** Runs a console command on the running server (bin/larder console) and returns what it printed. */
        public String console(String command) throws Exception {
            ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/larder").toString(), "console", command).redirectErrorStream(true);
            builder.environment().put("LARDER_DATA", data.toString());
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("bin/larder console " + command + " failed: " + output);
            }
            return output;
        }

        private void larder(String command, int timeoutSeconds) throws Exception {
            Process process = launcher(home.resolve("bin/larder").toString(), command).inheritIO().start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("bin/larder " + command + " failed; see " + data.resolve("log"));
            }
        }

        /** A command run with this server's data directory, JVM options and environment. */
        private ProcessBuilder launcher(String... command) {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().put("LARDER_DATA", data.toString());
            builder.environment().put("JAVA_OPTS", "-Xms128m -Xmx512m");
            builder.environment().putAll(environment);
            return builder;
        }

        @Override
        public void close() throws Exception {
            stop();
        }
    }

    /** redis-server 7 from the PATH, without persistence. */
    static final class Redis implements AutoCloseable {
        final int port;
        private final Process process;

        private Redis(int port, Process process) {
            this.port = port;
            this.process = process;
        }

        static Redis start(int port) throws Exception {
            Process process;
            try {
                process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                        "--save", "", "--appendonly", "no", "--protected-mode", "no", "--enable-debug-command", "local",
                        "--dir", TEST_ROOT.toAbsolutePath().toString()) // SAVE and BGSAVE write there
                        .redirectOutput(TEST_ROOT.resolve("redis-server-" + port + ".log").toFile())
                        .redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new IllegalStateException("redis-server is not installed; .ci/run installs it (apt-get install redis-server)", e);
            }
            long deadline = System.currentTimeMillis() + 10_000;
            while (true) {
                try (RespClient client = new RespClient(port)) {
                    if ("+PONG".equals(client.call("PING"))) {
                        return new Redis(port, process);
                    }
                } catch (IOException notYet) {
                    if (System.currentTimeMillis() > deadline) {
                        process.destroyForcibly();
                        throw new IllegalStateException("redis-server did not start on port " + port);
                    }
                    Thread.sleep(100);
                }
            }
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A Larder and a redis-server on ports of their own, for one test class's side-by-side tests. */
    static final class Pair implements AutoCloseable {
        final Larder larder;
        final Redis redis;

        private Pair(Larder larder, Redis redis) {
            this.larder = larder;
            this.redis = redis;
        }

        /** Installs Larder as {@code name} at {@code portBase}, lets {@code configure} adjust it, starts both. */
        static Pair start(String name, int portBase, int redisPort, Configure configure) throws Exception {
            Redis redis = Redis.start(redisPort);
            try {
                Larder larder = Larder.install(name, portBase);
                configure.apply(larder);
                larder.start();
                return new Pair(larder, redis);
            } catch (Exception | Error e) {
                redis.close();
                throw e;
            }
        }

        @Override
        public void close() throws Exception {
            try {
                larder.close();
            } finally {
                redis.close();
            }
        }
    }

    /** A change to an installed Larder before its start (settings, TLS). */
    interface Configure {
        void apply(Larder larder) throws Exception;
    }

    public static String run(List<String> command, int timeoutSeconds) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }
}
