package dev.larder.qstash.delivery;

import java.time.Duration;

/** How long QStash waits before a retry when neither the message nor the destination says. */
public final class Backoff {

    /** The longest wait: a day (also the longest a destination may ask for; beyond it the default applies). */
    public static final Duration MAX = Duration.ofDays(1);

    private Backoff() {
    }

    /** {@code min(1 day, e^(2.5 n))} seconds after the n-th failed attempt (n from 1): 12 s, 2 m 28 s, 30 m 8 s, 6 h 7 m 6 s, 1 day. */
    public static Duration afterFailure(int failures) {
        double seconds = Math.exp(2.5 * failures);
        return seconds >= MAX.toSeconds() ? MAX : Duration.ofSeconds((long) seconds);
    }

    /** The wait a destination asked for, where it is within a day; otherwise the default one. */
    public static Duration retryDelay(Duration askedByDestination, int failures) {
        return askedByDestination != null && askedByDestination.compareTo(MAX) <= 0 ? askedByDestination : afterFailure(failures);
    }
}
