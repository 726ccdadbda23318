package dev.larder.redis.engine.internal;

import static dev.larder.redis.api.CommandFlag.LOADING;
import static dev.larder.redis.api.CommandFlag.NOSCRIPT;
import static dev.larder.redis.api.CommandFlag.STALE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.databases.Access;
import dev.larder.databases.Database;
import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import java.util.List;
import java.util.Optional;

/**
 * ACL, as far as Larder has users: a database is a user (named after it, or "default") whose passwords
 * are the database's tokens. RESTTOKEN is Upstash's subcommand; a database token is its REST token too.
 */
final class AclCommands implements CommandFamily {

    private final RedisEngine engine;

    AclCommands(RedisEngine engine) {
        this.engine = engine;
    }

    @Override
    public List<RedisCommand> commands() {
        return List.of(RedisCommand.of(command("acl", -2).flags(NOSCRIPT, LOADING, STALE).categories("server").build(), this::acl));
    }

    private void acl(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        String subcommand = Arguments.text(argv[1]);
        if (subcommand.equalsIgnoreCase("WHOAMI") && argv.length == 2) {
            r.bulk(((Session) c.client()).tenant().name);
        } else if (subcommand.equalsIgnoreCase("RESTTOKEN") && argv.length == 4) {
            r.bulk(restToken(Arguments.text(argv[2]), Arguments.text(argv[3])));
        } else if (subcommand.equalsIgnoreCase("HELP") && argv.length == 2) {
            r.help("ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "WHOAMI",
                    "    Return the current connection username.",
                    "RESTTOKEN <username> <password>",
                    "    Return the REST API token of the user: a database's users are 'default' and the database's name,",
                    "    its passwords are its full and read-only tokens.",
                    "HELP",
                    "    Print this help.");
        } else {
            throw new RedisException("ERR unknown subcommand or wrong number of arguments for '" + subcommand + "'. Try ACL HELP.");
        }
    }

    private String restToken(String user, String password) throws RedisException {
        Optional<Access> access = engine.databases().authenticate(password);
        if (access.isEmpty() || !(user.equals(Database.DEFAULT_NAME) || user.equals(access.get().database().name()))) {
            throw new RedisException("ERR Wrong password or user \"" + user + "\" does not exist");
        }
        return password;
    }
}
