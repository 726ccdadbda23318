package dev.larder.redis.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What COMMAND DOCS reports about a command: a one-line summary, the version that added it, its group,
 * its time complexity, whether it is deprecated (since when, and what replaces it), the changes made to
 * it over versions, its arguments and its subcommands' docs. A command declares them in its spec
 * ({@link CommandSpec.Builder#docs}); redis-cli reads them at start for its hints and HELP.
 *
 * <pre>{@code
 * CommandDocs.summary("Returns the string stored at a key.").since("1.0.0").group(CommandDocs.Group.STRING)
 *         .complexity("O(1)").arguments(CommandArgument.key("key", 0)).build()
 * }</pre>
 *
 * @param subcommands docs of subcommands by their name without the command's ("stream" for XINFO STREAM);
 *     COMMAND DOCS names them "xinfo|stream"
 */
public record CommandDocs(String summary, String since, Group group, String complexity, Set<DocFlag> docFlags,
        String deprecatedSince, String replacedBy, List<History> history, List<CommandArgument> arguments,
        Map<String, CommandDocs> subcommands) {

    /** Command groups, with the names COMMAND DOCS reports. */
    public enum Group {
        GENERIC, STRING, LIST, SET, SORTED_SET, HASH, PUBSUB, TRANSACTIONS, CONNECTION, SERVER, SCRIPTING, HYPERLOGLOG,
        CLUSTER, SENTINEL, GEO, STREAM, BITMAP,
        /** What Redis reports for every module's commands. */
        MODULE;

        public String redisName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Documentation flags, with the names COMMAND DOCS reports. */
    public enum DocFlag {
        DEPRECATED,
        /** A command servers send each other, not meant for users. */
        SYSCMD;

        public String redisName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A change made to the command in a version. */
    public record History(String version, String change) {
    }

    public CommandDocs {
        if (summary == null || since == null || group == null) {
            throw new IllegalArgumentException("command docs need a summary, a since version and a group");
        }
        docFlags = Collections.unmodifiableSet(docFlags.isEmpty() ? EnumSet.noneOf(DocFlag.class) : EnumSet.copyOf(docFlags));
        history = List.copyOf(history);
        arguments = List.copyOf(arguments);
        subcommands = Collections.unmodifiableMap(new LinkedHashMap<>(subcommands));
    }

    /** Starts the docs of a command with its summary: one line, what the command does. */
    public static Builder summary(String summary) {
        return new Builder(summary);
    }

    /** Builds command docs; summary, since and group are required (clients expect all three). */
    public static final class Builder {
        private final String summary;
        private String since;
        private Group group;
        private String complexity;
        private final Set<DocFlag> docFlags = EnumSet.noneOf(DocFlag.class);
        private String deprecatedSince;
        private String replacedBy;
        private final List<History> history = new ArrayList<>();
        private final List<CommandArgument> arguments = new ArrayList<>();
        private final Map<String, CommandDocs> subcommands = new LinkedHashMap<>();

        private Builder(String summary) {
            this.summary = summary;
        }

        /** The version that added the command ("1.0.0"; a plugin command: the plugin's version). */
        public Builder since(String version) {
            this.since = version;
            return this;
        }

        public Builder group(Group group) {
            this.group = group;
            return this;
        }

        /** The time complexity in words ("O(1)", "O(N) where N is ..."). */
        public Builder complexity(String complexity) {
            this.complexity = complexity;
            return this;
        }

        /** Marks the command deprecated since {@code version}, {@code replacedBy} being what to use instead. */
        public Builder deprecated(String version, String replacedBy) {
            docFlags.add(DocFlag.DEPRECATED);
            this.deprecatedSince = version;
            this.replacedBy = replacedBy;
            return this;
        }

        public Builder flags(DocFlag... flags) {
            Collections.addAll(docFlags, flags);
            return this;
        }

        /** A change in {@code version}, oldest first. */
        public Builder history(String version, String change) {
            history.add(new History(version, change));
            return this;
        }

        public Builder arguments(CommandArgument... more) {
            Collections.addAll(arguments, more);
            return this;
        }

        /** A subcommand's docs, by its name without the command's. */
        public Builder subcommand(String name, CommandDocs docs) {
            subcommands.put(name.toLowerCase(Locale.ROOT), docs);
            return this;
        }

        public CommandDocs build() {
            return new CommandDocs(summary, since, group, complexity, docFlags, deprecatedSince, replacedBy, history, arguments,
                    subcommands);
        }
    }
}
