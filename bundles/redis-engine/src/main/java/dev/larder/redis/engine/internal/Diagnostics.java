package dev.larder.redis.engine.internal;

import dev.larder.redis.api.CommandFlag;
import dev.larder.redis.api.CommandSpec;
import dev.larder.settings.InvalidSettingException;
import dev.larder.settings.SettingsCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slow log and the latency monitor, as Redis keeps them. Its settings change at run time (CONFIG SET,
 * or the file in config/) without restarting the engine.
 */
@Component(service = Diagnostics.class, configurationPid = DiagnosticsSettings.PID)
@Designate(ocd = DiagnosticsSettings.class)
public class Diagnostics {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.redis");
    private static final int MAX_ARGUMENTS = 32;
    private static final int MAX_ARGUMENT_BYTES = 128;
    private static final int LATENCY_SAMPLES = 160;

    /** One SLOWLOG GET entry. */
    record SlowCommand(long id, long unixSeconds, long micros, List<byte[]> arguments, String client, String clientName) {
    }

    /** A latency spike: when (Unix seconds) and how long (ms). */
    record LatencySample(long unixSeconds, long millis) {
    }

    /** Samples of one latency event ("command", "fast-command"), oldest first, and the highest ever seen. */
    static final class LatencyEvent {
        final Deque<LatencySample> samples = new ArrayDeque<>();
        long max;
    }

    private final Path configDirectory;
    private volatile long slowerThanMicros;
    private volatile int maxLength;
    private volatile long latencyThresholdMillis;
    private final Deque<SlowCommand> slowLog = new ArrayDeque<>();
    private long nextSlowId;
    private final Map<String, LatencyEvent> latency = new LinkedHashMap<>();

    @Activate
    public Diagnostics(BundleContext context, DiagnosticsSettings settings, Map<String, Object> properties) {
        String home = context.getProperty("larder.home");
        configDirectory = home == null ? null : Paths.get(home).resolve("config");
        apply(settings, properties);
    }

    @Modified
    void modified(DiagnosticsSettings settings, Map<String, Object> properties) {
        apply(settings, properties);
    }

    private void apply(DiagnosticsSettings settings, Map<String, Object> properties) {
        try {
            SettingsCheck.check(DiagnosticsSettings.PID, DiagnosticsSettings.class, properties);
            slowerThan(settings.slowlogLogSlowerThan());
            maxLength(settings.slowlogMaxLen());
            latencyThreshold(settings.latencyMonitorThreshold());
        } catch (InvalidSettingException | IllegalArgumentException e) {
            LOG.error("Redis diagnostics settings not applied: {}", e.getMessage());
        }
    }

    /** Called after every command that ran; cheap when nothing is recorded. */
    void record(Session session, CommandSpec spec, byte[][] argv, long nanos) {
        long micros = nanos / 1000;
        long slower = slowerThanMicros;
        if (slower >= 0 && micros >= slower && !spec.has(CommandFlag.SKIP_SLOWLOG)) {
            addSlow(session, argv, micros);
        }
        long threshold = latencyThresholdMillis;
        if (threshold > 0 && micros / 1000 >= threshold) {
            addLatency(spec.has(CommandFlag.FAST) ? "fast-command" : "command", micros / 1000);
        }
    }

    private synchronized void addSlow(Session session, byte[][] argv, long micros) {
        byte[][] shown = MonitorFeed.redacted(argv);
        List<byte[]> arguments = new ArrayList<>();
        int kept = Math.min(shown.length, MAX_ARGUMENTS);
        for (int i = 0; i < kept; i++) {
            if (kept < shown.length && i == kept - 1) {
                arguments.add(("... (" + (shown.length - kept + 1) + " more arguments)").getBytes(StandardCharsets.UTF_8));
            } else if (shown[i].length > MAX_ARGUMENT_BYTES) {
                byte[] suffix = ("... (" + (shown[i].length - MAX_ARGUMENT_BYTES) + " more bytes)").getBytes(StandardCharsets.UTF_8);
                byte[] cut = Arrays.copyOf(shown[i], MAX_ARGUMENT_BYTES + suffix.length);
                System.arraycopy(suffix, 0, cut, MAX_ARGUMENT_BYTES, suffix.length);
                arguments.add(cut);
            } else {
                arguments.add(shown[i]);
            }
        }
        slowLog.addFirst(new SlowCommand(nextSlowId++, System.currentTimeMillis() / 1000, micros, arguments,
                session.remoteAddress(), session.name() == null ? "" : session.name()));
        while (slowLog.size() > maxLength) {
            slowLog.removeLast();
        }
    }

