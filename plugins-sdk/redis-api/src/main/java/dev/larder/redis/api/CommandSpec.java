package dev.larder.redis.api;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * What COMMAND reports about a command, and what the engine needs to run it: the name, the arity
 * (positive: exactly that many arguments including the name; negative: at least that many), flags,
 * where the keys are (first, last — negative counts from the end — and step; 0 when there are none),
 * ACL categories without the '@', and what COMMAND DOCS says of it (null: nothing, and COMMAND DOCS
 * leaves the command out).
 */
public record CommandSpec(String name, int arity, Set<CommandFlag> flags, int firstKey, int lastKey, int keyStep,
        Set<String> aclCategories, CommandDocs docs) {

    public CommandSpec {
        name = name.toLowerCase(Locale.ROOT);
        flags = Collections.unmodifiableSet(flags.isEmpty() ? EnumSet.noneOf(CommandFlag.class) : EnumSet.copyOf(flags));
        aclCategories = Collections.unmodifiableSet(new LinkedHashSet<>(aclCategories));
    }

    /** A spec without docs. */
    public CommandSpec(String name, int arity, Set<CommandFlag> flags, int firstKey, int lastKey, int keyStep,
            Set<String> aclCategories) {
        this(name, arity, flags, firstKey, lastKey, keyStep, aclCategories, null);
    }

    public static Builder command(String name, int arity) {
        return new Builder(name, arity);
    }

    public boolean has(CommandFlag flag) {
        return flags.contains(flag);
    }

    /** Whether {@code argc} arguments (the name included) satisfy the arity. */
    public boolean acceptsArgumentCount(int argc) {
        return arity >= 0 ? argc == arity : argc >= -arity;
    }

    /** Key positions for a call with {@code argc} arguments, from first key, last key and step. */
    public int[] keyPositions(int argc) {
        if (firstKey <= 0) {
            return new int[0];
        }
        int last = lastKey < 0 ? argc + lastKey : lastKey;
        if (last >= argc) {
            last = argc - 1;
        }
        int step = Math.max(1, keyStep);
        if (last < firstKey) {
            return new int[0];
        }
        int[] positions = new int[(last - firstKey) / step + 1];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = firstKey + i * step;
        }
        return positions;
    }

    /** Builds a spec; keys default to none. */
    public static final class Builder {
        private final String name;
        private final int arity;
        private final Set<CommandFlag> flags = EnumSet.noneOf(CommandFlag.class);
        private final Set<String> categories = new LinkedHashSet<>();
        private int firstKey;
        private int lastKey;
        private int keyStep;
        private CommandDocs docs;

        private Builder(String name, int arity) {
            this.name = name;
            this.arity = arity;
        }

        public Builder flags(CommandFlag... more) {
            Collections.addAll(flags, more);
            return this;
        }

        /** Keys at first, first+step, ... up to last (negative: counted from the end, -1 is the last argument). */
        public Builder keys(int first, int last, int step) {
            this.firstKey = first;
            this.lastKey = last;
            this.keyStep = step;
            return this;
        }

        /** ACL categories, without '@' (the flags add read, write and fast by themselves). */
        public Builder categories(String... more) {
            Collections.addAll(categories, more);
            return this;
        }

        /** What COMMAND DOCS reports (and redis-cli shows as hints); without them COMMAND DOCS leaves the command out. */
        public Builder docs(CommandDocs docs) {
            this.docs = docs;
            return this;
        }

        public CommandSpec build() {
            Set<String> all = new LinkedHashSet<>();
            if (flags.contains(CommandFlag.WRITE)) {
                all.add("write");
            }
            if (flags.contains(CommandFlag.READONLY)) {
                all.add("read");
            }
            if (flags.contains(CommandFlag.FAST)) {
                all.add("fast");
            } else {
                all.add("slow");
            }
            all.addAll(categories);
            return new CommandSpec(name, arity, flags, firstKey, lastKey, keyStep, all, docs);
        }
    }
}
