package dev.larder.redis.engine.internal;

import dev.larder.redis.api.RedisException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Redis 7.0's configuration parameters ({@code redis-parameters.tsv}: names, aliases, types, defaults,
 * ranges, and what Larder does with each), and CONFIG SET's checks of a value with Redis's error texts.
 */
final class RedisParameters {

    enum Type { BOOL, INT, MEMORY, ENUM, STRING, SPECIAL }

    enum Handling {
        /** Server-wide, honoured. */
        APPLY,
        /** Per database, honoured. */
        DB_APPLY,
        /** Server-wide, accepted and shown; changes nothing a client can observe in Larder. */
        KEEP,
        /** Per database, accepted and shown; changes nothing a client can observe in Larder. */
        DB_KEEP,
        IMMUTABLE,
        PROTECTED,
        /** Set in Larder's own configuration files. */
        LARDER
    }

    record Parameter(String name, List<String> aliases, Type type, List<String> choices, String defaultValue, long min, long max,
            Handling handling) {

        boolean perDatabase() {
            return handling == Handling.DB_APPLY || handling == Handling.DB_KEEP;
        }

        boolean settable() {
            return handling != Handling.IMMUTABLE && handling != Handling.PROTECTED && handling != Handling.LARDER;
        }
    }

    static final RedisParameters REDIS_7 = load();

    /** Where Larder's own settings are made, for the parameters it refuses as {@link Handling#LARDER}. */
    private static final Map<String, String> LARDER_FILES = Map.of("requirepass", "tokens: larder:db-create, or defaultToken in "
            + "config/dev.larder.databases.cfg", "protected-mode", "a token for the default database in config/dev.larder.databases.cfg",
            "loglevel", "config/logback.xml");

    private final Map<String, Parameter> byName = new LinkedHashMap<>();
    private final List<Parameter> parameters = new ArrayList<>();

    private static RedisParameters load() {
        RedisParameters loaded = new RedisParameters();
        try (InputStream in = RedisParameters.class.getResourceAsStream("redis-parameters.tsv");
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] column = line.split("\t");
                String type = column[2];
                List<String> choices = type.startsWith("enum:") ? List.of(type.substring(5).split(",")) : List.of();
                Parameter parameter = new Parameter(column[0], column[1].equals("-") ? List.of() : List.of(column[1].split(",")),
                        Type.valueOf((type.startsWith("enum:") ? "enum" : type).toUpperCase(Locale.ROOT)), choices,
                        column[3].equals("\"\"") ? "" : column[3], column[4].equals("-") ? Long.MIN_VALUE : Long.parseLong(column[4]),
                        column[5].equals("-") ? Long.MAX_VALUE : Long.parseLong(column[5]),
                        Handling.valueOf(column[6].replace('-', '_').toUpperCase(Locale.ROOT)));
                loaded.parameters.add(parameter);
                loaded.byName.put(parameter.name, parameter);
                parameter.aliases.forEach(alias -> loaded.byName.put(alias, parameter));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return loaded;
    }

    /** By name or alias, in any case; null when Redis has no such parameter. */
    Parameter find(String name) {
        return byName.get(name.toLowerCase(Locale.ROOT));
    }

    /** Every name CONFIG GET can show, aliases included, with the parameter each names. */
    Map<String, Parameter> names() {
        return byName;
    }

    Collection<Parameter> all() {
        return parameters;
    }

    static RedisException failed(String name, String why) {
        return new RedisException("ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + why);
    }

    /**
     * The value as CONFIG GET will show it (memory in bytes, booleans and choices in lower case), or
     * Redis's error for it. {@code current} is the value in force, for parameters set in parts.
     */
    String normalize(Parameter parameter, String given, String value, String current) throws RedisException {
        switch (parameter.handling) {
            case IMMUTABLE -> throw failed(given, "can't set immutable config");
            case PROTECTED -> throw failed(given, "can't set protected config");
            case LARDER -> throw failed(given, "set in Larder's configuration ("
                    + LARDER_FILES.getOrDefault(parameter.name, "config/dev.larder.resp.cfg") + ")");
            default -> {
            }
        }
        return switch (parameter.type) {
            case BOOL -> {
                if (!value.equalsIgnoreCase("yes") && !value.equalsIgnoreCase("no")) {
                    throw failed(given, "argument must be 'yes' or 'no'");
                }
                yield value.toLowerCase(Locale.ROOT);
            }
            case INT -> Long.toString(clamp(parameter, inRange(parameter, given, integer(given, value))));
            case MEMORY -> Long.toString(clamp(parameter, inRange(parameter, given, memory(given, value))));
            case ENUM -> {
                String lower = value.toLowerCase(Locale.ROOT);
                if (!parameter.choices.contains(lower)) {
                    throw failed(given, "argument(s) must be one of the following: " + String.join(", ", parameter.choices));
                }
                yield lower;
            }
            case STRING -> value;
            case SPECIAL -> special(parameter, given, value, current);
        };
    }

    /** Values Redis takes but stores within its own bounds. */
    private static long clamp(Parameter parameter, long value) {
        return switch (parameter.name) {
            case "hz" -> Math.min(value, 500);
            case "repl-backlog-size" -> Math.max(value, 16384);
            default -> value;
        };
    }

    private static long inRange(Parameter parameter, String given, long value) throws RedisException {
        if (value < parameter.min || value > parameter.max) {
            throw failed(given, "argument must be between " + parameter.min + " and " + parameter.max + " inclusive");
        }
        return value;
    }

    private static long integer(String given, String value) throws RedisException {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw failed(given, "argument couldn't be parsed into an integer");
        }
    }

