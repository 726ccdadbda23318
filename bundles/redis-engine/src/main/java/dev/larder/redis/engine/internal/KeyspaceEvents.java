package dev.larder.redis.engine.internal;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.RedisValue;
import dev.larder.redis.api.StringValue;
import dev.larder.redis.api.types.HashValue;
import dev.larder.redis.api.types.ListValue;
import dev.larder.redis.api.types.SetValue;
import dev.larder.redis.api.types.SortedSetValue;
import dev.larder.redis.api.types.StreamValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Keyspace notifications (notify-keyspace-events): while they are on, the keyspace records what each
 * command does to its keys (written, created, removed, expiry changed, expired) and after the command
 * the engine publishes Redis's events for it on __keyspace@DB__:key and __keyevent@DB__:event. Event
 * names follow Redis's: the command's own name, or the name Redis gives it (INCR is "incrby", HMSET
 * "hset", LMOVE "lpop"/"rpop" then "lpush"/"rpush", RENAME "rename_from" then "rename_to"...).
 */
final class KeyspaceEvents {

    static final int GENERIC = 1 << 2;
    static final int STRING = 1 << 3;
    static final int LIST = 1 << 4;
    static final int SET = 1 << 5;
    static final int HASH = 1 << 6;
    static final int ZSET = 1 << 7;
    static final int EXPIRED = 1 << 8;
    static final int EVICTED = 1 << 9;
    static final int STREAM = 1 << 10;
    static final int KEY_MISS = 1 << 11;
    static final int MODULE = 1 << 12;
    static final int NEW = 1 << 14;
    static final int KEYSPACE = 1;
    static final int KEYEVENT = 1 << 1;
    static final int ALL = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

    /** What happened to a key during a command. */
    enum Change { WRITTEN, CREATED, REMOVED, EXPIRY, EXPIRED, EVICTED }

    record Recorded(Tenant tenant, int database, byte[] key, Change change, RedisValue value) {
    }

    /** Every database's classes and channels together (each database has its own); 0: nothing is recorded. */
    private static volatile int flags;
    private static final ThreadLocal<List<Recorded>> RECORDED = ThreadLocal.withInitial(ArrayList::new);

    /** Event names Redis gives commands, where they differ from the command's name. */
    private static final Map<String, String> EVENTS = Map.ofEntries(
            Map.entry("setex", "set"), Map.entry("psetex", "set"), Map.entry("setnx", "set"), Map.entry("getset", "set"),
            Map.entry("mset", "set"), Map.entry("msetnx", "set"), Map.entry("incr", "incrby"), Map.entry("decr", "incrby"),
            Map.entry("decrby", "incrby"),
            Map.entry("hmset", "hset"), Map.entry("hsetnx", "hset"), Map.entry("lpushx", "lpush"), Map.entry("rpushx", "rpush"),
            Map.entry("blpop", "lpop"), Map.entry("brpop", "rpop"), Map.entry("zincrby", "zincr"), Map.entry("bzpopmin", "zpopmin"),
            Map.entry("bzpopmax", "zpopmax"), Map.entry("geoadd", "zadd"), Map.entry("pfmerge", "pfadd"), Map.entry("pfcount", "pfadd"),
            Map.entry("unlink", "del"), Map.entry("getdel", "del"), Map.entry("pexpire", "expire"), Map.entry("expireat", "expire"),
            Map.entry("pexpireat", "expire"), Map.entry("hincrbyfloat", "hincrbyfloat"), Map.entry("sort", "sortstore"),
            Map.entry("restore", "restore"), Map.entry("xdelex", "xdel"), Map.entry("xackdel", "xdel"), Map.entry("copy", "copy_to"), Map.entry("spop", "spop"), Map.entry("xreadgroup", "xgroup-createconsumer"));

    private KeyspaceEvents() {
    }

    static boolean on() {
        return flags != 0;
    }

    static int flags() {
        return flags;
    }

    static void record(Tenant tenant, int database, byte[] key, Change change, RedisValue value) {
        if (flags != 0 && tenant.keyspaceEvents != 0) {
            RECORDED.get().add(new Recorded(tenant, database, key, change, value));
        }
    }

