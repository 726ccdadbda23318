package dev.larder.redis.engine.internal;

import dev.larder.redis.api.types.Bytes;

/** A key in one logical DB of one database: what clients block on (BLPOP) and watch (WATCH). */
record DatabaseKey(Tenant tenant, int database, Bytes key) {
}
