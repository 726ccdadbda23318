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
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * ACL as Redis 7.0 has it, within the connection's database: SETUSER, GETUSER, DELUSER, LIST, USERS, CAT,
 * LOG, DRYRUN, GENPASS, WHOAMI, SAVE, LOAD, HELP; and Upstash's RESTTOKEN. "default" is the database's own
 * user (its tokens) and cannot be changed or removed. SETUSER and DELUSER store the users at once (see
 * {@link Acl}); SAVE stores them again and LOAD reads them back from the grid.
 */
final class AclCommands implements CommandFamily {

    private static final Map<String, Integer> ARITIES = new LinkedHashMap<>();

    static {
        AclCategories.subcommands("acl").forEach((name, sub) -> ARITIES.put(name, sub.arity()));
    }

    private final RedisEngine engine;
    private final SecureRandom random = new SecureRandom();

    AclCommands(RedisEngine engine) {
        this.engine = engine;
    }

    @Override
    public List<RedisCommand> commands() {
        return List.of(RedisCommand.of(command("acl", -2).flags(NOSCRIPT, LOADING, STALE).categories("server").build(), this::acl));
    }

    private void acl(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        Session session = (Session) c.client();
        String subcommand = Arguments.subcommand(argv, "acl", ARITIES);
        Acl acl = engine.acl();
        Tenant tenant = session.tenant();
        switch (subcommand) {
            case "whoami" -> r.bulk(session.aclUser() != null ? session.aclUser().name : tenant.name);
            case "setuser" -> setUser(session, tenant, argv, r);
            case "getuser" -> getUser(acl.find(tenant, Arguments.text(argv[2])), r);
            case "deluser" -> deleteUsers(session, tenant, argv, r);
            case "users" -> {
                List<AclUser> users = all(tenant);
                r.array(users.size());
                users.forEach(user -> r.bulk(user.name));
            }
            case "list" -> {
                List<AclUser> users = all(tenant);
                r.array(users.size());
                users.forEach(user -> r.bulk("user " + user.name + " " + user.describe(acl.commands)));
            }
            case "cat" -> category(argv, r);
            case "log" -> log(acl.users(tenant), argv, r);
            case "dryrun" -> dryRun(tenant, argv, r);
            case "genpass" -> r.bulk(generatePassword(argv));
            case "save" -> {
                acl.store(tenant);
                r.ok();
            }
            case "load" -> {
                try {
                    acl.reload(tenant, session);
                } catch (AclRuleException e) {
                    throw new RedisException("ERR " + e.getMessage());
                }
                r.ok();
            }
            case "resttoken" -> r.bulk(restToken(tenant, Arguments.text(argv[2]), argv[3]));
            default -> help(r);
        }
    }

    /** Every user of the database, "default" included, in Redis's byte order. */
    private List<AclUser> all(Tenant tenant) {
        List<AclUser> users = new ArrayList<>(engine.acl().users(tenant).list());
        users.add(engine.acl().defaultUser(tenant));
        users.sort((a, b) -> Arrays.compareUnsigned(a.name.getBytes(StandardCharsets.UTF_8), b.name.getBytes(StandardCharsets.UTF_8)));
        return users;
    }

    private void setUser(Session session, Tenant tenant, byte[][] argv, Reply r) throws RedisException {
        String name = Arguments.text(argv[2]);
        if (name.indexOf(' ') >= 0 || name.indexOf('\0') >= 0) {
            throw new RedisException("ERR Usernames can't contain spaces or null characters");
        }
        if (name.equals(Database.DEFAULT_NAME)) {
            throw new RedisException("ERR The 'default' user is the database's own user (its tokens): ACL SETUSER cannot change it");
        }
        String[] unmatched = new String[1];
        List<byte[]> rules = AclUser.mergeSelectors(Arrays.asList(argv).subList(3, argv.length), unmatched);
        if (rules == null) {
            throw new RedisException("ERR Unmatched parenthesis in acl selector starting at '" + unmatched[0] + "'.");
        }
        Acl acl = engine.acl();
        AclUsers users = acl.users(tenant);
        boolean allChannels = Acl.allChannelsByDefault(tenant);
        synchronized (users) {
            AclUser existing = users.get(name);
            AclUser.State state = existing != null ? existing.state() : AclUser.created(allChannels);
            for (byte[] rule : rules) {
                try {
                    state = AclUser.apply(state, rule, acl.commands, allChannels);
                } catch (AclRuleException e) {
                    throw new RedisException("ERR Error in ACL SETUSER modifier '" + Arguments.text(rule) + "': " + e.getMessage());
                }
            }
            if (existing == null) {
                users.put(new AclUser(name, state));
            } else {
                existing.state(state);
                acl.changed(existing, session);
            }
            acl.store(tenant);
        }
        r.ok();
    }

