package dev.larder.redis.engine.internal;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandArgument;
import dev.larder.redis.api.CommandDocs;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.Reply;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * COMMAND DOCS's reply, laid out as Redis 7.0 lays it out: per command a map of summary, since, group,
 * complexity, doc_flags, deprecated_since, replaced_by, history, arguments and subcommands, each only
 * when there is one (summary, since and group always); per argument a map of name, type, display_text, key_spec_index,
 * token, summary, since, deprecated_since, flags and nested arguments, likewise. Flags and history are
 * sets (RESP2: arrays), flags simple strings.
 */
final class CommandDocsReply {

    private CommandDocsReply() {
    }

    /**
     * COMMAND DOCS [name ...]: every documented command of {@code all}, or those {@code names} name
     * ("xinfo|stream" names a subcommand), in the order asked, a name asked twice answered twice. Unknown
     * names are left out, as Redis leaves them out; so are commands that declare no docs: Redis has docs
     * for all its commands, and redis-cli 7, which reads them all at start, takes a summary and a group
     * from every entry it gets.
     */
    static void reply(Reply r, Collection<RedisCommand> all, Function<String, RedisCommand> lookup, List<byte[]> names) {
        List<String> found = new ArrayList<>();
        List<CommandDocs> docs = new ArrayList<>();
        if (names.isEmpty()) {
            for (RedisCommand command : all) {
                if (command.spec().docs() != null) {
                    found.add(command.spec().name());
                    docs.add(command.spec().docs());
                }
            }
        }
        for (byte[] name : names) {
            String asked = Arguments.text(name).toLowerCase(Locale.ROOT);
            int bar = asked.indexOf('|');
            RedisCommand command = lookup.apply(bar < 0 ? asked : asked.substring(0, bar));
            CommandDocs answer = command == null ? null : command.spec().docs();
            if (answer != null && bar >= 0) {
                answer = answer.subcommands().get(asked.substring(bar + 1));
            }
            if (answer != null) {
                found.add(bar < 0 ? command.spec().name() : asked);
                docs.add(answer);
            }
        }
        r.map(found.size());
        for (int i = 0; i < found.size(); i++) {
            entry(r, found.get(i), docs.get(i));
        }
    }

    /** A named entry per command: {@code name} then its docs; the caller has written the map header. */
    static void entry(Reply r, String name, CommandDocs docs) {
        r.bulk(name);
        docs(r, name, docs);
    }

    static void docs(Reply r, String name, CommandDocs docs) {
        int fields = 3 + count(docs.complexity()) + (docs.docFlags().isEmpty() ? 0 : 1) + count(docs.deprecatedSince())
                + count(docs.replacedBy()) + (docs.history().isEmpty() ? 0 : 1) + (docs.arguments().isEmpty() ? 0 : 1)
                + (docs.subcommands().isEmpty() ? 0 : 1);
        r.map(fields);
        field(r, "summary", docs.summary());
        field(r, "since", docs.since());
        field(r, "group", docs.group().redisName());
        field(r, "complexity", docs.complexity());
        if (!docs.docFlags().isEmpty()) {
            r.bulk("doc_flags");
            r.set(docs.docFlags().size());
            docs.docFlags().forEach(flag -> r.simple(flag.redisName()));
        }
        field(r, "deprecated_since", docs.deprecatedSince());
        field(r, "replaced_by", docs.replacedBy());
        if (!docs.history().isEmpty()) {
            r.bulk("history");
            r.set(docs.history().size());
            for (CommandDocs.History change : docs.history()) {
                r.array(2);
                r.bulk(change.version());
                r.bulk(change.change());
            }
        }
        if (!docs.arguments().isEmpty()) {
            r.bulk("arguments");
            arguments(r, docs.arguments());
        }
        if (!docs.subcommands().isEmpty()) {
            r.bulk("subcommands");
            r.map(docs.subcommands().size());
            for (Map.Entry<String, CommandDocs> subcommand : docs.subcommands().entrySet()) {
                entry(r, name + "|" + subcommand.getKey(), subcommand.getValue());
            }
        }
    }

    private static void arguments(Reply r, List<CommandArgument> arguments) {
        r.array(arguments.size());
        for (CommandArgument argument : arguments) {
            int fields = 2 + count(argument.displayText()) + (argument.keySpecIndex() >= 0 ? 1 : 0) + count(argument.token())
                    + count(argument.summary()) + count(argument.since()) + count(argument.deprecatedSince())
                    + (argument.flags().isEmpty() ? 0 : 1) + (argument.type().container() ? 1 : 0);
            r.map(fields);
            field(r, "name", argument.name());
            field(r, "type", argument.type().redisName());
            field(r, "display_text", argument.displayText());
            if (argument.keySpecIndex() >= 0) {
                r.bulk("key_spec_index");
                r.integer(argument.keySpecIndex());
            }
            field(r, "token", argument.token());
            field(r, "summary", argument.summary());
            field(r, "since", argument.since());
            field(r, "deprecated_since", argument.deprecatedSince());
            if (!argument.flags().isEmpty()) {
                r.bulk("flags");
                r.set(argument.flags().size());
                argument.flags().forEach(flag -> r.simple(flag.redisName()));
            }
            if (argument.type().container()) {
                r.bulk("arguments");
                arguments(r, argument.arguments());
            }
        }
    }

    private static int count(String value) {
        return value == null ? 0 : 1;
    }

    private static void field(Reply r, String key, String value) {
        if (value != null) {
            r.bulk(key);
            r.bulk(value);
        }
    }
}