    /** Redis's memtoull: digits with an optional unit b, k (1000), kb (1024), m, mb, g, gb, in any case. */
    static long memory(String given, String value) throws RedisException {
        String lower = value.toLowerCase(Locale.ROOT);
        int digits = 0;
        while (digits < lower.length() && Character.isDigit(lower.charAt(digits))) {
            digits++;
        }
        long unit = switch (lower.substring(digits)) {
            case "", "b" -> 1;
            case "k" -> 1000;
            case "kb" -> 1024;
            case "m" -> 1000 * 1000;
            case "mb" -> 1024 * 1024;
            case "g" -> 1000L * 1000 * 1000;
            case "gb" -> 1024L * 1024 * 1024;
            default -> -1;
        };
        if (digits == 0 || unit < 0) {
            throw failed(given, "argument must be a memory value");
        }
        try {
            return Math.multiplyExact(Long.parseLong(lower.substring(0, digits)), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw failed(given, "argument must be a memory value");
        }
    }

    private static String special(Parameter parameter, String given, String value, String current) throws RedisException {
        return switch (parameter.name) {
            case "save" -> save(given, value);
            case "client-output-buffer-limit" -> OutputBufferLimits.parse(given, value, current).toString();
            case "notify-keyspace-events" -> {
                try {
                    yield KeyspaceEvents.letters(KeyspaceEvents.parse(value));
                } catch (RedisException e) {
                    throw failed(given, "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
                }
            }
            case "latency-tracking-info-percentiles" -> percentiles(given, value);
            case "oom-score-adj-values" -> oomScores(given, value);
            case "maxmemory-clients" -> {
                if (value.endsWith("%")) {
                    long percent;
                    try {
                        percent = Long.parseLong(value.substring(0, value.length() - 1));
                    } catch (NumberFormatException e) {
                        throw failed(given, "argument must be a memory or percent value");
                    }
                    if (percent > 100) {
                        throw failed(given, "percentage argument must be less or equal to 100");
                    }
                    yield percent + "%";
                }
                try {
                    yield Long.toString(memory(given, value));
                } catch (RedisException e) {
                    throw failed(given, "argument must be a memory or percent value");
                }
            }
            default -> throw new IllegalStateException("no check for " + parameter.name);
        };
    }

    /** "" or pairs of seconds (at least 1) and changes. */
    private static String save(String given, String value) throws RedisException {
        if (value.isEmpty()) {
            return "";
        }
        String[] parts = value.trim().split(" +");
        if (value.isBlank() || parts.length % 2 != 0) {
            throw failed(given, "Invalid save parameters");
        }
        for (int i = 0; i < parts.length; i++) {
            long number;
            try {
                number = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                throw failed(given, "Invalid save parameters");
            }
            if (number < (i % 2 == 0 ? 1 : 0)) {
                throw failed(given, "Invalid save parameters");
            }
        }
        return String.join(" ", parts);
    }

    private static String percentiles(String given, String value) throws RedisException {
        if (value.isBlank()) {
            return "";
        }
        List<String> shown = new ArrayList<>();
        for (String part : value.trim().split(" +")) {
            double percentile;
            try {
                percentile = Double.parseDouble(part);
            } catch (NumberFormatException e) {
                throw failed(given, "Invalid latency-tracking-info-percentiles parameters");
            }
            if (percentile < 0 || percentile > 100) {
                throw failed(given, "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
            }
            shown.add(percentile == Math.rint(percentile) ? Long.toString((long) percentile) : Double.toString(percentile));
        }
        return String.join(" ", shown);
    }

    private static String oomScores(String given, String value) throws RedisException {
        String[] parts = value.trim().split(" +");
        if (parts.length != 3) {
            throw failed(given, "wrong number of arguments");
        }
        long[] scores = new long[3];
        for (int i = 0; i < 3; i++) {
            try {
                scores[i] = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                scores[i] = Long.MAX_VALUE;
            }
            if (scores[i] < -2000 || scores[i] > 2000) {
                throw failed(given, "Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
            }
        }
        return String.join(" ", Arrays.stream(scores).mapToObj(Long::toString).toList());
    }
}
