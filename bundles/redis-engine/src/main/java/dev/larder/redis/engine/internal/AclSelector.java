package dev.larder.redis.engine.internal;

import dev.larder.redis.api.GlobPattern;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One ACL selector of a user (the root one, or one in parentheses): which commands, keys and channels it
 * allows. Immutable; {@link Builder} applies Redis 7.0's rules. Command rules are kept as the rules given
 * (each one dropping the earlier rules it overrides) and evaluated per command on first use, which is the
 * bitmap Redis computes when a rule is set, but also right for commands a bundle publishes later.
 */
final class AclSelector {

    static final int READ = 1;
    static final int WRITE = 2;
    static final int READ_WRITE = READ | WRITE;

    /** A command rule: allow or deny {@code target}, which is "@category", "command", "command|subcommand" or "command|first-arg". */
    record CommandRule(boolean allow, String target) {
        /** The first argument a "command|first-arg" rule allows, as written. */
        String firstArg() {
            return target.substring(target.indexOf('|') + 1);
        }
    }

    /** A key pattern and what it allows: {@link #READ}, {@link #WRITE} or both. */
    record KeyPattern(String pattern, byte[] bytes, int flags) {
    }

    /** A command's permission in this selector: allowed, or allowed only with one of these first arguments. */
    record Permission(boolean allowed, List<String> firstArgs) {
        static final Permission ALLOWED = new Permission(true, List.of());
        static final Permission DENIED = new Permission(false, List.of());
    }

    /** Whether the selector started from +@all: it then allows commands it has no rule for (Redis's "future commands" bit). */
    final boolean allCommands;
    final List<CommandRule> rules;
    final boolean allKeys;
    final List<KeyPattern> keys;
    final boolean allChannels;
    final List<String> channels;
    private final List<byte[]> channelBytes;
    private final Map<String, Permission> permissions = new ConcurrentHashMap<>();

    private AclSelector(Builder b) {
        allCommands = b.allCommands;
        rules = List.copyOf(b.rules);
        allKeys = b.allKeys;
        keys = List.copyOf(b.keys);
        allChannels = b.allChannels;
        channels = List.copyOf(b.channels);
        channelBytes = channels.stream().map(channel -> channel.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /** A new selector: no commands, no keys, channels as acl-pubsub-default says. */
    static Builder empty(boolean allChannels) {
        Builder builder = new Builder();
        builder.allChannels = allChannels;
        return builder;
    }

    Builder toBuilder() {
        Builder b = new Builder();
        b.allCommands = allCommands;
        b.rules.addAll(rules);
        b.allKeys = allKeys;
        b.keys.addAll(keys);
        b.allChannels = allChannels;
        b.channels.addAll(channels);
        return b;
    }

    /** The permission of a command or subcommand, from the rules in order. */
    Permission permission(AclCommandTable.Target target) {
        Permission known = permissions.get(target.name());
        if (known == null) {
            known = evaluate(target);
            permissions.put(target.name(), known);
        }
        return known;
    }

    private Permission evaluate(AclCommandTable.Target target) {
        boolean allowed = allCommands;
        List<String> firstArgs = null;
        for (CommandRule rule : rules) {
            String name = rule.target();
            if (name.startsWith("@")) {
                String category = name.substring(1);
                if (target.categories().contains(category) || target.parentCategories().contains(category)) {
                    allowed = rule.allow();
                    firstArgs = null;
                }
            } else if (name.equals(target.name()) || name.equals(target.parent())) {
                allowed = rule.allow();
                firstArgs = null;
            } else if (target.parent() == null && name.startsWith(target.name()) && name.charAt(target.name().length()) == '|'
                    && !AclCategories.isContainer(target.name())) {
                if (firstArgs == null) {
                    firstArgs = new ArrayList<>();
                }
                firstArgs.add(rule.firstArg());
            }
        }
        if (firstArgs == null || firstArgs.isEmpty()) {
            return allowed ? Permission.ALLOWED : Permission.DENIED;
        }
        return new Permission(allowed, List.copyOf(firstArgs));
    }

    /** Redis's outcomes of one selector's check, ordered as it ranks them when every selector refuses. */
    static final int OK = 0;
    static final int DENIED_COMMAND = 1;
    static final int DENIED_KEY = 2;
    static final int DENIED_CHANNEL = 4;

    /**
     * Checks a call: the command (unless it needs no authentication), then each key against the patterns
     * allowing {@code keyFlags}, then each channel. Returns the outcome; {@code position[0]} is set to the
     * argument refused.
     */
    int check(AclCommandTable.Target target, byte[][] argv, int[] keyPositions, int keyFlags, int[] channelPositions,
            boolean channelPatterns, int[] position) {
        if (!target.noAuth()) {
            Permission permission = permission(target);
            if (!permission.allowed() && !firstArgAllowed(permission, target, argv)) {
                return DENIED_COMMAND;
            }
        }
        if (!allKeys) {
            for (int at : keyPositions) {
                if (!keyAllowed(argv[at], keyFlags)) {
                    position[0] = at;
                    return DENIED_KEY;
                }
            }
        }
        if (!allChannels) {
            for (int at : channelPositions) {
                if (!channelAllowed(argv[at], channelPatterns)) {
                    position[0] = at;
                    return DENIED_CHANNEL;
                }
            }
        }
        return OK;
    }

    private static boolean firstArgAllowed(Permission permission, AclCommandTable.Target target, byte[][] argv) {
        int at = target.parent() == null ? 1 : 2;
        if (argv.length <= at) {
            return false;
        }
        String given = new String(argv[at], StandardCharsets.UTF_8);
        for (String allowed : permission.firstArgs()) {
            if (allowed.equalsIgnoreCase(given)) {
                return true;
            }
        }
        return false;
    }

    boolean keyAllowed(byte[] key, int needed) {
        if (allKeys) {
            return true;
        }
        for (KeyPattern pattern : keys) {
            if ((pattern.flags() & needed) == needed && GlobPattern.matches(pattern.bytes(), key)) {
                return true;
            }
        }
        return false;
    }

    /** A channel matches a pattern of the list; a pattern (PSUBSCRIBE) must be one of the list as it is, as in Redis 7. */
    boolean channelAllowed(byte[] channel, boolean isPattern) {
        if (allChannels) {
            return true;
        }
        for (byte[] pattern : channelBytes) {
            if (isPattern ? java.util.Arrays.equals(pattern, channel) : GlobPattern.matches(pattern, channel)) {
                return true;
            }
        }
        return false;
    }

    /** The keys part of ACL LIST and GETUSER: "~*", or each pattern with its %R/%W. */
    String describeKeys() {
        if (allKeys) {
            return "~*";
        }
        StringBuilder out = new StringBuilder();
        for (KeyPattern pattern : keys) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(pattern.flags() == READ ? "%R~" : pattern.flags() == WRITE ? "%W~" : "~").append(pattern.pattern());
        }
        return out.toString();
    }

    /** The channels part of GETUSER: "&*", or each pattern. */
    String describeChannels() {
        if (allChannels) {
            return "&*";
        }
        StringBuilder out = new StringBuilder();
        for (String channel : channels) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append('&').append(channel);
        }
        return out.toString();
    }