    private synchronized void addLatency(String event, long millis) {
        LatencyEvent samples = latency.computeIfAbsent(event, name -> new LatencyEvent());
        long now = System.currentTimeMillis() / 1000;
        LatencySample last = samples.samples.peekLast();
        if (last != null && last.unixSeconds() == now) {
            // one sample per second, as Redis: keep the worst
            if (millis > last.millis()) {
                samples.samples.removeLast();
                samples.samples.addLast(new LatencySample(now, millis));
            }
        } else {
            samples.samples.addLast(new LatencySample(now, millis));
            if (samples.samples.size() > LATENCY_SAMPLES) {
                samples.samples.removeFirst();
            }
        }
        samples.max = Math.max(samples.max, millis);
    }

    synchronized List<SlowCommand> slowLog(long count) {
        return slowLog.stream().limit(count < 0 ? Long.MAX_VALUE : count).toList();
    }

    synchronized int slowLogLength() {
        return slowLog.size();
    }

    synchronized void resetSlowLog() {
        slowLog.clear();
    }

    /** A copy of every latency event's samples. */
    synchronized Map<String, LatencyEvent> latencyEvents() {
        Map<String, LatencyEvent> copy = new LinkedHashMap<>();
        latency.forEach((name, event) -> {
            LatencyEvent snapshot = new LatencyEvent();
            snapshot.samples.addAll(event.samples);
            snapshot.max = event.max;
            copy.put(name, snapshot);
        });
        return copy;
    }

    /** Resets the named events, or every event when none is named; returns how many were reset. */
    synchronized int resetLatency(List<String> events) {
        if (events.isEmpty()) {
            int count = latency.size();
            latency.clear();
            return count;
        }
        int count = 0;
        for (String event : events) {
            count += latency.remove(event) != null ? 1 : 0;
        }
        return count;
    }

    long slowerThan() {
        return slowerThanMicros;
    }

    void slowerThan(long micros) {
        if (micros < -1) {
            throw new IllegalArgumentException("slowlogLogSlowerThan must be -1 or more");
        }
        slowerThanMicros = micros;
    }

    int maxLength() {
        return maxLength;
    }

    synchronized void maxLength(long entries) {
        if (entries < 0 || entries > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("slowlogMaxLen must be 0 or more");
        }
        maxLength = (int) entries;
        while (slowLog.size() > maxLength) {
            slowLog.removeLast();
        }
    }

    long latencyThreshold() {
        return latencyThresholdMillis;
    }

    void latencyThreshold(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("latencyMonitorThreshold must be 0 or more");
        }
        latencyThresholdMillis = millis;
    }

    /** CONFIG REWRITE: the current values into config/, where Config Admin (FileInstall) reads them from. */
    void save() throws IOException {
        if (configDirectory == null) {
            throw new IOException("the server runs without a config directory");
        }
        String text = "# Written by CONFIG REWRITE; edit freely.\n"
                + "slowlogLogSlowerThan=" + slowerThanMicros + "\n"
                + "slowlogMaxLen=" + maxLength + "\n"
                + "latencyMonitorThreshold=" + latencyThresholdMillis + "\n";
        Path file = configDirectory.resolve(DiagnosticsSettings.PID + ".cfg");
        Path temporary = configDirectory.resolve(DiagnosticsSettings.PID + ".cfg.tmp");
        Files.writeString(temporary, text);
        Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
