package dev.larder.redis.engine.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * An ACL user of a database: on or off, its passwords (SHA-256, as Redis keeps them), and its selectors,
 * the root one first. Sessions authenticated as the user hold this object, so ACL SETUSER changes what
 * they may do at once, as in Redis; the rules themselves are an immutable {@link State} swapped whole.
 */
final class AclUser {

    static final int SANITIZE_UNSET = 0;
    static final int SANITIZE = 1;
    static final int SKIP_SANITIZE = 2;

    /** What ACL SETUSER sets. */
    record State(boolean enabled, boolean nopass, int sanitize, List<String> passwords, List<AclSelector> selectors) {
        AclSelector root() {
            return selectors.get(0);
        }
    }

    /** Why a call is refused: Redis's reason (AclSelector's DENIED_*) and the command, key or channel refused. */
    record Denial(int reason, String object) {
    }

    final String name;
    private volatile State state;

    AclUser(String name, State state) {
        this.name = name;
        this.state = state;
    }

    /** Redis's new user: off, no passwords, no commands, no keys, channels as acl-pubsub-default says. */
    static State created(boolean allChannels) {
        return new State(false, false, SANITIZE_UNSET, List.of(), List.of(AclSelector.empty(allChannels).build()));
    }

    /** A database's token user: on, every command, key and channel; its password is the token (nopass without one). */
    static AclUser builtIn(String name, String token) {
        AclSelector.Builder all = AclSelector.empty(true);
        try {
            for (String rule : List.of("allkeys", "+@all")) {
                all.apply(rule, null);
            }
        } catch (AclRuleException e) {
            throw new IllegalStateException(e);
        }
        List<String> passwords = token == null ? List.of() : List.of(hash(token.getBytes(StandardCharsets.UTF_8)));
        return new AclUser(name, new State(true, token == null, SANITIZE_UNSET, passwords, List.of(all.build())));
    }

    State state() {
        return state;
    }

    void state(State newState) {
        state = newState;
    }

