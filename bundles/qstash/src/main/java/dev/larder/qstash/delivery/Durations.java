package dev.larder.qstash.delivery;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The durations of QStash's headers and of the delays a destination asks for. */
public final class Durations {

    /** One or more {@code <number><unit>} parts, as Go's time.ParseDuration reads them and days besides: {@code 1d1h30m}, {@code 10s}, {@code 1.5h}. */
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h|d)");

    private Durations() {
    }

    /** {@code 1d1h30m}, {@code 10s}, {@code 250ms}; a bare number is seconds. Throws IllegalArgumentException with what is wrong. */
    public static Duration parse(String text) {
        String value = text == null ? "" : text.trim();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        if (value.chars().allMatch(Character::isDigit)) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
        Matcher part = PART.matcher(value);
        long nanos = 0;
        int at = 0;
        while (at < value.length()) {
            if (!part.find(at) || part.start() != at) {
                throw new IllegalArgumentException("invalid duration '" + value + "': use numbers with units d, h, m, s, ms, us or ns, as 1h30m");
            }
            nanos = Math.addExact(nanos, (long) (Double.parseDouble(part.group(1)) * nanosOf(part.group(2))));
            at = part.end();
        }
        return Duration.ofNanos(nanos);
    }

    private static long nanosOf(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> 86_400_000_000_000L;
        };
    }

    /**
     * The wait a destination asks for in {@code Retry-After} or an {@code X-RateLimit-Reset*} header: seconds, an
     * HTTP date or a duration ({@code 6m5s}); null when the value is none of these.
     */
    public static Duration destinationDelay(String value, java.time.Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.trim();
        try {
            if (text.matches("\\d+(\\.\\d+)?")) {
                return Duration.ofMillis((long) (Double.parseDouble(text) * 1000));
            }
            if (Character.isLetter(text.charAt(0))) {
                Duration until = Duration.between(now, ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return until.isNegative() ? Duration.ZERO : until;
            }
            return parse(text);
        } catch (DateTimeParseException | IllegalArgumentException | ArithmeticException unreadable) {
            return null;
        }
    }
}