    private void getUser(AclUser user, Reply r) {
        if (user == null) {
            r.nil();
            return;
        }
        AclUser.State state = user.state();
        AclCommandTable commands = engine.acl().commands;
        r.map(6);
        r.bulk("flags");
        List<String> flags = AclUser.flags(state);
        r.set(flags.size());
        flags.forEach(r::bulk);
        r.bulk("passwords");
        r.array(state.passwords().size());
        state.passwords().forEach(r::bulk);
        r.bulk("commands");
        r.bulk(commands.describe(state.root()));
        r.bulk("keys");
        r.bulk(state.root().describeKeys());
        r.bulk("channels");
        r.bulk(state.root().describeChannels());
        r.bulk("selectors");
        List<AclSelector> selectors = state.selectors().subList(1, state.selectors().size());
        r.array(selectors.size());
        for (AclSelector selector : selectors) {
            r.map(3);
            r.bulk("commands");
            r.bulk(commands.describe(selector));
            r.bulk("keys");
            r.bulk(selector.describeKeys());
            r.bulk("channels");
            r.bulk(selector.describeChannels());
        }
    }

    private void deleteUsers(Session session, Tenant tenant, byte[][] argv, Reply r) throws RedisException {
        for (int i = 2; i < argv.length; i++) {
            if (Arguments.text(argv[i]).equals(Database.DEFAULT_NAME)) {
                throw new RedisException("ERR The 'default' user cannot be removed");
            }
        }
        Acl acl = engine.acl();
        AclUsers users = acl.users(tenant);
        long deleted = 0;
        synchronized (users) {
            for (int i = 2; i < argv.length; i++) {
                AclUser removed = users.remove(Arguments.text(argv[i]));
                if (removed != null) {
                    acl.disconnect(removed, session);
                    deleted++;
                }
            }
            if (deleted > 0) {
                acl.store(tenant);
            }
        }
        r.integer(deleted);
    }

    private void category(byte[][] argv, Reply r) throws RedisException {
        if (argv.length > 3) {
            throw unknownForm(argv);
        }
        if (argv.length == 2) {
            r.array(AclCategories.NAMES.size());
            AclCategories.NAMES.forEach(r::bulk);
            return;
        }
        String category = Arguments.text(argv[2]).toLowerCase(Locale.ROOT);
        if (!AclCategories.known(category)) {
            throw new RedisException("ERR Unknown category '" + Arguments.text(argv[2]) + "'");
        }
        List<String> names = engine.acl().commands.inCategory(category);
        r.array(names.size());
        names.forEach(r::bulk);
    }

    /** Redis's answer when a subcommand's arguments fit its arity but not its forms (ACL CAT a b). */
    private static RedisException unknownForm(byte[][] argv) {
        return new RedisException("ERR unknown subcommand or wrong number of arguments for '" + Arguments.text(argv[1])
                + "'. Try ACL HELP.");
    }

    private static void log(AclUsers users, byte[][] argv, Reply r) throws RedisException {
        if (argv.length > 3) {
            throw unknownForm(argv);
        }
        long count = 10;
        if (argv.length == 3) {
            if (Arguments.is(argv[2], "RESET")) {
                users.log.reset();
                r.ok();
                return;
            }
            count = Math.max(0, Arguments.toLong(argv[2]));
        }
        users.log.reply(r, count);
    }

