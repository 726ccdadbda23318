/**
 * A local, append-only change log with CRC-checked records and segments, for a product that makes writes
 * durable with one fsync for many of them and writes the grid behind (the Redis engine, QStash).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.larder.storage.log;
