package dev.larder.qstash.console;

import dev.larder.databases.Database;
import dev.larder.databases.Databases;
import dev.larder.qstash.service.QStashService;
import dev.larder.qstash.store.DeadLetter;
import dev.larder.qstash.store.Event;
import dev.larder.qstash.store.Queue;
import dev.larder.qstash.store.Schedule;
import dev.larder.qstash.store.SigningKeys;
import dev.larder.qstash.store.UrlGroup;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The console's QStash commands, per database (the default one unless named). Gogo finds methods by name and
 * names cannot hold a '-', so every function lands in {@code _main} with its name first.
 */
@Component(service = QStashCommands.class, property = {
        "osgi.command.scope=larder",
        "osgi.command.function=qstash-queues",
        "osgi.command.function=qstash-schedules",
        "osgi.command.function=qstash-groups",
        "osgi.command.function=qstash-dlq",
        "osgi.command.function=qstash-logs",
        "osgi.command.function=qstash-keys"})
public class QStashCommands {

    private static final String USAGE = """
            larder:qstash-queues [DB]             a database's queues: parallelism, paused, messages not yet delivered
            larder:qstash-schedules [DB]          its schedules: cron, destination, last and next firing, paused
            larder:qstash-groups [DB]             its URL groups and their endpoints
            larder:qstash-dlq [DB]                its dead letters, newest first: where they went and the last answer
            larder:qstash-logs [DB] [--count N]   its latest message events (50 unless --count)
            larder:qstash-keys [DB]               its signing keys (for the receivers' QSTASH_*_SIGNING_KEY)""";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Reference
    private QStashService qstash;

    @Reference
    private Databases databases;

    public String _main(String function, String[] args) {
        try {
            return switch (function) {
                case "qstash-queues" -> queues(database(args));
                case "qstash-schedules" -> schedules(database(args));
                case "qstash-groups" -> groups(database(args));
                case "qstash-dlq" -> deadLetters(database(args));
                case "qstash-logs" -> logs(database(args), count(args));
                case "qstash-keys" -> keys(database(args));
                default -> USAGE;
            };
        } catch (IllegalArgumentException e) {
            return "Error: " + e.getMessage() + System.lineSeparator() + "Usage:" + System.lineSeparator() + USAGE;
        }
    }

    private Database database(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--count")) {
                i++;
            } else {
                String name = args[i];
                return databases.find(name).orElseThrow(() -> new IllegalArgumentException("No database '" + name + "'"));
            }
        }
        return databases.defaultDatabase();
    }

    private static int count(String[] args) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--count")) {
                try {
                    return Math.max(1, Integer.parseInt(args[i + 1]));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--count takes a number, got " + args[i + 1]);
                }
            }
        }
        return 50;
    }

    private String queues(Database database) {
        List<Queue> queues = qstash.store().queuesOf(database.id());
        if (queues.isEmpty()) {
            return "No queues in database '" + database.name() + "'";
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-30s %11s %-6s %8s%n", "QUEUE", "PARALLELISM", "PAUSED", "LAG"));
        for (Queue queue : queues) {
            out.append(String.format(Locale.ROOT, "%-30s %11d %-6s %8d%n", queue.name(), queue.parallelism(), queue.paused() ? "yes" : "no",
                    qstash.deliveries().lag(database.id(), queue.name())));
        }
        return out.toString().stripTrailing();
    }

    private String schedules(Database database) {
        List<Schedule> schedules = qstash.store().schedules(schedule -> schedule.database() == database.id());
        if (schedules.isEmpty()) {
            return "No schedules in database '" + database.name() + "'";
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-28s %-36s %-24s %-24s %-6s %s%n", "SCHEDULE", "CRON", "LAST",
                "NEXT", "PAUSED", "DESTINATION"));
        for (Schedule schedule : schedules) {
            out.append(String.format(Locale.ROOT, "%-28s %-36s %-24s %-24s %-6s %s%n", schedule.scheduleId(), schedule.cron(),
                    schedule.lastScheduleTime() == null ? "-" : TIME.format(Instant.ofEpochMilli(schedule.lastScheduleTime())),
                    schedule.paused() ? "-" : TIME.format(Instant.ofEpochMilli(schedule.nextScheduleTime())), schedule.paused() ? "yes" : "no",
                    schedule.publication().url()));
        }
        return out.toString().stripTrailing();
    }

    private String groups(Database database) {
        List<UrlGroup> groups = qstash.store().groupsOf(database.id());
        if (groups.isEmpty()) {
            return "No URL groups in database '" + database.name() + "'";
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-30s %-20s %s%n", "URL GROUP", "ENDPOINT", "URL"));
        for (UrlGroup group : groups) {
            for (UrlGroup.Endpoint endpoint : group.endpoints()) {
                out.append(String.format(Locale.ROOT, "%-30s %-20s %s%n", group.name(), endpoint.name() == null ? "-" : endpoint.name(), endpoint.url()));
            }
        }
        return out.toString().stripTrailing();
    }

    private String deadLetters(Database database) {
        List<DeadLetter> letters = qstash.store().deadLettersOf(database.id(), letter -> true);
        if (letters.isEmpty()) {
            return "The dead-letter queue of database '" + database.name() + "' is empty";
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-24s %-26s %-8s %7s  %s%n", "FAILED", "DLQ ID", "TRIES", "STATUS", "URL"));
        for (DeadLetter letter : letters) {
            out.append(String.format(Locale.ROOT, "%-24s %-26s %-8d %7s  %s%n", TIME.format(Instant.ofEpochMilli(letter.failedAt())), letter.dlqId(),
                    letter.message().retried() + 1, letter.responseStatus() == null ? "-" : letter.responseStatus(), letter.message().url()));
            if (letter.error() != null) {
                out.append("    ").append(letter.error()).append(System.lineSeparator());
            }
        }
        return out.toString().stripTrailing();
    }

    private String logs(Database database, int count) {
        List<Event> events = qstash.store().eventsOf(database.id(), event -> true, count, null).items();
        if (events.isEmpty()) {
            return "No QStash events in database '" + database.name() + "'";
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-24s %-10s %-28s %s%n", "TIME", "STATE", "MESSAGE", "URL"));
        for (Event event : events) {
            out.append(String.format(Locale.ROOT, "%-24s %-10s %-28s %s%s%n", TIME.format(Instant.ofEpochMilli(event.time())), event.state(),
                    event.messageId(), event.url(), event.error() == null ? "" : "  (" + event.error() + ")"));
        }
        return out.toString().stripTrailing();
    }

    private String keys(Database database) {
        SigningKeys keys = qstash.store().signingKeys(database.id());
        return "Current signing key: " + keys.current() + System.lineSeparator() + "Next signing key:    " + keys.next();
    }
}
