package dev.larder.redis.engine.internal;

import dev.larder.databases.Access;
import dev.larder.databases.Database;
import dev.larder.redis.api.CommandFlag;
import dev.larder.redis.api.CommandSpec;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.engine.UserAccess;
import dev.larder.storage.KeyValueTable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis 7.0's ACL within each database. A database's own user is "default" (its tokens: the full token is
 * its password, the read-only token a read-only variant); ACL SETUSER adds users to the database the
 * connection is in. Users are kept in the grid table {@code redis-acl} under the database's id and loaded
 * on the database's first use of them; every change is stored at once.
 */
final class Acl {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.redis");
    static final String TABLE = "redis-acl";
    private static final String REST_TOKEN_PREFIX = "acl_";
    private static final byte[] SECRET_SUFFIX = "/rest-secret".getBytes(StandardCharsets.US_ASCII);
    /** Commands whose arguments are channels (Redis 7.0's getChannelsFromCommand); only publish and subscribe are checked. */
    private static final Set<String> PUBLISHING = Set.of("publish", "spublish");
    private static final Set<String> SUBSCRIBING = Set.of("subscribe", "ssubscribe", "psubscribe");
    private static final Set<String> CHANNEL_COMMANDS = Set.of("publish", "spublish", "subscribe", "ssubscribe", "psubscribe",
            "unsubscribe", "sunsubscribe", "punsubscribe");
    private static final int[] NONE = new int[0];

    private final RedisEngine engine;
    private final KeyValueTable table;
    final AclCommandTable commands;
    private final Map<Integer, AclUsers> loaded = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    Acl(RedisEngine engine, KeyValueTable table, CommandRegistry registry) {
        this.engine = engine;
        this.table = table;
        this.commands = new AclCommandTable(registry);
    }

    /** The users of a database, read from the grid on first use. */
    AclUsers users(Tenant tenant) {
        AclUsers users = loaded.get(tenant.id);
        if (users != null) {
            return users;
        }
        return loaded.computeIfAbsent(tenant.id, id -> {
            AclUsers read = new AclUsers(id);
            List<String> errors = new ArrayList<>();
            readInto(tenant, read, errors);
            errors.forEach(error -> LOG.error("ACL users of database '{}': {}", tenant.name, error));
            return read;
        });
    }

    /** Puts the stored users into {@code users}; lines that do not apply are listed in {@code errors} and left out. */
    private void readInto(Tenant tenant, AclUsers users, List<String> errors) {
        byte[] secret = table.get(slot(tenant.id), secretKey(tenant.id));
        users.restSecret(secret);
        byte[] stored = table.get(slot(tenant.id), key(tenant.id));
        if (stored == null) {
            return;
        }
        for (String line : new String(stored, StandardCharsets.UTF_8).split("\n")) {
            try {
                AclUsers.decode(line.getBytes(StandardCharsets.UTF_8), commands.lenient(), allChannelsByDefault(tenant))
                        .forEach((name, state) -> users.put(new AclUser(name, state)));
            } catch (AclRuleException e) {
                errors.add(e.getMessage());
            }
        }
    }

    /**
     * ACL LOAD: the stored users replace those in memory. A user that is still there keeps its connections
     * (they see its stored rules); the connections of one that is gone are closed, as Redis closes them.
     */
    void reload(Tenant tenant, Session self) throws AclRuleException {
        AclUsers users = users(tenant);
        synchronized (users) {
            byte[] stored = table.get(slot(tenant.id), key(tenant.id));
            Map<String, AclUser.State> read = stored == null ? Map.of()
                    : AclUsers.decode(stored, commands.lenient(), allChannelsByDefault(tenant));
            for (AclUser user : users.list()) {
                AclUser.State state = read.get(user.name);
                if (state == null) {
                    users.remove(user.name);
                    disconnect(user, self);
                } else {
                    user.state(state);
                }
            }
            read.forEach((name, state) -> {
                if (users.get(name) == null) {
                    users.put(new AclUser(name, state));
                }
            });
            users.restSecret(table.get(slot(tenant.id), secretKey(tenant.id)));
        }
    }

    /**
     * A user not known here, or a password it does not take, may be another node's change: the stored users
     * are read again once before the answer is no (as Databases.authenticate does for tokens).
     */
    private AclUser reread(Tenant tenant, String name) {
        try {
            reload(tenant, null);
        } catch (AclRuleException unreadable) {
            LOG.warn("ACL users of database '{}' could not be read again: {}", tenant.name, unreadable.getMessage());
        }
        return users(tenant).get(name);
    }

