package dev.larder.redis.engine.internal;

import dev.larder.redis.api.CommandFlag;
import dev.larder.redis.api.CommandSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Redis 7.0's ACL categories, and the subcommands of container commands ({@code acl-subcommands.tsv},
 * from redis-server 7.0.15): Larder declares one spec per container, so what {@code +config|get} names
 * and which categories {@code config|set} is in come from Redis's table.
 */
final class AclCategories {

    /** In Redis's order: what ACL CAT lists, and the order ACL LIST tries categories in. */
    static final List<String> NAMES = List.of("keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap",
            "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection", "transaction",
            "scripting");

    record Subcommand(String fullName, int arity, Set<String> categories) {
    }

    /** Containers' own categories and their subcommands, by name. */
    private static final Map<String, Set<String>> CONTAINERS = new LinkedHashMap<>();
    private static final Map<String, Map<String, Subcommand>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        try (InputStream in = AclCategories.class.getResourceAsStream("acl-subcommands.tsv");
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\t");
                Set<String> categories = Set.copyOf(List.of(fields.length > 2 ? fields[2].split(" ") : new String[0]));
                int bar = fields[0].indexOf('|');
                if (bar < 0) {
                    CONTAINERS.put(fields[0], categories);
                } else {
                    String container = fields[0].substring(0, bar);
                    SUBCOMMANDS.computeIfAbsent(container, c -> new LinkedHashMap<>()).put(fields[0].substring(bar + 1),
                            new Subcommand(fields[0], Integer.parseInt(fields[1]), categories));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private AclCategories() {
    }

    static boolean known(String category) {
        return NAMES.contains(category);
    }

    static boolean isContainer(String command) {
        return SUBCOMMANDS.containsKey(command);
    }

    /** A container's subcommand by its lower-case name, or null. */
    static Subcommand subcommand(String container, String name) {
        Map<String, Subcommand> subcommands = SUBCOMMANDS.get(container);
        return subcommands == null ? null : subcommands.get(name);
    }

    static Map<String, Subcommand> subcommands(String container) {
        return SUBCOMMANDS.getOrDefault(container, Collections.emptyMap());
    }

    /**
     * A command's categories as Redis sets them: the declared ones (of Redis's names), plus those its flags
     * imply (write, read unless scripting, admin and dangerous, pubsub, fast, blocking, else slow). A
     * container has Redis's categories for it.
     */
    static Set<String> of(CommandSpec spec) {
        Set<String> container = CONTAINERS.get(spec.name());
        if (container != null) {
            return container;
        }
        Set<String> categories = new LinkedHashSet<>();
        for (String category : spec.aclCategories()) {
            if (known(category)) {
                categories.add(category);
            }
        }
        if (spec.has(CommandFlag.WRITE)) {
            categories.add("write");
        }
        if (spec.has(CommandFlag.READONLY) && !categories.contains("scripting")) {
            categories.add("read");
        } else if (categories.contains("scripting")) {
            categories.remove("read");
        }
        if (spec.has(CommandFlag.ADMIN)) {
            categories.add("admin");
            categories.add("dangerous");
        }
        if (spec.has(CommandFlag.PUBSUB)) {
            categories.add("pubsub");
        }
        if (spec.has(CommandFlag.BLOCKING)) {
            categories.add("blocking");
        }
        if (spec.has(CommandFlag.FAST)) {
            categories.add("fast");
            categories.remove("slow");
        } else {
            categories.add("slow");
        }
        return categories;
    }
}
