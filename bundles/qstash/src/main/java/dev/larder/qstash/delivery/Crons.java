package dev.larder.qstash.delivery;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * QStash's cron: five Unix fields (minute resolution), read by cron-utils, in UTC or in the time zone a
 * {@code CRON_TZ=<IANA zone>} prefix names.
 */
public final class Crons {

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    /** A parsed cron: when it fires next after a time. */
    public record Cron(String text, ZoneId zone, ExecutionTime times) {

        /** The first firing strictly after {@code after} (Unix ms); Long.MAX_VALUE when there is none. */
        public long nextAfter(long after) {
            ZonedDateTime from = Instant.ofEpochMilli(after).atZone(zone);
            return times.nextExecution(from).map(next -> next.toInstant().toEpochMilli()).orElse(Long.MAX_VALUE);
        }
    }

    private Crons() {
    }

    /** The cron, or IllegalArgumentException with what is wrong with it. */
    public static Cron parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("Invalid cron expression empty spec string");
        }
        String expression = text.trim();
        ZoneId zone = ZoneOffset.UTC;
        if (expression.startsWith("CRON_TZ=") || expression.startsWith("TZ=")) {
            int space = expression.indexOf(' ');
            String name = expression.substring(expression.indexOf('=') + 1, space < 0 ? expression.length() : space);
            try {
                zone = ZoneId.of(name);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("Invalid cron expression: unknown time zone " + name);
            }
            expression = space < 0 ? "" : expression.substring(space + 1).trim();
        }
        if (expression.isEmpty()) {
            throw new IllegalArgumentException("Invalid cron expression empty spec string");
        }
        String[] fields = expression.split("\\s+");
        if (fields.length != 5) {
            throw new IllegalArgumentException("Invalid cron expression: expected exactly 5 fields, found " + fields.length + ": " + expression);
        }
        try {
            return new Cron(text.trim(), zone, ExecutionTime.forCron(PARSER.parse(expression).validate()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid cron expression " + expression + ": " + e.getMessage());
        }
    }
}