    /** Writes a database's users to the grid (ACL SAVE, and every SETUSER and DELUSER). */
    void store(Tenant tenant) {
        AclUsers users = users(tenant);
        byte[] encoded = users.encode();
        if (encoded.length == 0) {
            table.remove(slot(tenant.id), key(tenant.id));
        } else {
            table.put(slot(tenant.id), key(tenant.id), encoded);
        }
    }

    /** A deleted database's users go with it. */
    void deleted(int tenantId) {
        loaded.remove(tenantId);
        table.remove(slot(tenantId), key(tenantId));
        table.remove(slot(tenantId), secretKey(tenantId));
    }

    private static int slot(int tenantId) {
        return Math.floorMod(tenantId, 16384);
    }

    private static byte[] key(int tenantId) {
        return ByteBuffer.allocate(4).putInt(tenantId).array();
    }

    private static byte[] secretKey(int tenantId) {
        return ByteBuffer.allocate(4 + SECRET_SUFFIX.length).putInt(tenantId).put(SECRET_SUFFIX).array();
    }

    static boolean allChannelsByDefault(Tenant tenant) {
        return "allchannels".equals(tenant.parameters.get("acl-pubsub-default"));
    }

    /** The database's own user: "default", whose password is the full token (nopass while it has none). */
    AclUser defaultUser(Tenant tenant) {
        Optional<Database> database = engine.databases().find(tenant.name);
        return AclUser.builtIn(Database.DEFAULT_NAME, database.map(Database::fullToken).orElse(null));
    }

    /** A user of the database by name, "default" included; null when there is none. */
    AclUser find(Tenant tenant, String name) {
        return Database.DEFAULT_NAME.equals(name) ? defaultUser(tenant) : users(tenant).get(name);
    }

    /** Who AUTH user password opens, and in which database. */
    record Login(Tenant tenant, AclUser user) {
    }

    /**
     * AUTH user password: the user of the connection's database, else "database:user" of another database.
     * Null when neither opens with the password; the failure is logged in that database's ACL LOG.
     */
    Login authenticate(Session session, String name, byte[] password) {
        Tenant current = session.tenant();
        AclUser user = users(current).get(name);
        if (user == null || !user.authenticates(password)) {
            user = reread(current, name);
        }
        Tenant logIn = current;
        String loggedName = name;
        if (user == null) {
            int colon = name.indexOf(':');
            Optional<Database> other = colon <= 0 ? Optional.empty() : engine.databases().find(name.substring(0, colon));
            if (other.isPresent()) {
                Tenant tenant = engine.tenant(other.get());
                String local = name.substring(colon + 1);
                AclUser qualified = users(tenant).get(local);
                if (qualified == null || !qualified.authenticates(password)) {
                    qualified = reread(tenant, local);
                }
                if (qualified != null && qualified.authenticates(password)) {
                    return new Login(tenant, qualified);
                }
                logIn = tenant;
                loggedName = local;
            }
        } else if (user.authenticates(password)) {
            return new Login(current, user);
        }
        log(session, logIn, AclLog.REASON_AUTH, AclLog.CONTEXT_TOPLEVEL, authCommand(session), loggedName, session.lastCommand());
        return null;
    }

    /** What Redis logs as an AUTH failure's object: the command (AUTH or HELLO) as the client wrote it. */
    private static String authCommand(Session session) {
        byte[][] argv = session.running().argv();
        return argv == null || argv.length == 0 ? "AUTH" : new String(argv[0], StandardCharsets.UTF_8);
    }

    /** A failed AUTH with a database token, as Redis logs AUTH failures of the default user. */
    void authFailed(Session session, String name) {
        log(session, session.tenant(), AclLog.REASON_AUTH, AclLog.CONTEXT_TOPLEVEL, authCommand(session),
                name == null ? Database.DEFAULT_NAME : name, session.lastCommand());
    }

