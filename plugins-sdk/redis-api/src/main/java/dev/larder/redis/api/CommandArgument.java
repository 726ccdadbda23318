package dev.larder.redis.api;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One argument of a command as COMMAND DOCS describes it: a name (to tell siblings apart, never shown),
 * a type, the token that introduces it, flags, and for {@link Type#ONEOF} (a choice) and
 * {@link Type#BLOCK} (a group) the nested arguments. Built with the factories and refined with the
 * methods that return a changed copy:
 *
 * <pre>{@code
 * oneOf("expiration", integer("seconds").token("EX"), pureToken("keepttl", "KEEPTTL").since("6.0.0")).optional()
 * }</pre>
 *
 * @param keySpecIndex which of the command's key specifications a {@link Type#KEY} argument is, from 0;
 *     -1 for any other argument
 * @param displayText how the argument is shown in a syntax line where that differs from its name
 *     (Redis 7.2 reports it; Redis 7.0 does not), or null
 */
public record CommandArgument(String name, Type type, String displayText, int keySpecIndex, String token, String summary,
        String since, String deprecatedSince, Set<Flag> flags, List<CommandArgument> arguments) {

    /** Argument types, with the names COMMAND DOCS reports. */
    public enum Type {
        STRING("string"), INTEGER("integer"), DOUBLE("double"), KEY("key"), PATTERN("pattern"), UNIX_TIME("unix-time"),
        PURE_TOKEN("pure-token"), ONEOF("oneof"), BLOCK("block");

        private final String redisName;

        Type(String redisName) {
            this.redisName = redisName;
        }

        public String redisName() {
            return redisName;
        }

        /** Whether arguments of this type hold nested arguments. */
        public boolean container() {
            return this == ONEOF || this == BLOCK;
        }
    }

    /** Argument flags, with the names COMMAND DOCS reports, in the order it reports them. */
    public enum Flag {
        /** The argument may be left out. */
        OPTIONAL,
        /** The argument may be repeated. */
        MULTIPLE,
        /** Each repetition repeats the token too ({@code [ARG x [ARG x ...]]}). */
        MULTIPLE_TOKEN;

        public String redisName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public CommandArgument {
        if (name == null || name.isEmpty() || type == null) {
            throw new IllegalArgumentException("an argument needs a name and a type");
        }
        flags = Collections.unmodifiableSet(flags.isEmpty() ? EnumSet.noneOf(Flag.class) : EnumSet.copyOf(flags));
        arguments = List.copyOf(arguments);
        if (type.container() == arguments.isEmpty()) {
            throw new IllegalArgumentException("argument '" + name + "': " + (type.container()
                    ? "a " + type.redisName() + " needs nested arguments" : "only oneof and block have nested arguments"));
        }
        if (type == Type.PURE_TOKEN && token == null) {
            throw new IllegalArgumentException("pure-token argument '" + name + "' needs its token");
        }
        if (keySpecIndex < -1 || keySpecIndex >= 0 && type != Type.KEY) {
            throw new IllegalArgumentException("argument '" + name + "': only a key argument has a key spec index");
        }
    }

    /** An argument of the given type that is not a key, a token or a container. */
    public static CommandArgument of(Type type, String name) {
        return new CommandArgument(name, type, null, -1, null, null, null, null, Set.of(), List.of());
    }

    /** A key name; {@code keySpecIndex} is its key specification, from 0 in the order of the keys. */
    public static CommandArgument key(String name, int keySpecIndex) {
        if (keySpecIndex < 0) {
            throw new IllegalArgumentException("key argument '" + name + "' needs a key spec index");
        }
        return new CommandArgument(name, Type.KEY, null, keySpecIndex, null, null, null, null, Set.of(), List.of());
    }

    public static CommandArgument string(String name) {
        return of(Type.STRING, name);
    }

    public static CommandArgument integer(String name) {
        return of(Type.INTEGER, name);
    }

    /** A floating-point number (type "double"). */
    public static CommandArgument number(String name) {
        return of(Type.DOUBLE, name);
    }

    /** A glob-style pattern. */
    public static CommandArgument pattern(String name) {
        return of(Type.PATTERN, name);
    }

    public static CommandArgument unixTime(String name) {
        return of(Type.UNIX_TIME, name);
    }

    /** A keyword that stands alone (NX, WITHSCORES, *). */
    public static CommandArgument pureToken(String name, String token) {
        return new CommandArgument(name, Type.PURE_TOKEN, null, -1, token, null, null, null, Set.of(), List.of());
    }

    /** Exactly one of {@code choices}. */
    public static CommandArgument oneOf(String name, CommandArgument... choices) {
        return new CommandArgument(name, Type.ONEOF, null, -1, null, null, null, null, Set.of(), List.of(choices));
    }

    /** {@code parts} in sequence, optional or repeated together. */
    public static CommandArgument block(String name, CommandArgument... parts) {
        return new CommandArgument(name, Type.BLOCK, null, -1, null, null, null, null, Set.of(), List.of(parts));
    }

    /** This argument, introduced by {@code keyword} ({@code EX seconds}). */
    public CommandArgument token(String keyword) {
        return new CommandArgument(name, type, displayText, keySpecIndex, keyword, summary, since, deprecatedSince, flags, arguments);
    }

    /** The version that added this argument. */
    public CommandArgument since(String version) {
        return new CommandArgument(name, type, displayText, keySpecIndex, token, summary, version, deprecatedSince, flags, arguments);
    }

    public CommandArgument deprecatedSince(String version) {
        return new CommandArgument(name, type, displayText, keySpecIndex, token, summary, since, version, flags, arguments);
    }

    public CommandArgument summary(String text) {
        return new CommandArgument(name, type, displayText, keySpecIndex, token, text, since, deprecatedSince, flags, arguments);
    }

    public CommandArgument displayText(String text) {
        return new CommandArgument(name, type, text, keySpecIndex, token, summary, since, deprecatedSince, flags, arguments);
    }

    public CommandArgument optional() {
        return with(Flag.OPTIONAL);
    }

    public CommandArgument multiple() {
        return with(Flag.MULTIPLE);
    }

    /** Repeated with its token each time; implies {@link #multiple()}. */
    public CommandArgument multipleToken() {
        return with(Flag.MULTIPLE).with(Flag.MULTIPLE_TOKEN);
    }

    public boolean has(Flag flag) {
        return flags.contains(flag);
    }

    private CommandArgument with(Flag flag) {
        Set<Flag> more = EnumSet.of(flag);
        more.addAll(flags);
        return new CommandArgument(name, type, displayText, keySpecIndex, token, summary, since, deprecatedSince, more, arguments);
    }
}