    /** ACL LIST's form of the selector: keys, channels, then the command rules Redis would print for it. */
    String describe(AclCommandTable table) {
        StringBuilder out = new StringBuilder();
        String keysPart = describeKeys();
        if (!keysPart.isEmpty()) {
            out.append(keysPart).append(' ');
        }
        if (allChannels) {
            out.append("&* ");
        } else {
            out.append("resetchannels ");
            for (String channel : channels) {
                out.append('&').append(channel).append(' ');
            }
        }
        return out.append(table.describe(this)).toString();
    }

    /** The form kept in the grid: the rules as given, which read back to the same selector with any set of commands. */
    String stored() {
        StringBuilder out = new StringBuilder();
        out.append(allKeys ? "allkeys" : "resetkeys");
        for (KeyPattern pattern : keys) {
            out.append(' ').append(pattern.flags() == READ ? "%R~" : pattern.flags() == WRITE ? "%W~" : "~").append(pattern.pattern());
        }
        out.append(allChannels ? " allchannels" : " resetchannels");
        for (String channel : channels) {
            out.append(" &").append(channel);
        }
        out.append(allCommands ? " +@all" : " -@all");
        for (CommandRule rule : rules) {
            out.append(' ').append(rule.allow() ? '+' : '-').append(rule.target());
        }
        return out.toString();
    }

    /** Applies Redis 7.0's selector rules (ACLSetSelector) one at a time. */
    static final class Builder {
        private boolean allCommands;
        private final List<CommandRule> rules = new ArrayList<>();
        private boolean allKeys;
        private final List<KeyPattern> keys = new ArrayList<>();
        private boolean allChannels;
        private final List<String> channels = new ArrayList<>();

        AclSelector build() {
            return new AclSelector(this);
        }

