/**
 * Redis's collection types as the engine keeps them in memory: hashes, lists, sets and sorted sets.
 * Commands change them in place and then tell the keyspace ({@link dev.larder.redis.api.Keyspace#modified});
 * each value records which of its members changed, so that the engine writes only those to disk and to
 * the storage grid (a collection is stored as one metadata entry plus one entry per member).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package dev.larder.redis.api.types;
