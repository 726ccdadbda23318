package dev.larder.redis.api;

import java.util.List;
import java.util.function.BiConsumer;

/** A group of commands published as one OSGi service, like Redis's t_string.c or t_hash.c. */
public interface CommandFamily {

    List<RedisCommand> commands();

    /**
     * Fields the family adds to INFO's {@code section} (its name in lower case, e.g. "memory") for the
     * client's database, as a Redis module adds its own; none by default. The scripting bundle adds its
     * scripts' and functions' counts to "memory", where Redis prints them.
     */
    default void info(String section, CommandContext client, BiConsumer<String, Object> field) {
    }
}