    /** ACL DRYRUN user command [arg ...]: whether the user could run it, with Redis's answer for why not. */
    private void dryRun(Tenant tenant, byte[][] argv, Reply r) throws RedisException {
        Acl acl = engine.acl();
        String name = Arguments.text(argv[2]);
        AclUser user = acl.find(tenant, name);
        if (user == null) {
            throw new RedisException("ERR User '" + name + "' not found");
        }
        byte[][] call = Arrays.copyOfRange(argv, 3, argv.length);
        RedisCommand command = acl.commands.command(Arguments.text(call[0]));
        String fullName = command == null ? null : command.spec().name();
        int arity = command == null ? 0 : command.spec().arity();
        if (command != null && call.length > 1 && AclCategories.isContainer(fullName)) {
            AclCategories.Subcommand sub = AclCategories.subcommand(fullName, Arguments.text(call[1]).toLowerCase(Locale.ROOT));
            if (sub == null) {
                command = null;
            } else {
                fullName = sub.fullName();
                arity = sub.arity();
            }
        }
        if (command == null) {
            throw new RedisException("ERR Command '" + Arguments.text(call[0]) + "' not found");
        }
        if (arity > 0 ? call.length != arity : call.length < -arity) {
            throw RedisException.wrongArity(fullName);
        }
        AclUser.Denial denial = acl.check(user, command, call);
        if (denial == null) {
            r.ok();
            return;
        }
        r.bulk(switch (denial.reason()) {
            case AclSelector.DENIED_KEY -> "This user has no permissions to access the '" + denial.object() + "' key";
            case AclSelector.DENIED_CHANNEL -> "This user has no permissions to access the '" + denial.object() + "' channel";
            default -> "This user has no permissions to run the '" + denial.object() + "' command";
        });
    }

    private String generatePassword(byte[][] argv) throws RedisException {
        long bits = 256;
        if (argv.length == 3) {
            bits = Arguments.toLong(argv[2]);
            if (bits <= 0 || bits > 4096) {
                throw new RedisException("ERR ACL GENPASS argument must be the number of bits for the output password, a positive "
                        + "number up to 4096");
            }
        }
        int chars = (int) ((bits + 3) / 4);
        byte[] bytes = new byte[(chars + 1) / 2];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes).substring(0, chars);
    }

    /**
     * ACL RESTTOKEN user password. The database's own users ("default" or the database's name) answer with the
     * database token given as the password (it is their REST token too); an ACL user gets a token of its own.
     */
    private String restToken(Tenant tenant, String user, byte[] password) throws RedisException {
        Acl acl = engine.acl();
        if (user.equals(Database.DEFAULT_NAME) || user.equals(tenant.name)) {
            Optional<Access> access = engine.databases().authenticate(new String(password, StandardCharsets.UTF_8));
            if (access.isPresent() && (user.equals(Database.DEFAULT_NAME) || user.equals(access.get().database().name()))) {
                return new String(password, StandardCharsets.UTF_8);
            }
        } else {
            AclUser aclUser = acl.users(tenant).get(user);
            if (aclUser != null && aclUser.authenticates(password)) {
                return acl.restToken(tenant, aclUser, password);
            }
        }
        throw new RedisException("ERR Wrong password or user \"" + user + "\" does not exist");
    }

    private static void help(Reply r) {
        r.help("ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "CAT [<category>]",
                "    List all commands that belong to <category>, or all command categories",
                "    when no category is specified.",
                "DELUSER <username> [<username> ...]",
                "    Delete a list of users.",
                "DRYRUN <username> <command> [<arg> ...]",
                "    Returns whether the user can execute the given command without executing the command.",
                "GETUSER <username>",
                "    Get the user's details.",
                "GENPASS [<bits>]",
                "    Generate a secure 256-bit user password. The optional `bits` argument can",
                "    be used to specify a different size.",
                "LIST",
                "    Show users details in config file format.",
                "LOAD",
                "    Reload users from the ACL file.",
                "LOG [<count> | RESET]",
                "    Show the ACL log entries.",
                "SAVE",
                "    Save the current config to the ACL file.",
                "SETUSER <username> <attribute> [<attribute> ...]",
                "    Create or modify a user with the specified attributes.",
                "USERS",
                "    List all the registered usernames.",
                "WHOAMI",
                "    Return the current connection username.",
                "RESTTOKEN <username> <password>",
                "    Return a REST API token that authenticates the user (Upstash's).",
                "HELP",
                "    Prints this help.");
    }
}
