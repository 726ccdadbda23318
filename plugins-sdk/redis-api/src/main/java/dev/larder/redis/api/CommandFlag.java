package dev.larder.redis.api;

import java.util.Locale;

/** Command flags, with the names COMMAND INFO reports. */
public enum CommandFlag {
    WRITE, READONLY, DENYOOM, ADMIN, PUBSUB, NOSCRIPT, BLOCKING, LOADING, STALE, SKIP_MONITOR, SKIP_SLOWLOG,
    ASKING, FAST, NO_AUTH, MAY_REPLICATE, NO_MANDATORY_KEYS, NO_MULTI, MOVABLEKEYS, ALLOW_BUSY;

    public String redisName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
