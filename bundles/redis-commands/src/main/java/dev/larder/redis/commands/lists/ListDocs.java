package dev.larder.redis.commands.lists;

import static dev.larder.redis.api.CommandArgument.key;
import static dev.larder.redis.api.CommandArgument.string;

import dev.larder.redis.api.CommandDocs;
import dev.larder.redis.api.CommandDocs.Group;

/** COMMAND DOCS for the list commands: argument structures and versions as Redis has them, summaries in our words. */
final class ListDocs {

    private ListDocs() {
    }

    static final CommandDocs LPUSH = CommandDocs.summary("Pushes elements onto the head of a list, creating the list if need be.")
            .since("1.0.0").group(Group.LIST)
            .complexity("O(1) per element given, so O(N) for N elements.")
            .history("2.4.0", "Several elements may be given.")
            .arguments(key("key", 0), string("element").multiple())
            .build();
}