    /**
     * Why the session's ACL user may not run the call (Redis 7.0's NOPERM texts; a script's call gets the
     * texts redis.call raises), or null. Logged in the ACL LOG. A session authenticated with a token has no
     * ACL user: its token's rights apply (RedisEngine.refusal), and a read-only token manages no users.
     */
    String refusal(Session session, RedisCommand command, byte[][] argv, boolean fromScript) {
        AclUser user = session.aclUser();
        if (user == null) {
            if (session.readOnly() && command.spec().name().equals("acl")) {
                AclCommandTable.Target target = commands.target(command, argv);
                if (target.categories().contains("admin")) {
                    return "NOPERM this user has no permissions to run the '" + target.name() + "' command";
                }
            }
            return null;
        }
        AclUser.Denial denial = check(user, command, argv);
        if (denial == null) {
            return null;
        }
        String context = fromScript ? AclLog.CONTEXT_LUA : session.transaction() != null ? AclLog.CONTEXT_MULTI : AclLog.CONTEXT_TOPLEVEL;
        log(session, session.tenant(), reason(denial), context, denial.object(), user.name,
                fromScript ? session.lastCommand() : commands.target(command, argv).name());
        if (fromScript) {
            return switch (denial.reason()) {
                case AclSelector.DENIED_KEY -> "ERR The user executing the script can't access at least one of the keys mentioned in "
                        + "the command arguments";
                case AclSelector.DENIED_CHANNEL -> "ERR The user executing the script can't publish to the channel mentioned in the command";
                default -> "ERR The user executing the script can't run this command or subcommand";
            };
        }
        return switch (denial.reason()) {
            case AclSelector.DENIED_KEY -> "NOPERM this user has no permissions to access one of the keys used as arguments";
            case AclSelector.DENIED_CHANNEL -> "NOPERM this user has no permissions to access one of the channels used as arguments";
            default -> "NOPERM this user has no permissions to run the '" + denial.object() + "' command";
        };
    }

    /** EXEC checks each queued command again, as Redis 7.0 does: the rules may have changed since it was queued. */
    String execRefusal(Session session, RedisCommand command, byte[][] argv) {
        AclUser user = session.aclUser();
        AclUser.Denial denial = user == null ? null : check(user, command, argv);
        if (denial == null) {
            return null;
        }
        log(session, session.tenant(), reason(denial), AclLog.CONTEXT_MULTI, denial.object(), user.name, "exec");
        String reason = switch (denial.reason()) {
            case AclSelector.DENIED_KEY -> "no permission to touch the specified keys";
            case AclSelector.DENIED_CHANNEL -> "no permission to access one of the channels used as arguments";
            default -> "no permission to execute the command or subcommand";
        };
        return "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no "
                + "longer allowed for the following reason: " + reason;
    }

    /**
     * A user's check of a call. Keys need read access for READONLY commands, write access for WRITE ones and
     * both for the rest: the command's flags stand in for Redis 7's per-key flags (so LMOVE's source needs
     * only write access here, EXISTS read access). SPUBLISH's and SSUBSCRIBE's channels are not keys.
     */
    AclUser.Denial check(AclUser user, RedisCommand command, byte[][] argv) {
        KeysAndChannels found = keysAndChannels(command, argv);
        return user.check(commands.target(command, argv), argv, found.keys(), found.keyFlags(), found.channels(), found.patterns());
    }

    /** Where a call's keys and channels are, what its keys need, and whether its channels are patterns (PSUBSCRIBE). */
    record KeysAndChannels(int[] keys, int keyFlags, int[] channels, boolean patterns) {
    }

    static KeysAndChannels keysAndChannels(RedisCommand command, byte[][] argv) {
        CommandSpec spec = command.spec();
        String name = spec.name();
        int[] keys = NONE;
        if (!CHANNEL_COMMANDS.contains(name)) {
            try {
                keys = command.keyPositions(argv);
            } catch (RuntimeException malformed) {
                keys = NONE; // the command refuses its arguments itself
            }
            for (int at : keys) {
                if (at >= argv.length) {
                    keys = java.util.Arrays.stream(keys).filter(position -> position < argv.length).toArray();
                    break;
                }
            }
        }
        int keyFlags = spec.has(CommandFlag.WRITE) ? AclSelector.WRITE
                : spec.has(CommandFlag.READONLY) ? AclSelector.READ : AclSelector.READ_WRITE;
        int[] channels = NONE;
        if (PUBLISHING.contains(name) && argv.length > 1) {
            channels = new int[] {1};
        } else if (SUBSCRIBING.contains(name)) {
            channels = new int[argv.length - 1];
            for (int i = 0; i < channels.length; i++) {
                channels[i] = i + 1;
            }
        }
        return new KeysAndChannels(keys, keyFlags, channels, name.equals("psubscribe"));
    }

    private static String reason(AclUser.Denial denial) {
        return switch (denial.reason()) {
            case AclSelector.DENIED_KEY -> AclLog.REASON_KEY;
            case AclSelector.DENIED_CHANNEL -> AclLog.REASON_CHANNEL;
            default -> AclLog.REASON_COMMAND;
        };
    }

    private void log(Session session, Tenant tenant, String reason, String context, String object, String username, String command) {
        long max;
        try {
            max = tenant.parameters.number("acllog-max-len");
        } catch (RuntimeException unreadable) {
            max = 128;
        }
        users(tenant).log.add(reason, context, object, username, clientInfo(session, command), max);
    }