        void apply(String op, AclCommandTable table) throws AclRuleException {
            if (op.isEmpty()) {
                return;
            }
            String lower = op.toLowerCase(Locale.ROOT);
            switch (lower) {
                case "allcommands", "+@all" -> {
                    allCommands = true;
                    rules.clear();
                }
                case "nocommands", "-@all" -> {
                    allCommands = false;
                    rules.clear();
                }
                case "allkeys", "~*" -> {
                    allKeys = true;
                    keys.clear();
                }
                case "resetkeys" -> {
                    allKeys = false;
                    keys.clear();
                }
                case "allchannels", "&*" -> {
                    allChannels = true;
                    channels.clear();
                }
                case "resetchannels" -> {
                    allChannels = false;
                    channels.clear();
                }
                default -> applyPattern(op, table);
            }
        }

        private void applyPattern(String op, AclCommandTable table) throws AclRuleException {
            char first = op.charAt(0);
            if (first == '~' || first == '%') {
                keyPattern(op);
            } else if (first == '&') {
                if (allChannels) {
                    throw new AclRuleException(AclRuleException.CHANNEL_AFTER_ALL);
                }
                String channel = op.substring(1);
                if (!channels.contains(channel)) {
                    channels.add(channel);
                }
            } else if ((first == '+' || first == '-') && op.length() > 1 && op.charAt(1) == '@') {
                String category = op.substring(2).toLowerCase(Locale.ROOT);
                if (!AclCategories.known(category)) {
                    throw new AclRuleException(AclRuleException.UNKNOWN);
                }
                add(new CommandRule(first == '+', "@" + category));
            } else if (first == '+' || first == '-') {
                commandRule(first == '+', op.substring(1), table);
            } else {
                throw new AclRuleException(AclRuleException.SYNTAX);
            }
        }

        private void keyPattern(String op) throws AclRuleException {
            if (allKeys) {
                throw new AclRuleException(AclRuleException.KEY_AFTER_ALL);
            }
            int flags = 0;
            int offset = 1;
            if (op.charAt(0) == '%') {
                for (; offset < op.length(); offset++) {
                    char c = Character.toUpperCase(op.charAt(offset));
                    if (c == 'R' && (flags & READ) == 0) {
                        flags |= READ;
                    } else if (c == 'W' && (flags & WRITE) == 0) {
                        flags |= WRITE;
                    } else if (op.charAt(offset) == '~') {
                        offset++;
                        break;
                    } else {
                        throw new AclRuleException(AclRuleException.SYNTAX);
                    }
                }
                if (flags == 0) {
                    throw new AclRuleException(AclRuleException.SYNTAX);
                }
            } else {
                flags = READ_WRITE;
            }
            String pattern = op.substring(Math.min(offset, op.length())); // "%RW~*" is a pattern, not allkeys (as in Redis)
            for (int i = 0; i < keys.size(); i++) {
                if (keys.get(i).pattern().equals(pattern)) {
                    keys.set(i, new KeyPattern(pattern, keys.get(i).bytes(), keys.get(i).flags() | flags));
                    return;
                }
            }
            keys.add(new KeyPattern(pattern, pattern.getBytes(StandardCharsets.UTF_8), flags));
        }

        /** +command, -command, +container|subcommand, -container|subcommand, or +command|first-arg. */
        private void commandRule(boolean allow, String name, AclCommandTable table) throws AclRuleException {
            int bar = name.lastIndexOf('|');
            if (bar < 0 || !allow) {
                String canonical = table.canonical(name);
                if (canonical == null) {
                    throw new AclRuleException(AclRuleException.UNKNOWN);
                }
                add(new CommandRule(allow, canonical));
                return;
            }
            String command = name.substring(0, bar);
            String sub = name.substring(bar + 1);
            String canonical = table.canonical(command);
            if (canonical == null) {
                throw new AclRuleException(AclRuleException.UNKNOWN);
            }
            if (canonical.indexOf('|') >= 0) {
                throw new AclRuleException(AclRuleException.SUBCOMMAND_FIRST_ARG);
            }
            if (sub.isEmpty()) {
                throw new AclRuleException(AclRuleException.SYNTAX);
            }
            if (AclCategories.isContainer(canonical)) {
                String subcommand = table.canonical(name);
                if (subcommand == null) {
                    throw new AclRuleException(AclRuleException.UNKNOWN);
                }
                add(new CommandRule(true, subcommand));
            } else {
                add(new CommandRule(true, canonical + "|" + sub)); // a first argument, kept as written (Redis compares it ignoring case)
            }
        }

        /** Adds a rule after dropping the earlier ones it overrides: the same target, or a subcommand or first argument of it. */
        private void add(CommandRule rule) {
            String target = rule.target().toLowerCase(Locale.ROOT);
            rules.removeIf(existing -> {
                String other = existing.target().toLowerCase(Locale.ROOT);
                return other.equals(target) || other.startsWith(target + "|");
            });
            rules.add(rule);
        }
    }
}
