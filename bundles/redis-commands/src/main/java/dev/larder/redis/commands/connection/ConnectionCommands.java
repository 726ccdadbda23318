package dev.larder.redis.commands.connection;

import static dev.larder.redis.api.CommandFlag.FAST;
import static dev.larder.redis.api.CommandFlag.LOADING;
import static dev.larder.redis.api.CommandFlag.NO_AUTH;
import static dev.larder.redis.api.CommandFlag.STALE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.ClientSession;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisCompatibility;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** The connection: PING, ECHO, SELECT, HELLO, CLIENT, QUIT. */
@Component
public class ConnectionCommands implements CommandFamily {

    @Override
    public List<RedisCommand> commands() {
        return List.of(
                RedisCommand.of(command("ping", -1).flags(FAST, STALE).categories("connection").build(), (c, argv, r) -> {
                    if (argv.length > 2) {
                        throw RedisException.wrongArity("ping");
                    }
                    if (argv.length == 2) {
                        r.bulk(argv[1]);
                    } else {
                        r.simple("PONG");
                    }
                }),
                RedisCommand.of(command("echo", 2).flags(FAST, LOADING, STALE).categories("connection").build(),
                        (c, argv, r) -> r.bulk(argv[1])),
                RedisCommand.of(command("quit", -1).flags(FAST, NO_AUTH, LOADING, STALE).categories("connection").build(), (c, argv, r) -> {
                    c.client().closeAfterReply();
                    r.ok();
                }),
                RedisCommand.of(command("select", 2).flags(FAST, LOADING, STALE).categories("connection").build(), (c, argv, r) -> {
                    long index = Arguments.toLong(argv[1]);
                    if (index < 0 || index >= c.databases()) {
                        throw new RedisException("ERR DB index is out of range");
                    }
                    c.client().selectDatabase((int) index);
                    r.ok();
                }),
                RedisCommand.of(command("hello", -1).flags(FAST, NO_AUTH, LOADING, STALE).categories("connection").build(),
                        ConnectionCommands::hello),
                RedisCommand.of(command("client", -2).flags(LOADING, STALE).categories("connection").build(), ConnectionCommands::client));
    }

    /** HELLO [protover [AUTH username password] [SETNAME clientname]] */
    private static void hello(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        ClientSession client = c.client();
        int protocol = client.protocol();
        String name = null;
        if (argv.length > 1) {
            long version;
            try {
                version = Arguments.toLong(argv[1]);
            } catch (RedisException e) {
                throw new RedisException("ERR Protocol version is not an integer or out of range");
            }
            if (version < 2 || version > 3) {
                throw new RedisException("NOPROTO unsupported protocol version");
            }
            protocol = (int) version;
            for (int i = 2; i < argv.length; i++) {
                boolean more = i + 1 < argv.length;
                if (Arguments.is(argv[i], "AUTH") && i + 2 < argv.length) {
                    throw new RedisException("WRONGPASS invalid username-password pair or user is disabled.");
                } else if (Arguments.is(argv[i], "SETNAME") && more) {
                    name = checkedName(argv[++i]);
                } else {
                    throw new RedisException("ERR Syntax error in HELLO option '" + Arguments.text(argv[i]) + "'");
                }
            }
        }
        client.protocol(protocol);
        if (name != null) {
            client.name(name);
        }
        r.map(7);
        r.bulk("server");
        r.bulk("redis");
        r.bulk("version");
        r.bulk(RedisCompatibility.VERSION);
        r.bulk("proto");
        r.integer(protocol);
        r.bulk("id");
        r.integer(client.id());
        r.bulk("mode");
        r.bulk("standalone");
        r.bulk("role");
        r.bulk("master");
        r.bulk("modules");
        r.array(0);
    }

    /** CLIENT ID | GETNAME | SETNAME name | INFO */
    private static void client(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        ClientSession client = c.client();
        String sub = Arguments.text(argv[1]);
        if (Arguments.is(argv[1], "ID") && argv.length == 2) {
            r.integer(client.id());
        } else if (Arguments.is(argv[1], "GETNAME") && argv.length == 2) {
            if (client.name() == null) {
                r.nil();
            } else {
                r.bulk(client.name());
            }
        } else if (Arguments.is(argv[1], "SETNAME") && argv.length == 3) {
            String name = checkedName(argv[2]);
            client.name(name.isEmpty() ? null : name);
            r.ok();
        } else if (Arguments.is(argv[1], "INFO") && argv.length == 2) {
            r.bulk("id=" + client.id() + " addr=" + client.remoteAddress() + " name=" + (client.name() == null ? "" : client.name())
                    + " db=" + client.database() + " resp=" + client.protocol() + "\n");
        } else if (Arguments.is(argv[1], "ID") || Arguments.is(argv[1], "GETNAME") || Arguments.is(argv[1], "SETNAME")
                || Arguments.is(argv[1], "INFO")) {
            throw new RedisException("ERR wrong number of arguments for 'client|" + sub.toLowerCase(java.util.Locale.ROOT) + "' command");
        } else {
            throw new RedisException("ERR unknown subcommand '" + sub + "'. Try CLIENT HELP.");
        }
    }

    private static String checkedName(byte[] name) throws RedisException {
        for (byte b : name) {
            if (b < '!' || b > '~') {
                throw new RedisException("ERR Client names cannot contain spaces, newlines or special characters.");
            }
        }
        return Arguments.text(name);
    }
}
