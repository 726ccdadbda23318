package dev.larder.redis.commands.connection;

import static dev.larder.redis.api.CommandFlag.FAST;
import static dev.larder.redis.api.CommandFlag.ALLOW_BUSY;
import static dev.larder.redis.api.CommandFlag.LOADING;
import static dev.larder.redis.api.CommandFlag.NOSCRIPT;
import static dev.larder.redis.api.CommandFlag.NO_AUTH;
import static dev.larder.redis.api.CommandFlag.STALE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.ClientSession;
import dev.larder.redis.api.ClientTracking;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisCompatibility;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.osgi.service.component.annotations.Component;

/** The connection: PING, ECHO, SELECT, AUTH, HELLO, CLIENT, RESET, QUIT. */
@Component
public class ConnectionCommands implements CommandFamily {

    @Override
    public List<RedisCommand> commands() {
        return List.of(
                RedisCommand.of(command("ping", -1).flags(FAST, STALE).categories("connection").build(), (c, argv, r) -> {
                    if (argv.length > 2) {
                        throw RedisException.wrongArity("ping");
                    }
                    if (c.client().subscriptions() > 0 && c.client().protocol() == 2) {
                        // a RESP2 subscriber reads replies as messages: PING answers as one
                        r.array(2);
                        r.bulk("pong");
                        r.bulk(argv.length == 2 ? argv[1] : new byte[0]);
                    } else if (argv.length == 2) {
                        r.bulk(argv[1]);
                    } else {
                        r.simple("PONG");
                    }
                }),
                RedisCommand.of(command("echo", 2).flags(FAST, LOADING, STALE).categories("connection").build(),
                        (c, argv, r) -> r.bulk(argv[1])),
                RedisCommand.of(command("quit", -1).flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY).categories("connection").build(), (c, argv, r) -> {
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
                RedisCommand.of(command("auth", -2).flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY).categories("connection")
                        .build(), (c, argv, r) -> {
                            if (argv.length > 3) {
                                throw RedisException.syntax();
                            }
                            c.client().authenticate(argv.length == 3 ? Arguments.text(argv[1]) : null, argv[argv.length - 1]);
                            r.ok();
                        }),
                RedisCommand.of(command("hello", -1).flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY).categories("connection")
                        .build(), ConnectionCommands::hello),
                RedisCommand.of(command("client", -2).flags(LOADING, STALE).categories("connection").build(), ConnectionCommands::client),
                RedisCommand.of(command("reset", 1).flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY).categories("connection")
                        .build(), (c, argv, r) -> {
                    c.client().reset();
                    r.simple("RESET");
                }));
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
                    try {
                        client.authenticate(Arguments.text(argv[i + 1]), argv[i + 2]);
                    } catch (RedisException e) {
                        throw new RedisException("WRONGPASS invalid username-password pair or user is disabled.");
                    }
                    i += 2;
                } else if (Arguments.is(argv[i], "SETNAME") && more) {
                    name = checkedName(argv[++i]);
                } else {
                    throw new RedisException("ERR Syntax error in HELLO option '" + Arguments.text(argv[i]) + "'");
                }
            }
        }
        if (!client.authenticated()) {
            throw new RedisException("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH "
                    + "<user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
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

    /** CLIENT ID | GETNAME | SETNAME name | INFO | LIST | KILL ... | REPLY ON|OFF|SKIP | NO-EVICT | NO-TOUCH | PAUSE | UNPAUSE | UNBLOCK */
    private static void client(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        ClientSession client = c.client();
        String sub = Arguments.text(argv[1]).toLowerCase(Locale.ROOT);
        switch (sub) {
            case "id" -> {
                arity(argv, 2, sub);
                r.integer(client.id());
            }
            case "getname" -> {
                arity(argv, 2, sub);
                if (client.name() == null) {
                    r.nil();
                } else {
                    r.bulk(client.name());
                }
            }
            case "setname" -> {
                arity(argv, 3, sub);
                String name = checkedName(argv[2]);
                client.name(name.isEmpty() ? null : name);
                r.ok();
            }
            case "info" -> {
                arity(argv, 2, sub);
                r.bulk(describe(client, c.nowMillis()));
            }
            case "list" -> {
                StringBuilder list = new StringBuilder();
                c.clients().stream().sorted(Comparator.comparingLong(ClientSession::id))
                        .forEach(other -> list.append(describe(other, c.nowMillis())));
                r.bulk(list.toString());
            }
            case "kill" -> kill(c, argv, r);
            case "no-evict", "no-touch" -> {
                // NO-EVICT exempts a client from client eviction, which Larder does not do (maxmemory-clients)
                arity(argv, 3, sub);
                if (!Arguments.is(argv[2], "ON") && !Arguments.is(argv[2], "OFF")) {
                    throw RedisException.syntax();
                }
                if (sub.equals("no-touch")) {
                    client.noTouch(Arguments.is(argv[2], "ON"));
                }
                r.ok();
            }
            case "pause" -> {
                if (argv.length != 3 && argv.length != 4) {
                    throw RedisException.wrongArity("client|pause");
                }
                long millis;
                try {
                    millis = Arguments.toLong(argv[2]);
                } catch (RedisException e) {
                    throw new RedisException("ERR timeout is not an integer or out of range");
                }
                if (millis < 0) {
                    throw new RedisException("ERR timeout is negative");
                }
                boolean writesOnly = false;
                if (argv.length == 4) {
                    if (Arguments.is(argv[3], "WRITE")) {
                        writesOnly = true;
                    } else if (!Arguments.is(argv[3], "ALL")) {
                        throw new RedisException("ERR CLIENT PAUSE mode must be WRITE or ALL");
                    }
                }
                c.pauseClients(c.nowMillis() + millis, writesOnly);
                r.ok();
            }
            case "unpause" -> {
                arity(argv, 2, sub);
                c.unpauseClients();
                r.ok();
            }
            case "unblock" -> {
                if (argv.length != 3 && argv.length != 4) {
                    throw RedisException.wrongArity("client|unblock");
                }
                long id = Arguments.toLong(argv[2]);
                boolean withError = false;
                if (argv.length == 4) {
                    if (Arguments.is(argv[3], "ERROR")) {
                        withError = true;
                    } else if (!Arguments.is(argv[3], "TIMEOUT")) {
                        throw new RedisException("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
                    }
                }
                r.integer(c.unblock(id, withError) ? 1 : 0);
            }
            case "reply" -> {
                arity(argv, 3, sub);
                ClientSession.ReplyMode mode;
                try {
                    mode = ClientSession.ReplyMode.valueOf(Arguments.text(argv[2]).toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw RedisException.syntax();
                }
                client.replyMode(mode);
                if (mode == ClientSession.ReplyMode.ON) {
                    r.ok();
                }
            }
            case "tracking" -> {
                tracking(client, argv);
                r.ok();
            }
            case "caching" -> {
                arity(argv, 3, sub);
                if (!Arguments.is(argv[2], "YES") && !Arguments.is(argv[2], "NO")) {
                    throw RedisException.syntax();
                }
                client.caching(Arguments.is(argv[2], "YES"));
                r.ok();
            }
            case "getredir" -> {
                arity(argv, 2, sub);
                ClientTracking tracking = client.tracking();
                r.integer(tracking == null ? -1 : tracking.redirect());
            }
            case "trackinginfo" -> {
                arity(argv, 2, sub);
                trackingInfo(client.tracking(), r);
            }
            default -> throw RedisException.unknownSubcommand("CLIENT", argv[1]);
        }
    }

    /** CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX prefix ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP] */
    private static void tracking(ClientSession client, byte[][] argv) throws RedisException {
        if (argv.length < 3) {
            throw new RedisException("ERR wrong number of arguments for 'client|tracking' command");
        }
        long redirect = 0;
        List<byte[]> prefixes = new ArrayList<>();
        boolean broadcast = false;
        boolean optIn = false;
        boolean optOut = false;
        boolean noLoop = false;
        for (int i = 3; i < argv.length; i++) {
            if (Arguments.is(argv[i], "REDIRECT") && i + 1 < argv.length) {
                redirect = Arguments.toLong(argv[++i]);
            } else if (Arguments.is(argv[i], "PREFIX") && i + 1 < argv.length) {
                prefixes.add(argv[++i]);
            } else if (Arguments.is(argv[i], "BCAST")) {
                broadcast = true;
            } else if (Arguments.is(argv[i], "OPTIN")) {
                optIn = true;
            } else if (Arguments.is(argv[i], "OPTOUT")) {
                optOut = true;
            } else if (Arguments.is(argv[i], "NOLOOP")) {
                noLoop = true;
            } else {
                throw RedisException.syntax();
            }
        }
        if (Arguments.is(argv[2], "OFF")) {
            client.tracking(null);
            return;
        }
        if (!Arguments.is(argv[2], "ON")) {
            throw RedisException.syntax();
        }
        if (!broadcast && !prefixes.isEmpty()) {
            throw new RedisException("ERR PREFIX option requires BCAST mode to be enabled");
        }
        if (broadcast && (optIn || optOut)) {
            throw new RedisException("ERR OPTIN and OPTOUT are not compatible with BCAST");
        }
        if (optIn && optOut) {
            throw new RedisException("ERR You can't specify both OPTIN mode and OPTOUT mode");
        }
        client.tracking(new ClientTracking(redirect, prefixes, broadcast, optIn, optOut, noLoop));
    }

    private static void trackingInfo(ClientTracking tracking, Reply r) {
        r.map(3);
        r.bulk("flags");
        List<String> flags = new ArrayList<>();
        if (tracking == null) {
            flags.add("off");
        } else {
            flags.add("on");
            if (tracking.broadcast()) {
                flags.add("bcast");
            }
            if (tracking.optIn()) {
                flags.add("optin");
            }
            if (tracking.optOut()) {
                flags.add("optout");
            }
            if (tracking.noLoop()) {
                flags.add("noloop");
            }
        }
        r.set(flags.size());
        flags.forEach(r::bulk);
        r.bulk("redirect");
        r.integer(tracking == null ? -1 : tracking.redirect());
        r.bulk("prefixes");
        List<byte[]> prefixes = tracking == null ? List.of() : tracking.prefixes();
        r.array(prefixes.size());
        prefixes.forEach(r::bulk);
    }

    private static void arity(byte[][] argv, int expected, String sub) throws RedisException {
        if (argv.length != expected) {
            throw new RedisException("ERR wrong number of arguments for 'client|" + sub + "' command");
        }
    }

    /** CLIENT KILL addr:port, or CLIENT KILL [ID id] [ADDR addr] [LADDR addr] [SKIPME yes|no] ... */
    private static void kill(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        ClientSession self = c.client();
        if (argv.length == 3) {
            String address = Arguments.text(argv[2]);
            for (ClientSession other : c.clients()) {
                if (other.remoteAddress().equals(address)) {
                    end(self, other);
                    r.ok();
                    return;
                }
            }
            throw new RedisException("ERR No such client");
        }
        if (argv.length % 2 != 0) {
            throw RedisException.syntax();
        }
        Long id = null;
        String address = null;
        String localAddress = null;
        boolean skipMe = true;
        for (int i = 2; i < argv.length; i += 2) {
            byte[] value = argv[i + 1];
            if (Arguments.is(argv[i], "ID")) {
                if (!Arguments.isLong(value) || Arguments.toLong(value) < 1) {
                    throw new RedisException("ERR client-id should be greater than 0");
                }
                id = Arguments.toLong(value);
            } else if (Arguments.is(argv[i], "ADDR")) {
                address = Arguments.text(value);
            } else if (Arguments.is(argv[i], "LADDR")) {
                localAddress = Arguments.text(value);
            } else if (Arguments.is(argv[i], "SKIPME")) {
                if (Arguments.is(value, "YES")) {
                    skipMe = true;
                } else if (Arguments.is(value, "NO")) {
                    skipMe = false;
                } else {
                    throw RedisException.syntax();
                }
            } else {
                throw RedisException.syntax();
            }
        }
        long killed = 0;
        for (ClientSession other : List.copyOf(c.clients())) {
            if ((id != null && other.id() != id) || (address != null && !other.remoteAddress().equals(address))
                    || (localAddress != null && !other.localAddress().equals(localAddress)) || (skipMe && other == self)) {
                continue;
            }
            end(self, other);
            killed++;
        }
        r.integer(killed);
    }

    /** Another client is closed at once; the calling client after its reply, as Redis does. */
    private static void end(ClientSession self, ClientSession other) {
        if (other == self) {
            self.closeAfterReply();
        } else {
            other.kill();
        }
    }

    /** One line of CLIENT LIST, with the fields Redis gives (those Larder has no notion of are zero). */
    private static String describe(ClientSession client, long now) {
        return "id=" + client.id() + " addr=" + client.remoteAddress() + " laddr=" + client.localAddress() + " fd=-1 name="
                + (client.name() == null ? "" : client.name()) + " age=" + (now - client.connectedAtMillis()) / 1000
                + " idle=" + Math.max(0, now - client.lastCommandAtMillis()) / 1000 + " flags=N db=" + client.database()
                + " sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0"
                + " tot-mem=0 events=r cmd=" + client.lastCommand() + " user=" + client.user() + " redir=-1 resp=" + client.protocol() + "\n";
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