    /** CLIENT INFO's line for the log, with the ACL user and the refused command. */
    private static String clientInfo(Session session, String command) {
        long now = System.currentTimeMillis();
        AclUser user = session.aclUser();
        return "id=" + session.id() + " addr=" + session.remoteAddress() + " laddr=" + session.localAddress() + " fd=-1 name="
                + (session.name() == null ? "" : session.name()) + " age=" + (now - session.connectedAtMillis()) / 1000
                + " idle=0 flags=" + (session.transaction() != null ? "x" : "N") + " db=" + session.database()
                + " sub=0 psub=0 ssub=0 multi=" + (session.transaction() != null ? session.transaction().commands.size() : -1)
                + " qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=" + command
                + " user=" + (user != null ? user.name : Database.DEFAULT_NAME) + " redir=-1 resp="
                + session.wireProtocol();
    }

    /** ACL DELUSER: the user's connections close (the one that asked after its reply). */
    void disconnect(AclUser user, Session self) {
        for (Session session : engine.sessions()) {
            if (session.aclUser() == user) {
                if (session == self) {
                    session.closeAfterReply();
                } else {
                    session.kill();
                }
            }
        }
    }

    /** After ACL SETUSER: connections of the user subscribed to what it may no longer subscribe to close, as in Redis 7. */
    void changed(AclUser user, Session self) {
        for (Session session : engine.sessions()) {
            if (session.aclUser() != user || session.subscriptions() == 0) {
                continue;
            }
            boolean revoked = false;
            for (PubSub.Kind kind : PubSub.Kind.values()) {
                for (dev.larder.redis.api.types.Bytes channel : List.copyOf(session.subscribed(kind))) {
                    revoked |= !channelAllowed(user, channel.bytes(), kind == PubSub.Kind.PATTERN);
                }
            }
            if (revoked) {
                if (session == self) {
                    session.closeAfterReply();
                } else {
                    session.kill();
                }
            }
        }
    }

    private static boolean channelAllowed(AclUser user, byte[] channel, boolean pattern) {
        for (AclSelector selector : user.state().selectors()) {
            if (selector.channelAllowed(channel, pattern)) {
                return true;
            }
        }
        return false;
    }

    /**
     * ACL RESTTOKEN for an ACL user: a token naming the database and the user, signed with the database's
     * secret over the password it was made with ("nopass" for a user without passwords). It opens the user
     * over REST while the user is on and keeps that password; asking again gives the same token.
     */
    String restToken(Tenant tenant, AclUser user, byte[] password) {
        AclUsers users = users(tenant);
        byte[] secret;
        synchronized (users) {
            secret = users.restSecret();
            if (secret == null) {
                secret = new byte[32];
                random.nextBytes(secret);
                table.put(slot(tenant.id), secretKey(tenant.id), secret);
                users.restSecret(secret);
            }
        }
        String credential = user.state().nopass() ? "nopass" : AclUser.hash(password);
        byte[] payload = payload(tenant.id, user.name);
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        return REST_TOKEN_PREFIX + base64.encodeToString(payload) + "." + base64.encodeToString(sign(secret, payload, credential));
    }

    /** The ACL user a REST token opens, if any. */
    Optional<UserAccess> restAccess(String token) {
        if (token == null || !token.startsWith(REST_TOKEN_PREFIX)) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        byte[] payload;
        byte[] signature;
        try {
            payload = Base64.getUrlDecoder().decode(token.substring(REST_TOKEN_PREFIX.length(), dot));
            signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
        if (payload.length < 5) {
            return Optional.empty();
        }
        int id = ByteBuffer.wrap(payload).getInt();
        String name = new String(payload, 4, payload.length - 4, StandardCharsets.UTF_8);
        Optional<Database> database = engine.databases().list().stream().filter(d -> d.id() == id).findFirst();
        if (database.isEmpty()) {
            return Optional.empty();
        }
        Tenant tenant = engine.tenant(database.get());
        AclUsers users = users(tenant);
        AclUser user = users.get(name);
        if (user == null || users.restSecret() == null) {
            user = reread(tenant, name);
        }
        byte[] secret = users.restSecret();
        if (user == null || secret == null || !user.state().enabled()) {
            return Optional.empty();
        }
        List<String> credentials = user.state().nopass() ? List.of("nopass") : user.state().passwords();
        for (String credential : credentials) {
            if (MessageDigest.isEqual(sign(secret, payload, credential), signature)) {
                return Optional.of(new UserAccess(new Access(database.get(), false), name));
            }
        }
        return Optional.empty();
    }

    private static byte[] payload(int tenantId, String user) {
        byte[] name = user.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + name.length).putInt(tenantId).put(name).array();
    }

    private static byte[] sign(byte[] secret, byte[] payload, String credential) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(payload);
            mac.update((byte) 0);
            return mac.doFinal(credential.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
