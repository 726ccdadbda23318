package dev.larder.redis.engine.internal;

import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.RedisCommand;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The commands of every published {@link CommandFamily}, by lower-case name. */
final class CommandRegistry {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.redis");

    private final Map<String, RedisCommand> commands = new ConcurrentHashMap<>();
    private final Map<CommandFamily, List<RedisCommand>> families = new ConcurrentHashMap<>();

    java.util.Collection<CommandFamily> families() {
        return families.keySet();
    }

    void add(CommandFamily family) {
        List<RedisCommand> added = new ArrayList<>();
        for (RedisCommand command : family.commands()) {
            RedisCommand existing = commands.putIfAbsent(command.spec().name(), command);
            if (existing == null) {
                added.add(command);
            } else {
                LOG.warn("Command '{}' of {} ignored: {} already provides it", command.spec().name(),
                        family.getClass().getName(), existing.getClass().getName());
            }
        }
        families.put(family, added);
    }

    void remove(CommandFamily family) {
        List<RedisCommand> removed = families.remove(family);
        if (removed != null) {
            removed.forEach(command -> commands.remove(command.spec().name(), command));
        }
    }

    RedisCommand lookup(byte[] name) {
        if (name.length > 64) {
            return null;
        }
        return commands.get(lowerAscii(name));
    }

    RedisCommand lookup(String name) {
        return commands.get(name.toLowerCase(Locale.ROOT));
    }

    Collection<RedisCommand> all() {
        return commands.values();
    }

    private static String lowerAscii(byte[] name) {
        char[] chars = new char[name.length];
        for (int i = 0; i < name.length; i++) {
            int c = name[i] & 0xff;
            chars[i] = (char) (c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        return new String(chars);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