    /** What the command recorded, leaving nothing. */
    static List<Recorded> take() {
        List<Recorded> recorded = RECORDED.get();
        if (recorded.isEmpty()) {
            return List.of();
        }
        RECORDED.set(new ArrayList<>());
        return recorded;
    }

    /** notify-keyspace-events: Redis's letters to flags; an unknown letter is an error. */
    static int parse(String letters) throws RedisException {
        int parsed = 0;
        for (char c : letters.toCharArray()) {
            parsed |= switch (c) {
                case 'A' -> ALL;
                case 'g' -> GENERIC;
                case '$' -> STRING;
                case 'l' -> LIST;
                case 's' -> SET;
                case 'h' -> HASH;
                case 'z' -> ZSET;
                case 'x' -> EXPIRED;
                case 'e' -> EVICTED;
                case 'K' -> KEYSPACE;
                case 'E' -> KEYEVENT;
                case 't' -> STREAM;
                case 'm' -> KEY_MISS;
                case 'd' -> MODULE;
                case 'n' -> NEW;
                default -> throw new RedisException("invalid event class character");
            };
        }
        return parsed;
    }

    static void flags(int value) {
        flags = value;
    }

    /** The letters CONFIG GET shows, in Redis's order. */
    static String letters(int value) {
        StringBuilder text = new StringBuilder();
        if ((value & ALL) == ALL) {
            text.append('A');
        } else {
            String letters = "g$lshzxetdn";
            int[] classes = {GENERIC, STRING, LIST, SET, HASH, ZSET, EXPIRED, EVICTED, STREAM, MODULE, NEW};
            for (int i = 0; i < classes.length; i++) {
                if ((value & classes[i]) != 0) {
                    text.append(letters.charAt(i));
                }
            }
        }
        if ((value & ALL) == ALL && (value & NEW) != 0) {
            text.append('n');
        }
        if ((value & KEYSPACE) != 0) {
            text.append('K');
        }
        if ((value & KEYEVENT) != 0) {
            text.append('E');
        }
        if ((value & KEY_MISS) != 0) {
            text.append('m');
        }
        return text.toString();
    }

    /** Publishes the events of what a command (argv; null for the server's own expiry) did. */
    static void publish(PubSub pubSub, byte[][] argv, List<Recorded> recorded) {
        String command = argv == null ? "" : Arguments.text(argv[0]).toLowerCase(Locale.ROOT);
        if (MOVES_PUSH_FIRST.contains(command) && argv.length > 2) {
            // Redis reports the push to the destination before the pop from the source
            recorded = new ArrayList<>(recorded);
            recorded.sort(java.util.Comparator.comparingInt(change -> java.util.Arrays.equals(change.key(), argv[2]) ? 0 : 1));
        }
        if (command.startsWith("rename") || command.equals("move")) {
            // Redis adds the new key (its "new" event) before it removes the old one
            recorded = new ArrayList<>(recorded);
            recorded.sort(java.util.Comparator.comparingInt(change -> change.change() == Change.CREATED ? 0 : 1));
        }
        for (Recorded change : recorded) {
            int enabled = change.tenant().keyspaceEvents;
            int written = argv != null && argv.length > 1 && java.util.Arrays.equals(change.key(), argv[1]) ? 0 : 1;
            switch (change.change()) {
                case CREATED -> notify(pubSub, enabled, NEW, "new", change);
                case EXPIRED -> notify(pubSub, enabled, EXPIRED, "expired", change);
                case EVICTED -> notify(pubSub, enabled, EVICTED, "evicted", change);
                case EXPIRY -> notify(pubSub, enabled, GENERIC, command.equals("persist")
                        || command.equals("getex") && argv.length > 2 && Arguments.is(argv[2], "PERSIST") ? "persist" : "expire", change);
                case REMOVED -> {
                    if (command.equals("del") || command.equals("unlink") || command.startsWith("expire")
                            || command.startsWith("pexpire") || command.equals("getex")) {
                        notify(pubSub, enabled, GENERIC, "del", change);
                    } else if (command.equals("rename") || command.equals("renamenx")) {
                        notify(pubSub, enabled, GENERIC, "rename_from", change);
                    } else if (command.equals("move")) {
                        notify(pubSub, enabled, GENERIC, "move_from", change);
                    } else {
                        // a command that emptied a collection (or GETDEL): its own event, then the key's removal
                        if (!command.equals("getdel")) {
                            notify(pubSub, enabled, typeClass(change.value()), event(command, argv, written), change);
                        }
                        notify(pubSub, enabled, GENERIC, "del", change);
                    }
                }
                case WRITTEN -> {
                    if (command.equals("rename") || command.equals("renamenx")) {
                        notify(pubSub, enabled, GENERIC, "rename_to", change);
                    } else if (command.equals("move")) {
                        notify(pubSub, enabled, GENERIC, "move_to", change);
                    } else if (command.equals("copy") || command.equals("restore")) {
                        notify(pubSub, enabled, GENERIC, command.equals("copy") ? "copy_to" : "restore", change);
                    } else {
                        notify(pubSub, enabled, typeClass(change.value()), event(command, argv, written), change);
                    }
                }
            }
        }
    }

