package dev.larder.redis.engine.internal;

import static dev.larder.redis.api.CommandFlag.LOADING;
import static dev.larder.redis.api.CommandFlag.STALE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisCompatibility;
import dev.larder.redis.api.Reply;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.larder.storage.StorageUsage;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * INFO [section ...] with Redis 7.0's sections and fields, in its order. Values are Larder's own where it
 * has them: memory is the JVM's heap and the process's resident set, persistence is the change log
 * (Redis's AOF) and the grid writes (its RDB saves), the keyspace is the client's database.
 */
final class InfoCommand implements CommandFamily {

    private static final List<String> DEFAULT = List.of("server", "clients", "memory", "persistence", "stats", "replication", "cpu",
            "modules", "errorstats", "cluster", "keyspace");
    private static final List<String> ALL = List.of("server", "clients", "memory", "persistence", "stats", "replication", "cpu",
            "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace");
    /** Redis's run_id and replication id: random per start. */
    private static final String RUN_ID = randomId();

    private final RedisEngine engine;
    private final Diagnostics diagnostics;
    private final long startupHeap;
    private volatile long peakMemory;

    InfoCommand(RedisEngine engine, Diagnostics diagnostics) {
        this.engine = engine;
        this.diagnostics = diagnostics;
        startupHeap = usedHeap();
    }

    private static String randomId() {
        byte[] bytes = new byte[20];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public List<RedisCommand> commands() {
        return List.of(RedisCommand.of(command("info", -1).flags(LOADING, STALE).categories("dangerous").build(),
                this::info));
    }

    private void info(CommandContext c, byte[][] argv, Reply r) {
        Set<String> asked = new HashSet<>();
        for (int i = 1; i < argv.length; i++) {
            asked.add(Arguments.text(argv[i]).toLowerCase(Locale.ROOT));
        }
        List<String> sections = asked.isEmpty() || asked.contains("default") ? new ArrayList<>(DEFAULT) : new ArrayList<>();
        if (asked.contains("all") || asked.contains("everything")) {
            sections = new ArrayList<>(ALL);
        }
        for (String name : ALL) {
            if (asked.contains(name) && !sections.contains(name)) {
                sections.add(name);
            }
        }
        List<String> ordered = ALL.stream().filter(sections::contains).toList();
        Session session = (Session) c;
        StringBuilder text = new StringBuilder();
        for (String section : ordered) {
            text.append("# ").append(title(section)).append("\r\n");
            section(section, session, text);
            text.append("\r\n");
        }
        String shown = text.toString();
        r.bulk(shown.isEmpty() ? "" : shown.substring(0, shown.length() - 2));
    }

    private static String title(String section) {
        return switch (section) {
            case "cpu" -> "CPU";
            default -> Character.toUpperCase(section.charAt(0)) + section.substring(1);
        };
    }

    private void section(String section, Session session, StringBuilder text) {
        Fields fields = new Fields(text);
        switch (section) {
            case "server" -> server(session, fields);
            case "clients" -> clients(fields);
            case "memory" -> memory(session, fields);
            case "persistence" -> persistence(session, fields);
            case "stats" -> stats(fields);
            case "replication" -> replication(fields);
            case "cpu" -> cpu(fields);
            case "commandstats" -> engine.serverStats().commands().forEach((name, stat) -> {
                long calls = stat.calls.sum();
                long micros = stat.micros.sum();
                fields.add("cmdstat_" + name, "calls=" + calls + ",usec=" + micros + ",usec_per_call="
                        + String.format(Locale.ROOT, "%.2f", calls == 0 ? 0.0 : (double) micros / calls) + ",rejected_calls="
                        + stat.rejected.sum() + ",failed_calls=" + stat.failed.sum());
            });
            case "errorstats" -> engine.serverStats().errors().forEach((prefix, count) -> fields.add("errorstat_" + prefix,
                    "count=" + count));
            case "latencystats" -> latencies(fields);
            case "cluster" -> fields.add("cluster_enabled", 0);
            case "keyspace" -> keyspace(session, fields);
            default -> {
                // modules: Larder's plugins are bundles, listed by the console (lb), not Redis modules
            }
        }
        if (!section.equals("memory")) {
            fromFamilies(section, session, fields);
        }
    }

    /** Fields the command families (plugins included) add to a section. */
    private void fromFamilies(String section, Session session, Fields f) {
        for (CommandFamily family : engine.registry().families()) {
            family.info(section, session, f::add);
        }
    }

    private void server(Session session, Fields f) {
        long uptime = (System.currentTimeMillis() - engine.stats().startedMillis()) / 1000;
        ParameterValues server = engine.serverParameters();
        String local = session.localAddress();
        f.add("redis_version", RedisCompatibility.VERSION);
        f.add("redis_git_sha1", "00000000");
        f.add("redis_git_dirty", 0);
        f.add("redis_build_id", "larder");
        f.add("redis_mode", "standalone");
        f.add("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        f.add("arch_bits", 64);
        f.add("monotonic_clock", "System.nanoTime");
        f.add("multiplexing_api", "epoll");
        f.add("atomicvar_api", "java");
        f.add("gcc_version", "0.0.0");
        f.add("process_id", ProcessHandle.current().pid());
        f.add("process_supervised", "no");
        f.add("run_id", RUN_ID);
        f.add("tcp_port", local.substring(local.lastIndexOf(':') + 1));
        f.add("server_time_usec", System.currentTimeMillis() * 1000);
        f.add("uptime_in_seconds", uptime);
        f.add("uptime_in_days", uptime / 86400);
        f.add("hz", server.get("hz"));
        f.add("configured_hz", server.get("hz"));
        f.add("lru_clock", (System.currentTimeMillis() / 1000) & ((1 << 24) - 1));
        f.add("executable", System.getProperty("larder.home", "") + "/bin/larder");
        f.add("config_file", System.getProperty("larder.home", "") + "/config");
        f.add("io_threads_active", 0);
        f.add("larder_version", RedisEngine.class.getPackage().getImplementationVersion() == null ? "dev"
                : RedisEngine.class.getPackage().getImplementationVersion());
        f.add("java_version", Runtime.version());
    }

    private void clients(Fields f) {
        long blocked = 0;
        long inTimeoutTable = 0;
        for (Session session : engine.sessions()) {
            if (session.waiting()) {
                blocked++;
                inTimeoutTable++;
            }
        }
        f.add("connected_clients", engine.sessions().size());
        f.add("cluster_connections", 0);
        f.add("maxclients", engine.clientLimits().maxClients());
        f.add("client_recent_max_input_buffer", 0);
        f.add("client_recent_max_output_buffer", 0);
        f.add("blocked_clients", blocked);
        f.add("tracking_clients", engine.keyTracking().clients());
        f.add("clients_in_timeout_table", inTimeoutTable);
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private void memory(Session session, Fields f) {
        Runtime runtime = Runtime.getRuntime();
        long used = usedHeap();
        peakMemory = Math.max(peakMemory, used);
        long rss = residentBytes();
        long total = systemMemory();
        long maxmemory = session.tenant().parameters.number("maxmemory");
        f.add("used_memory", used);
        f.add("used_memory_human", human(used));
        f.add("used_memory_rss", rss);
        f.add("used_memory_rss_human", human(rss));
        f.add("used_memory_peak", peakMemory);
        f.add("used_memory_peak_human", human(peakMemory));
        f.add("used_memory_peak_perc", percent(used, peakMemory));
        f.add("used_memory_overhead", startupHeap);
        f.add("used_memory_startup", startupHeap);
        f.add("used_memory_dataset", Math.max(0, used - startupHeap));
        f.add("used_memory_dataset_perc", percent(Math.max(0, used - startupHeap), used));
        f.add("allocator_allocated", used);
        f.add("allocator_active", runtime.totalMemory());
        f.add("allocator_resident", rss);
        f.add("total_system_memory", total);
        f.add("total_system_memory_human", human(total));
        fromFamilies("memory", session, f);
        f.add("maxmemory", maxmemory);
        f.add("maxmemory_human", human(maxmemory));
        f.add("maxmemory_policy", session.tenant().parameters.get("maxmemory-policy"));
        long hotSet = session.tenant().hotSetBudget();
        f.add("hot_set_budget", hotSet);
        f.add("hot_set_budget_human", human(hotSet));
        f.add("hot_set_estimated", session.tenant().estimatedBytes);
        f.add("hot_set_estimated_human", human(session.tenant().estimatedBytes));
        f.add("heap_max", runtime.maxMemory());
        f.add("heap_max_human", human(runtime.maxMemory()));
        // the second budget: the storage grid's pages in memory (a page cache over its files with persistence)
        StorageUsage grid = engine.storageUsage();
        f.add("grid_page_memory", grid.memoryBytes());
        f.add("grid_page_memory_human", human(grid.memoryBytes()));
        f.add("grid_page_memory_max", grid.memoryLimitBytes());
        f.add("grid_page_memory_max_human", human(grid.memoryLimitBytes()));
        f.add("allocator_frag_ratio", ratio(runtime.totalMemory(), used));
        f.add("allocator_frag_bytes", runtime.totalMemory() - used);
        f.add("allocator_rss_ratio", ratio(rss, runtime.totalMemory()));
        f.add("allocator_rss_bytes", rss - runtime.totalMemory());
        f.add("rss_overhead_ratio", "1.00");
        f.add("rss_overhead_bytes", 0);
        f.add("mem_fragmentation_ratio", ratio(rss, used));
        f.add("mem_fragmentation_bytes", rss - used);
        f.add("mem_not_counted_for_evict", 0);
        f.add("mem_replication_backlog", 0);
        f.add("mem_total_replication_buffers", 0);
        f.add("mem_clients_slaves", 0);
        f.add("mem_clients_normal", 0);
        f.add("mem_cluster_links", 0);
        f.add("mem_aof_buffer", 0);
        f.add("mem_allocator", "jvm-" + ManagementFactory.getGarbageCollectorMXBeans().stream().findFirst()
                .map(gc -> gc.getName().replace(' ', '-')).orElse("gc"));
        f.add("active_defrag_running", 0);
        f.add("lazyfree_pending_objects", 0);
        f.add("lazyfreed_objects", 0);
    }

    private void persistence(Session session, Fields f) {
        WriteBehind grid = engine.writeBehind();
        f.add("loading", 0);
        f.add("async_loading", 0);
        f.add("current_cow_peak", 0);
        f.add("current_cow_size", 0);
        f.add("current_cow_size_age", 0);
        f.add("current_fork_perc", "0.00");
        f.add("current_save_keys_processed", 0);
        f.add("current_save_keys_total", 0);
        f.add("rdb_changes_since_last_save", grid.changesSinceGridWrite.get());
        f.add("rdb_bgsave_in_progress", engine.savingInBackground() ? 1 : 0);
        f.add("rdb_last_save_time", grid.lastGridWriteMillis / 1000);
        f.add("rdb_last_bgsave_status", grid.lastGridWriteFailed ? "err" : "ok");
        f.add("rdb_last_bgsave_time_sec", grid.lastGridWriteSeconds);
        f.add("rdb_current_bgsave_time_sec", -1);
        f.add("rdb_saves", grid.gridWrites.get());
        f.add("rdb_last_cow_size", 0);
        f.add("rdb_last_load_keys_expired", 0);
        f.add("rdb_last_load_keys_loaded", engine.keysLoadedAtStart());
        boolean aof = session.tenant().persisted();
        f.add("aof_enabled", aof ? 1 : 0);
        f.add("aof_rewrite_in_progress", 0);
        f.add("aof_rewrite_scheduled", 0);
        f.add("aof_last_rewrite_time_sec", -1);
        f.add("aof_current_rewrite_time_sec", -1);
        f.add("aof_last_bgrewrite_status", "ok");
        f.add("aof_rewrites", 0);
        f.add("aof_rewrites_consecutive_failures", 0);
        f.add("aof_last_write_status", grid.lastLogWriteFailed ? "err" : "ok");
        f.add("aof_last_cow_size", 0);
        f.add("module_fork_in_progress", 0);
        f.add("module_fork_last_cow_size", 0);
        if (aof) {
            f.add("aof_current_size", grid.logBytesSinceGridWrite());
            f.add("aof_base_size", 0);
            f.add("aof_pending_rewrite", 0);
            f.add("aof_buffer_length", 0);
            f.add("aof_pending_bio_fsync", 0);
            f.add("aof_delayed_fsync", 0);
        }
    }

    private void stats(Fields f) {
        ServerStats stats = engine.serverStats();
        KeyTracking tracking = engine.keyTracking();
        PubSub pubSub = engine.pubSub();
        f.add("total_connections_received", stats.connectionsReceived.sum());
        f.add("total_commands_processed", stats.commandsProcessed.sum());
        f.add("instantaneous_ops_per_sec", stats.instantaneousOpsPerSecond());
        f.add("total_net_input_bytes", stats.bytesIn.sum());
        f.add("total_net_output_bytes", stats.bytesOut.sum());
        f.add("total_net_repl_input_bytes", 0);
        f.add("total_net_repl_output_bytes", 0);
        f.add("instantaneous_input_kbps", "0.00");
        f.add("instantaneous_output_kbps", "0.00");
        f.add("instantaneous_input_repl_kbps", "0.00");
        f.add("instantaneous_output_repl_kbps", "0.00");
        f.add("rejected_connections", stats.rejectedConnections.sum());
        f.add("sync_full", 0);
        f.add("sync_partial_ok", 0);
        f.add("sync_partial_err", 0);
        f.add("expired_keys", stats.expiredKeys.sum());
        f.add("expired_stale_perc", "0.00");
        f.add("expired_time_cap_reached_count", 0);
        f.add("expire_cycle_cpu_milliseconds", 0);
        f.add("evicted_keys", stats.evictedKeys.sum());
        // Larder's own: values that left memory under a hot-set budget, and reads that loaded one back
        ColdValues cold = engine.coldValues();
        long loads = cold.loads.sum();
        f.add("offloaded_values", stats.valuesOffloaded.sum());
        f.add("cold_value_loads", loads);
        f.add("cold_value_load_usec_per_load", loads == 0 ? "0.00" : String.format(Locale.ROOT, "%.2f", cold.loadNanos.sum() / 1000.0 / loads));
        f.add("cold_value_load_usec_max", cold.slowestLoadNanos.get() / 1000);
        f.add("evicted_clients", 0);
        f.add("total_eviction_exceeded_time", 0);
        f.add("current_eviction_exceeded_time", 0);
        f.add("keyspace_hits", stats.keyspaceHits.sum());
        f.add("keyspace_misses", stats.keyspaceMisses.sum());
        f.add("pubsub_channels", pubSub.count(PubSub.Kind.CHANNEL));
        f.add("pubsub_patterns", pubSub.count(PubSub.Kind.PATTERN));
        f.add("pubsubshard_channels", pubSub.count(PubSub.Kind.SHARD));
        f.add("latest_fork_usec", 0);
        f.add("total_forks", 0);
        f.add("migrate_cached_sockets", 0);
        f.add("slave_expires_tracked_keys", 0);
        f.add("active_defrag_hits", 0);
        f.add("active_defrag_misses", 0);
        f.add("active_defrag_key_hits", 0);
        f.add("active_defrag_key_misses", 0);
        f.add("total_active_defrag_time", 0);
        f.add("current_active_defrag_time", 0);
        f.add("tracking_total_keys", tracking.trackedKeys());
        f.add("tracking_total_items", tracking.trackedItems());
        f.add("tracking_total_prefixes", tracking.prefixes());
        f.add("unexpected_error_replies", 0);
        f.add("total_error_replies", stats.errorReplies.sum());
        f.add("dump_payload_sanitizations", 0);
        f.add("total_reads_processed", stats.commandsProcessed.sum());
        f.add("total_writes_processed", stats.commandsProcessed.sum());
        f.add("io_threaded_reads_processed", 0);
        f.add("io_threaded_writes_processed", 0);
        f.add("reply_buffer_shrinks", 0);
        f.add("reply_buffer_expands", 0);
    }

    private void replication(Fields f) {
        f.add("role", "master");
        f.add("connected_slaves", 0);
        f.add("master_failover_state", "no-failover");
        f.add("master_replid", RUN_ID);
        f.add("master_replid2", "0".repeat(40));
        f.add("master_repl_offset", 0);
        f.add("second_repl_offset", -1);
        f.add("repl_backlog_active", 0);
        f.add("repl_backlog_size", engine.serverParameters().get("repl-backlog-size"));
        f.add("repl_backlog_first_byte_offset", 0);
        f.add("repl_backlog_histlen", 0);
    }

    /** From /proc/self/stat (user and system clock ticks, 100 a second), else the JVM's process CPU time as user time. */
    private static void cpu(Fields f) {
        double user = 0;
        double system = 0;
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            user = Long.parseLong(fields[11]) / 100.0;
            system = Long.parseLong(fields[12]) / 100.0;
        } catch (IOException | RuntimeException notLinux) {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                user = os.getProcessCpuTime() / 1e9;
            }
        }
        f.add("used_cpu_sys", String.format(Locale.ROOT, "%.6f", system));
        f.add("used_cpu_user", String.format(Locale.ROOT, "%.6f", user));
        f.add("used_cpu_sys_children", "0.000000");
        f.add("used_cpu_user_children", "0.000000");
        f.add("used_cpu_sys_main_thread", String.format(Locale.ROOT, "%.6f", system));
        f.add("used_cpu_user_main_thread", String.format(Locale.ROOT, "%.6f", user));
    }

    /** latency_percentiles_usec_<command>:p50=...,p99=...,p99.9=... for latency-tracking-info-percentiles. */
    private void latencies(Fields f) {
        ParameterValues server = engine.serverParameters();
        if (!server.get("latency-tracking").equals("yes")) {
            return;
        }
        String wanted = server.get("latency-tracking-info-percentiles");
        engine.serverStats().commands().forEach((name, stat) -> {
            List<String> values = new ArrayList<>();
            if (stat.calls.sum() > 0) {
                for (String percentile : wanted.isBlank() ? new String[0] : wanted.trim().split(" +")) {
                    values.add("p" + percentile + "=" + String.format(Locale.ROOT, "%.3f",
                            (double) stat.latency.getValueAtPercentile(Double.parseDouble(percentile))));
                }
            }
            f.add("latency_percentiles_usec_" + name, String.join(",", values));
        });
    }

    private void keyspace(Session session, Fields f) {
        for (int db = 0; db < session.databases(); db++) {
            long[] counts = engine.keyCounts(session.tenant(), db);
            if (counts[0] > 0) {
                f.add("db" + db, "keys=" + counts[0] + ",expires=" + counts[1] + ",avg_ttl=" + counts[2]);
            }
        }
    }

    private static long residentBytes() {
        try {
            String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split(" ");
            return Long.parseLong(statm[1]) * 4096;
        } catch (IOException | RuntimeException notLinux) {
            return Runtime.getRuntime().totalMemory();
        }
    }

    private static long systemMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }

    /** Redis's bytesToHuman. */
    static String human(long bytes) {
        double value = bytes;
        if (bytes < 1024) {
            return bytes + "B";
        }
        String[] units = {"K", "M", "G", "T", "P", "E"};
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.2f%s", value, units[unit]);
    }

    private static String percent(long part, long whole) {
        return String.format(Locale.ROOT, "%.2f%%", whole == 0 ? 0.0 : part * 100.0 / whole);
    }

    private static String ratio(long a, long b) {
        return String.format(Locale.ROOT, "%.2f", b == 0 ? 0.0 : (double) a / b);
    }

    /** name:value lines. */
    private record Fields(StringBuilder text) {
        void add(String name, Object value) {
            text.append(name).append(':').append(value).append("\r\n");
        }
    }
}
