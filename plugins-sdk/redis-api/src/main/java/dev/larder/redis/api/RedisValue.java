package dev.larder.redis.api;

/** A value in a keyspace. Each Redis type has one implementation. */
public interface RedisValue {

    /** The name TYPE reports: string, list, set, zset, hash, stream. */
    String typeName();

    /** The name OBJECT ENCODING reports. */
    String encoding();
}
