package dev.larder.redis.engine.internal;

import dev.larder.redis.engine.internal.RedisParameters.Parameter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What CONFIG SET gave one scope's parameters (the server's, or one database's); every other parameter
 * has its default. Stored by CONFIG REWRITE as lines of {@code name value}.
 */
final class ParameterValues {

    private final Map<String, String> set = new ConcurrentHashMap<>();

    String get(Parameter parameter) {
        return set.getOrDefault(parameter.name(), parameter.defaultValue());
    }

    String get(String name) {
        return get(RedisParameters.REDIS_7.find(name));
    }

    long number(String name) {
        return Long.parseLong(get(name));
    }

    boolean has(Parameter parameter) {
        return set.containsKey(parameter.name());
    }

    void put(Parameter parameter, String value) {
        if (value.equals(parameter.defaultValue())) {
            set.remove(parameter.name());
        } else {
            set.put(parameter.name(), value);
        }
    }

    byte[] encode() {
        StringBuilder lines = new StringBuilder();
        new TreeMap<>(set).forEach((name, value) -> lines.append(name).append(' ').append(value).append('\n'));
        return lines.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Takes stored lines back; lines naming a parameter this version does not know are passed over. */
    void decode(byte[] stored) {
        for (String line : new String(stored, StandardCharsets.UTF_8).split("\n")) {
            int space = line.indexOf(' ');
            Parameter parameter = space < 0 ? null : RedisParameters.REDIS_7.find(line.substring(0, space));
            if (parameter != null) {
                put(parameter, line.substring(space + 1));
            }
        }
    }
}