    static String hash(byte[] password) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(password));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether AUTH with this password opens the user: on, and nopass or one of its passwords. */
    boolean authenticates(byte[] password) {
        State current = state;
        if (!current.enabled()) {
            return false;
        }
        if (current.nopass()) {
            return true;
        }
        byte[] given = hash(password).getBytes(StandardCharsets.US_ASCII);
        boolean found = false;
        for (String stored : current.passwords()) {
            found |= MessageDigest.isEqual(given, stored.getBytes(StandardCharsets.US_ASCII));
        }
        return found;
    }

    /**
     * Redis's check across selectors (ACLCheckAllUserCommandPerm): allowed when one selector allows the
     * call; otherwise a channel refusal outranks a key refusal, which outranks a command refusal, and among
     * equals the later argument is the one reported.
     */
    Denial check(AclCommandTable.Target target, byte[][] argv, int[] keys, int keyFlags, int[] channels, boolean channelPatterns) {
        int relevant = AclSelector.DENIED_COMMAND;
        int last = 0;
        int[] position = {0};
        for (AclSelector selector : state.selectors()) {
            int result = selector.check(target, argv, keys, keyFlags, channels, channelPatterns, position);
            if (result == AclSelector.OK) {
                return null;
            }
            if (result > relevant || result == relevant && position[0] > last) {
                relevant = result;
                last = position[0];
            }
        }
        return new Denial(relevant, relevant == AclSelector.DENIED_COMMAND ? target.name()
                : new String(argv[last], StandardCharsets.UTF_8));
    }

    /** ACL LIST's line without "user name ": flags, passwords, the root selector, the others in parentheses. */
    String describe(AclCommandTable table) {
        State current = state;
        StringBuilder out = new StringBuilder();
        for (String flag : flags(current)) {
            out.append(flag).append(' ');
        }
        for (String password : current.passwords()) {
            out.append('#').append(password).append(' ');
        }
        out.append(current.root().describe(table));
        for (AclSelector selector : current.selectors().subList(1, current.selectors().size())) {
            out.append(" (").append(selector.describe(table)).append(')');
        }
        return out.toString();
    }

    /** GETUSER's flags, in Redis's order. */
    static List<String> flags(State state) {
        List<String> flags = new ArrayList<>();
        flags.add(state.enabled() ? "on" : "off");
        if (state.nopass()) {
            flags.add("nopass");
        }
        if (state.sanitize() == SKIP_SANITIZE) {
            flags.add("skip-sanitize-payload");
        } else if (state.sanitize() == SANITIZE) {
            flags.add("sanitize-payload");
        }
        return flags;
    }

    /** The rules as kept in the grid: applied to a new user they give this one back, whatever commands exist then. */
    String stored() {
        State current = state;
        StringBuilder out = new StringBuilder("user ").append(name).append(' ');
        out.append(String.join(" ", flags(current)));
        for (String password : current.passwords()) {
            out.append(" #").append(password);
        }
        out.append(' ').append(current.root().stored());
        for (AclSelector selector : current.selectors().subList(1, current.selectors().size())) {
            out.append(" (").append(selector.stored()).append(')');
        }
        return out.toString();
    }

    /**
     * Joins arguments that make one selector: "(+get" "~a)" is the selector "(+get ~a)", as Redis's
     * ACLMergeSelectorArguments does; null names none, {@code unmatched[0]} the one left open.
     */
    static List<byte[]> mergeSelectors(List<byte[]> args, String[] unmatched) {
        List<byte[]> merged = new ArrayList<>();
        StringBuilder open = null;
        String openedBy = null;
        for (byte[] arg : args) {
            String op = new String(arg, StandardCharsets.UTF_8);
            if (open == null && op.startsWith("(") && !op.endsWith(")")) {
                open = new StringBuilder(op);
                openedBy = op;
                continue;
            }
            if (open != null) {
                open.append(' ').append(op);
                if (op.endsWith(")")) {
                    merged.add(open.toString().getBytes(StandardCharsets.UTF_8));
                    open = null;
                }
                continue;
            }
            merged.add(arg);
        }
        if (open != null) {
            unmatched[0] = openedBy;
            return null;
        }
        return merged;
    }

    /**
     * Applies one ACL SETUSER argument (Redis's ACLSetUser): user flags and passwords here, selectors in
     * parentheses, everything else to the root selector. Returns the new state; the old one is unchanged.
     */
    static State apply(State state, byte[] arg, AclCommandTable table, boolean allChannelsByDefault) throws AclRuleException {
        String op = new String(arg, StandardCharsets.UTF_8);
        if (op.isEmpty()) {
            return state;
        }
        boolean enabled = state.enabled();
        boolean nopass = state.nopass();
        int sanitize = state.sanitize();
        List<String> passwords = new ArrayList<>(state.passwords());
        List<AclSelector> selectors = new ArrayList<>(state.selectors());
        switch (op.toLowerCase(Locale.ROOT)) {
            case "on" -> enabled = true;
            case "off" -> enabled = false;
            case "skip-sanitize-payload" -> sanitize = SKIP_SANITIZE;
            case "sanitize-payload" -> sanitize = SANITIZE;
            case "nopass" -> {
                nopass = true;
                passwords.clear();
            }
            case "resetpass" -> {
                nopass = false;
                passwords.clear();
            }
            case "clearselectors" -> selectors.subList(1, selectors.size()).clear();
            case "reset" -> {
                State reset = new State(false, false, SANITIZE,
                        List.of(), List.of(AclSelector.empty(allChannelsByDefault).build()));
                return reset;
            }
            default -> {
                char first = op.charAt(0);
                if (first == '>' || first == '#') {
                    String hash = first == '>' ? hash(java.util.Arrays.copyOfRange(arg, 1, arg.length)) : checkedHash(op.substring(1));
                    if (!passwords.contains(hash)) {
                        passwords.add(hash);
                    }
                    nopass = false;
                } else if (first == '<' || first == '!') {
                    String hash = first == '<' ? hash(java.util.Arrays.copyOfRange(arg, 1, arg.length)) : checkedHash(op.substring(1));
                    if (!passwords.remove(hash)) {
                        throw new AclRuleException(AclRuleException.NO_SUCH_PASSWORD);
                    }
                } else if (first == '(' && op.endsWith(")")) {
                    AclSelector.Builder selector = AclSelector.empty(allChannelsByDefault);
                    for (String inner : op.substring(1, op.length() - 1).split(" ")) {
                        selector.apply(inner, table);
                    }
                    selectors.add(selector.build());
                } else {
                    AclSelector.Builder root = selectors.get(0).toBuilder();
                    root.apply(op, table);
                    selectors.set(0, root.build());
                }
            }
        }
        return new State(enabled, nopass, sanitize, List.copyOf(passwords), List.copyOf(selectors));
    }

    private static String checkedHash(String hash) throws AclRuleException {
        if (hash.length() != 64) {
            throw new AclRuleException(AclRuleException.BAD_HASH);
        }
        for (int i = 0; i < hash.length(); i++) {
            char c = hash.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                throw new AclRuleException(AclRuleException.BAD_HASH);
            }
        }
        return hash;
    }
}
