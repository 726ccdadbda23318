package dev.larder.redis.engine.internal;

import dev.larder.redis.api.Arguments;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** MONITOR: every command that ran, as one line per command to each monitoring client, in Redis's format. */
final class MonitorFeed {

    private static final byte[] REDACTED = "(redacted)".getBytes(StandardCharsets.US_ASCII);
    private final Set<Session> monitors = ConcurrentHashMap.newKeySet();

    void add(Session monitor) {
        monitor.monitoring(true);
        monitors.add(monitor);
    }

    void remove(Session monitor) {
        monitor.monitoring(false);
        monitors.remove(monitor);
    }

    boolean isEmpty() {
        return monitors.isEmpty();
    }

    /**
     * {@code +1700000000.123456 [0 127.0.0.1:50000] "set" "k" "v"} to every monitor but the sender: the
     * administrator's see every database, a database's own see that database.
     */
    void feed(Session sender, byte[][] argv) {
        feed(sender, argv, sender.remoteAddress());
    }

    /** A command a script ran: {@code [0 lua]}, as Redis shows it. */
    void feedFromScript(Session sender, byte[][] argv) {
        feed(sender, argv, "lua");
    }

    private void feed(Session sender, byte[][] argv, String origin) {
        Instant now = Instant.now();
        StringBuilder line = new StringBuilder(64).append(now.getEpochSecond()).append('.')
                .append(String.format("%06d", now.getNano() / 1000)).append(" [").append(sender.database()).append(' ')
                .append(origin).append(']');
        for (byte[] argument : redacted(argv)) {
            line.append(' ');
            quote(line, argument);
        }
        String text = line.toString();
        for (Session monitor : monitors) {
            if (monitor != sender && (monitor.administrator() || monitor.tenant() == sender.tenant())) {
                monitor.connection().push(reply -> reply.simple(text));
            }
        }
    }

    /** The arguments with secrets replaced, as Redis redacts AUTH's and HELLO AUTH's. */
    static byte[][] redacted(byte[][] argv) {
        if (Arguments.is(argv[0], "AUTH")) {
            byte[][] shown = argv.clone();
            for (int i = 1; i < shown.length; i++) {
                shown[i] = REDACTED;
            }
            return shown;
        }
        if (Arguments.is(argv[0], "HELLO")) {
            byte[][] shown = argv.clone();
            for (int i = 2; i + 2 < shown.length; i++) {
                if (Arguments.is(shown[i], "AUTH")) {
                    shown[i + 1] = REDACTED;
                    shown[i + 2] = REDACTED;
                    i += 2;
                }
            }
            return shown;
        }
        return argv;
    }

    /** Redis's sdscatrepr: printable bytes as they are, the rest escaped. */
    private static void quote(StringBuilder out, byte[] bytes) {
        out.append('"');
        for (byte b : bytes) {
            int c = b & 0xff;
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 7 -> out.append("\\a");
                case '\b' -> out.append("\\b");
                default -> {
                    if (c >= 32 && c < 127) {
                        out.append((char) c);
                    } else {
                        out.append(String.format("\\x%02x", c));
                    }
                }
            }
        }
        out.append('"');
    }
}
