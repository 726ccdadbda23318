package dev.larder.redis.api;

import java.util.List;

/** A group of commands published as one OSGi service, like Redis's t_string.c or t_hash.c. */
public interface CommandFamily {

    List<RedisCommand> commands();
}