    private static final java.util.Set<String> MOVES_PUSH_FIRST = java.util.Set.of("lmove", "blmove", "rpoplpush", "brpoplpush");

    /** The event for a command's key: LMOVE and SMOVE name the source's (nth 0: the first key) and the destination's. */
    private static String event(String command, byte[][] argv, int nth) {
        switch (command) {
            case "lmove", "blmove" -> {
                int side = nth == 0 ? 3 : 4;
                String direction = side < argv.length ? Arguments.text(argv[side]).toLowerCase(Locale.ROOT) : "left";
                return (direction.equals("left") ? "l" : "r") + (nth == 0 ? "pop" : "push");
            }
            case "rpoplpush", "brpoplpush" -> {
                return nth == 0 ? "rpop" : "lpush";
            }
            case "smove" -> {
                return nth == 0 ? "srem" : "sadd";
            }
            case "lmpop", "blmpop" -> {
                return argv.length > 0 && java.util.Arrays.stream(argv).anyMatch(a -> Arguments.is(a, "RIGHT")) ? "rpop" : "lpop";
            }
            case "zmpop", "bzmpop" -> {
                return java.util.Arrays.stream(argv).anyMatch(a -> Arguments.is(a, "MAX")) ? "zpopmax" : "zpopmin";
            }
            case "set" -> {
                return "set";
            }
            case "incrbyfloat" -> {
                return "incrbyfloat";
            }
            default -> {
                return EVENTS.getOrDefault(command, command);
            }
        }
    }

    private static int typeClass(RedisValue value) {
        if (value instanceof StringValue) {
            return STRING;
        } else if (value instanceof ListValue) {
            return LIST;
        } else if (value instanceof HashValue) {
            return HASH;
        } else if (value instanceof SetValue) {
            return SET;
        } else if (value instanceof SortedSetValue) {
            return ZSET;
        } else if (value instanceof StreamValue) {
            return STREAM;
        }
        return GENERIC;
    }

    private static void notify(PubSub pubSub, int enabled, int typeClass, String event, Recorded change) {
        if ((enabled & typeClass) == 0) {
            return;
        }
        String database = Integer.toString(change.database());
        byte[] eventBytes = event.getBytes(StandardCharsets.US_ASCII);
        if ((enabled & KEYSPACE) != 0) {
            byte[] channel = concat(("__keyspace@" + database + "__:").getBytes(StandardCharsets.US_ASCII), change.key());
            pubSub.publish(change.tenant(), channel, eventBytes, false);
        }
        if ((enabled & KEYEVENT) != 0) {
            byte[] channel = ("__keyevent@" + database + "__:" + event).getBytes(StandardCharsets.US_ASCII);
            pubSub.publish(change.tenant(), channel, change.key(), false);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
