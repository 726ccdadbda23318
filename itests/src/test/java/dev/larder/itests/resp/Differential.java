package dev.larder.itests.resp;

import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Sends the same commands to Larder and to redis-server, one by one on one connection each, and lists
 * the replies that differ, with the commands that led there. A normalizer may make replies comparable
 * where Redis leaves the order open (SMEMBERS) or chooses at random (SRANDMEMBER with a negative count).
 */
final class Differential {

    /** Leaves replies as they are. */
    static final BiFunction<String[], String, String> EXACT = (command, reply) -> reply;

    private Differential() {
    }

    static List<String> differences(int larderPort, int redisPort, List<String[]> commands,
            BiFunction<String[], String, String> normalizer) throws Exception {
        List<String> differences = new ArrayList<>();
        try (RespClient ours = new RespClient(larderPort); RespClient theirs = new RespClient(redisPort)) {
            ours.call("FLUSHALL");
            theirs.call("FLUSHALL");
            List<String> recent = new ArrayList<>();
            // -Dlarder.differential.trace=KEY shows, at the first difference, every earlier command naming KEY
            String traced = System.getProperty("larder.differential.trace", "");
            traced = traced.isEmpty() ? null : traced;
            List<String> trace = new ArrayList<>();
            for (String[] command : commands) {
                String expected = normalizer.apply(command, theirs.call(command));
                String actual = normalizer.apply(command, ours.call(command));
                String line = String.join(" ", command);
                if (!expected.equals(actual)) {
                    // the commands before the first difference show how the two got there
                    String context = differences.isEmpty() ? "  after: " + String.join(" | ", traced == null ? recent : trace) + "\n" : "";
                    differences.add(context + line + "\n    redis:  " + expected + "\n    larder: " + actual);
                }
                recent.add(line + " -> " + expected);
                if (traced != null && List.of(command).contains(traced)) {
                    trace.add(line + " -> " + expected);
                }
                if (recent.size() > 8) {
                    recent.remove(0);
                }
            }
        }
        return differences;
    }

    static void assertSameReplies(int larderPort, int redisPort, List<String[]> commands,
            BiFunction<String[], String, String> normalizer) throws Exception {
        List<String> differences = differences(larderPort, redisPort, commands, normalizer);
        assertTrue(differences.size() + " of " + commands.size() + " replies differ:\n"
                + String.join("\n", differences.subList(0, Math.min(20, differences.size()))), differences.isEmpty());
    }

    /** {@code count} commands from a generator, seeded by -Dlarder.differential.seed or {@code defaultSeed}. */
    static List<String[]> randomCommands(long defaultSeed, int count, java.util.function.Function<java.util.Random, String[]> generator) {
        java.util.Random random = new java.util.Random(Long.getLong("larder.differential.seed", defaultSeed));
        List<String[]> commands = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            commands.add(generator.apply(random));
        }
        return commands;
    }

    /** The top-level elements of an array reply in RespClient's text form ("*[a, *[b, c]]"). */
    static List<String> elements(String reply) {
        List<String> elements = new ArrayList<>();
        if (reply.length() < 3 || reply.charAt(1) != '[') {
            return elements;
        }
        String inner = reply.substring(2, reply.length() - 1);
        int depth = 0;
        int start = 0;
        for (int i = 0; i < inner.length(); i++) {
            char ch = inner.charAt(i);
            if (ch == '[') {
                depth++;
            } else if (ch == ']') {
                depth--;
            } else if (depth == 0 && ch == ',' && i + 1 < inner.length() && inner.charAt(i + 1) == ' ') {
                elements.add(inner.substring(start, i));
                start = i + 2;
                i++;
            }
        }
        if (!inner.isEmpty()) {
            elements.add(inner.substring(start));
        }
        return elements;
    }
}
