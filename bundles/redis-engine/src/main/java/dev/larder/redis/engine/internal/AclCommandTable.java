package dev.larder.redis.engine.internal;

import dev.larder.redis.api.CommandFlag;
import dev.larder.redis.api.RedisCommand;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The commands ACL rules name, as Redis 7.0 sees them: every registered command, and for a container
 * command (CONFIG, CLIENT, ACL...) each of its subcommands under "container|subcommand".
 */
final class AclCommandTable {

    /**
     * What a rule can allow: a command, or a container's subcommand ({@code parent} set), with its categories
     * and its parent's (a rule for a category of the container covers every subcommand, as in Redis).
     */
    record Target(String name, String parent, Set<String> categories, Set<String> parentCategories, boolean noAuth) {
    }

    private final CommandRegistry registry;
    private final Map<String, Target> targets;
    /** Rules read back from the grid name commands without checking them: their bundle may not have started yet. */
    private final boolean lenient;

    AclCommandTable(CommandRegistry registry) {
        this(registry, new ConcurrentHashMap<>(), false);
    }

    private AclCommandTable(CommandRegistry registry, Map<String, Target> targets, boolean lenient) {
        this.registry = registry;
        this.targets = targets;
        this.lenient = lenient;
    }

    /** The same table, taking any command name a rule gives (for stored rules). */
    AclCommandTable lenient() {
        return new AclCommandTable(registry, targets, true);
    }

    /** What a call runs: the container's subcommand when Redis has it, else the command itself. */
    Target target(RedisCommand command, byte[][] argv) {
        String name = command.spec().name();
        if (argv.length > 1 && AclCategories.isContainer(name)) {
            AclCategories.Subcommand sub = AclCategories.subcommand(name, lower(argv[1]));
            if (sub != null) {
                return targets.computeIfAbsent(sub.fullName(), full -> subTarget(command, sub));
            }
        }
        return targets.computeIfAbsent(name, n -> commandTarget(command));
    }

    private static Target commandTarget(RedisCommand command) {
        return new Target(command.spec().name(), null, AclCategories.of(command.spec()), Set.of(),
                command.spec().has(CommandFlag.NO_AUTH));
    }

    private static Target subTarget(RedisCommand container, AclCategories.Subcommand sub) {
        return new Target(sub.fullName(), container.spec().name(), sub.categories(), AclCategories.of(container.spec()), false);
    }

    private static String lower(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    }

    /** The lower-case name of a command or "container|subcommand" that exists, or null. */
    String canonical(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        int bar = lower.indexOf('|');
        if (bar < 0) {
            return lenient && !lower.isEmpty() || registry.lookup(lower) != null ? lower : null;
        }
        if (lower.indexOf('|', bar + 1) >= 0) {
            return null;
        }
        String container = lower.substring(0, bar);
        if (lenient) {
            return lower;
        }
        return registry.lookup(container) != null && AclCategories.subcommand(container, lower.substring(bar + 1)) != null ? lower : null;
    }

    /** The command registered under a name (any case), or null. */
    RedisCommand command(String name) {
        return registry.lookup(name);
    }

    /** Every command by name, each container followed by its subcommands. */
    List<Target> all() {
        List<RedisCommand> commands = new ArrayList<>(registry.all());
        commands.sort(Comparator.comparing(command -> command.spec().name()));
        List<Target> all = new ArrayList<>();
        for (RedisCommand command : commands) {
            Target parent = targets.computeIfAbsent(command.spec().name(), n -> commandTarget(command));
            all.add(parent);
            for (AclCategories.Subcommand sub : AclCategories.subcommands(parent.name()).values()) {
                all.add(targets.computeIfAbsent(sub.fullName(), full -> subTarget(command, sub)));
            }
        }
        return all;
    }

    /** ACL CAT of one category: the commands and subcommands in it. */
    List<String> inCategory(String category) {
        List<String> names = new ArrayList<>();
        for (Target target : all()) {
            if (target.categories().contains(category)) {
                names.add(target.name());
            }
        }
        return names;
    }

    /**
     * The command rules ACL LIST shows for a selector, by Redis 7.0's algorithm (ACLDescribeSelectorCommandRules):
     * +@all or -@all, then the categories that fit best one after another, then single commands (and first
     * arguments) for what is left. Redis lists the single commands in its hash table's order, which changes
     * with every start; here they are in name order.
     */
    String describe(AclSelector selector) {
        List<Target> all = all();
        int n = all.size();
        boolean[] user = new boolean[n];
        List<List<String>> firstArgs = new ArrayList<>(n);
        int[] childrenEnd = new int[n];
        for (int i = 0; i < n; i++) {
            AclSelector.Permission permission = selector.permission(all.get(i));
            user[i] = permission.allowed();
            firstArgs.add(permission.firstArgs());
            int end = i + 1;
            while (end < n && all.get(i).name().equals(all.get(end).parent())) {
                end++;
            }
            childrenEnd[i] = all.get(i).parent() == null ? end : i + 1;
        }
        boolean additive = !selector.allCommands;
        StringBuilder rules = new StringBuilder(additive ? "-@all " : "+@all ");
        boolean[] fake = new boolean[n];
        java.util.Arrays.fill(fake, !additive);
        boolean[] temp = user.clone();
        boolean[] applied = new boolean[AclCategories.NAMES.size()];
        while (true) {
            int best = -1;
            long mindiff = Integer.MAX_VALUE;
            long maxsame = 0;
            for (int j = 0; j < applied.length; j++) {
                if (applied[j]) {
                    continue;
                }
                String category = AclCategories.NAMES.get(j);
                long on = 0;
                long off = 0;
                for (int i = 0; i < n; i++) {
                    if (all.get(i).categories().contains(category)) {
                        if (temp[i]) {
                            on++;
                        } else {
                            off++;
                        }
                    }
                }
                long diff = additive ? off : on;
                long same = additive ? on : off;
                if (same > diff && (diff < mindiff || diff == mindiff && same > maxsame)) {
                    best = j;
                    mindiff = diff;
                    maxsame = same;
                }
            }
            if (best == -1) {
                break;
            }
            String category = AclCategories.NAMES.get(best);
            for (int i = 0; i < n; i++) {
                if (all.get(i).categories().contains(category)) {
                    change(fake, i, childrenEnd[i], additive);
                    change(temp, i, childrenEnd[i], !additive);
                }
            }
            rules.append(additive ? "+@" : "-@").append(category).append(' ');
            applied[best] = true;
        }
        for (int i = 0; i < n; i++) {
            if (user[i] != fake[i]) {
                rules.append(user[i] ? '+' : '-').append(all.get(i).name()).append(' ');
                change(fake, i, childrenEnd[i], user[i]);
            }
            if (!user[i]) {
                for (String arg : firstArgs.get(i)) {
                    rules.append('+').append(all.get(i).name()).append('|').append(arg).append(' ');
                }
            }
        }
        rules.setLength(rules.length() - 1);
        return rules.toString();
    }

    /** Redis's ACLChangeSelectorPerm: a command's bit, and a container's subcommands with it. */
    private static void change(boolean[] bits, int at, int childrenEnd, boolean value) {
        for (int i = at; i < childrenEnd; i++) {
            bits[i] = value;
        }
    }
}
