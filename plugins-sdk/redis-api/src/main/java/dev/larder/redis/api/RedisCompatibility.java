package dev.larder.redis.api;

/** The Redis release whose behaviour Larder follows and checks itself against. */
public final class RedisCompatibility {

    /** Reported by HELLO and INFO. */
    public static final String VERSION = "7.0.15";

    private RedisCompatibility() {
    }
}
