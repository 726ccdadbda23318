package dev.larder.redis.scripting;

import dev.larder.redis.api.RedisException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A script's first line, {@code #!lua flags=no-writes,allow-stale} or {@code #!lua name=mylib}: the
 * engine, flags and options. The line stays in the source as a comment so line numbers hold.
 */
record Shebang(Set<String> flags, Map<String, String> options, byte[] source) {

    /** The flags Redis defines: 7.0's, and allow-key-locking (a later Redis), accepted and without effect here. */
    static final Set<String> KNOWN_FLAGS = Set.of("no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys",
            "allow-key-locking");

    boolean noWrites() {
        return flags.contains("no-writes");
    }

    /** Parses the first line if it is a shebang; {@code allowed} are the options other than flags that may appear. */
    static Shebang parse(byte[] body, Set<String> allowed) throws RedisException {
        return parse(body, allowed, false);
    }

    /**
     * @param engineInAnyCase whether {@code #!LUA} names the engine too: FUNCTION LOAD looks engines up
     *        regardless of case, EVAL wants exactly {@code #!lua}
     */
    static Shebang parse(byte[] body, Set<String> allowed, boolean engineInAnyCase) throws RedisException {
        if (body.length < 2 || body[0] != '#' || body[1] != '!') {
            return new Shebang(Set.of(), Map.of(), body);
        }
        int end = 0;
        while (end < body.length && body[end] != '\n') {
            end++;
        }
        String line = new String(body, 0, end, StandardCharsets.UTF_8).strip();
        String[] parts = line.split(" +");
        if (!(engineInAnyCase ? parts[0].equalsIgnoreCase("#!lua") : parts[0].equals("#!lua"))) {
            throw new RedisException("ERR Unexpected engine in script shebang: " + parts[0]);
        }
        Set<String> flags = new LinkedHashSet<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].startsWith("flags=")) {
                for (String flag : parts[i].substring("flags=".length()).split(",")) {
                    if (flag.isEmpty()) {
                        continue;
                    }
                    if (!KNOWN_FLAGS.contains(flag)) {
                        throw new RedisException("ERR Unexpected flag in script shebang: " + flag);
                    }
                    flags.add(flag);
                }
                continue;
            }
            int equals = parts[i].indexOf('=');
            String option = equals < 0 ? parts[i] : parts[i].substring(0, equals);
            if (!allowed.contains(option)) {
                throw new RedisException((allowed.isEmpty() ? "ERR Unknown lua shebang option: " : "ERR Invalid metadata value given: ")
                        + parts[i]);
            }
            options.put(option, equals < 0 ? "" : parts[i].substring(equals + 1));
        }
        byte[] source = body.clone();
        source[0] = '-';
        source[1] = '-';
        return new Shebang(flags, options, source);
    }
}
