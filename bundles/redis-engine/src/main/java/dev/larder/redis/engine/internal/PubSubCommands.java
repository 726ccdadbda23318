package dev.larder.redis.engine.internal;

import static dev.larder.redis.api.CommandFlag.FAST;
import static dev.larder.redis.api.CommandFlag.LOADING;
import static dev.larder.redis.api.CommandFlag.MAY_REPLICATE;
import static dev.larder.redis.api.CommandFlag.NOSCRIPT;
import static dev.larder.redis.api.CommandFlag.PUBSUB;
import static dev.larder.redis.api.CommandFlag.STALE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.CommandSpec;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.types.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE, their UNSUBSCRIBEs, PUBLISH, SPUBLISH and PUBSUB (Redis's pubsub.c). */
final class PubSubCommands implements CommandFamily {

    /** What a RESP2 client may run while subscribed. */
    private static final Set<String> ALLOWED_WHILE_SUBSCRIBED = Set.of("subscribe", "psubscribe", "ssubscribe", "unsubscribe",
            "punsubscribe", "sunsubscribe", "ping", "quit", "reset");

    private final RedisEngine engine;

    PubSubCommands(RedisEngine engine) {
        this.engine = engine;
    }

    /** Why a subscribed RESP2 client may not run a command now, or null. */
    static String refusal(Session session, CommandSpec spec) {
        if (session.subscriptions() == 0 || session.protocol() != 2 || ALLOWED_WHILE_SUBSCRIBED.contains(spec.name())) {
            return null;
        }
        return "ERR Can't execute '" + spec.name() + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are "
                + "allowed in this context";
    }

    @Override
    public List<RedisCommand> commands() {
        return List.of(
                subscribe("subscribe", PubSub.Kind.CHANNEL, false),
                subscribe("psubscribe", PubSub.Kind.PATTERN, false),
                subscribe("ssubscribe", PubSub.Kind.SHARD, false),
                subscribe("unsubscribe", PubSub.Kind.CHANNEL, true),
                subscribe("punsubscribe", PubSub.Kind.PATTERN, true),
                subscribe("sunsubscribe", PubSub.Kind.SHARD, true),
                RedisCommand.of(command("publish", 3).flags(PUBSUB, LOADING, STALE, FAST, MAY_REPLICATE).categories("pubsub").build(),
                        (c, argv, r) -> r.integer(engine.pubSub().publish(((Session) c).tenant(), argv[1], argv[2], false))),
                RedisCommand.of(command("spublish", 3).flags(PUBSUB, LOADING, STALE, FAST, MAY_REPLICATE).keys(1, 1, 1)
                        .categories("pubsub").build(),
                        (c, argv, r) -> r.integer(engine.pubSub().publish(((Session) c).tenant(), argv[1], argv[2], true))),
                RedisCommand.of(command("pubsub", -2).categories("pubsub").build(), this::pubsub));
    }

    private RedisCommand subscribe(String name, PubSub.Kind kind, boolean unsubscribe) {
        CommandSpec.Builder spec = command(name, unsubscribe ? -1 : -2).flags(PUBSUB, NOSCRIPT, LOADING, STALE).categories("pubsub");
        if (kind == PubSub.Kind.SHARD) {
            spec.keys(1, -1, 1);
        }
        return RedisCommand.of(spec.build(), (c, argv, r) -> {
            Session session = (Session) c;
            if (unsubscribe) {
                unsubscribe(session, kind, argv, r);
            } else {
                for (int i = 1; i < argv.length; i++) {
                    Bytes channel = new Bytes(argv[i]);
                    if (session.subscribed(kind).add(channel)) {
                        engine.pubSub().subscribe(kind, session, channel);
                    }
                    confirm(r, kind.subscribed, argv[i], count(session, kind));
                }
            }
        });
    }

    private void unsubscribe(Session session, PubSub.Kind kind, byte[][] argv, Reply r) {
        List<Bytes> names = new ArrayList<>();
        if (argv.length == 1) {
            names.addAll(session.subscribed(kind));
            if (names.isEmpty()) {
                confirm(r, kind.unsubscribed, null, count(session, kind));
                return;
            }
        } else {
            for (int i = 1; i < argv.length; i++) {
                names.add(new Bytes(argv[i]));
            }
        }
        for (Bytes name : names) {
            if (session.subscribed(kind).remove(name)) {
                engine.pubSub().unsubscribe(kind, session, name);
            }
            confirm(r, kind.unsubscribed, name.bytes(), count(session, kind));
        }
    }

    /** Channels and patterns count together; shard channels on their own, as Redis counts them. */
    private static int count(Session session, PubSub.Kind kind) {
        return kind == PubSub.Kind.SHARD ? session.subscribed(kind).size()
                : session.subscribed(PubSub.Kind.CHANNEL).size() + session.subscribed(PubSub.Kind.PATTERN).size();
    }

    private static void confirm(Reply r, String what, byte[] name, int count) {
        r.push(3);
        r.bulk(what);
        if (name == null) {
            r.nil();
        } else {
            r.bulk(name);
        }
        r.integer(count);
    }

    /** PUBSUB CHANNELS [pattern] | NUMSUB [channel ...] | NUMPAT | SHARDCHANNELS [pattern] | SHARDNUMSUB [channel ...] | HELP */
    private void pubsub(dev.larder.redis.api.CommandContext c, byte[][] argv, Reply r) throws RedisException {
        Tenant tenant = ((Session) c).tenant();
        String sub = Arguments.subcommand(argv, "PUBSUB", Map.of("channels", -2, "numsub", -2, "numpat", 2, "shardchannels", -2,
                "shardnumsub", -2, "help", 2));
        PubSub pubSub = engine.pubSub();
        switch (sub) {
            case "channels", "shardchannels" -> {
                if (argv.length > 3) {
                    throw RedisException.wrongArity("pubsub|" + sub);
                }
                List<byte[]> names = pubSub.active(tenant, sub.equals("channels") ? PubSub.Kind.CHANNEL : PubSub.Kind.SHARD,
                        argv.length == 3 ? argv[2] : null);
                r.array(names.size());
                names.forEach(r::bulk);
            }
            case "numsub", "shardnumsub" -> {
                PubSub.Kind kind = sub.equals("numsub") ? PubSub.Kind.CHANNEL : PubSub.Kind.SHARD;
                r.map(argv.length - 2);
                for (int i = 2; i < argv.length; i++) {
                    r.bulk(argv[i]);
                    r.integer(pubSub.subscriberCount(tenant, kind, argv[i]));
                }
            }
            case "numpat" -> r.integer(pubSub.patternCount(tenant));
            default -> r.help("PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "CHANNELS [<pattern>]", "    Return the currently active channels matching a <pattern> (default: '*').",
                    "NUMPAT", "    Return number of subscriptions to patterns.",
                    "NUMSUB [<channel> ...]", "    Return the number of subscribers for the specified channels, excluding",
                    "    pattern subscriptions(default: no channels).",
                    "SHARDCHANNELS [<pattern>]", "    Return the currently active shard level channels matching a <pattern> (default: '*').",
                    "SHARDNUMSUB [<shardchannel> ...]", "    Return the number of subscribers for the specified shard level channel(s)",
                    "HELP", "    Print this help.");
        }
    }
}
