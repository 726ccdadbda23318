package dev.larder.settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * The process's limit on open files, and the most connections a listener may hold within it. A listener that
 * takes every file descriptor breaks more than itself: Ignite then cannot open its WAL segments and stops the node.
 * So each listener (RESP, HTTP) keeps to a quarter of the limit; the rest is for the other one, the grid's files
 * and sockets, and outgoing deliveries. The JVM raises the soft limit to the hard one as it starts.
 */
public final class OpenFiles {

    private static final int LISTENER_SHARE = 4;
    private static final Path LIMITS = Path.of("/proc/self/limits");

    private OpenFiles() {
    }

    /** The soft limit on open files of this process; empty where the system does not say (not Linux). */
    static OptionalLong limit() {
        try {
            return parseLimit(Files.readAllLines(LIMITS));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** The "Max open files" soft limit of a /proc/PID/limits text; empty when it is missing or unlimited. */
    static OptionalLong parseLimit(List<String> lines) {
        for (String line : lines) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(soft));
            }
        }
        return OptionalLong.empty();
    }

    /** The most connections one listener may hold: a quarter of the open-files limit (unbounded where none is known). */
    public static long connectionsPerListener() {
        return connectionsPerListener(limit());
    }

    static long connectionsPerListener(OptionalLong limit) {
        return limit.isPresent() ? Math.max(1, limit.getAsLong() / LISTENER_SHARE) : Long.MAX_VALUE;
    }
}
