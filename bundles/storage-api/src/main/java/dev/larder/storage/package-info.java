/**
 * Storage as the rest of Larder sees it. Products never touch Ignite classes: they open
 * {@link dev.larder.storage.KeyValueTable tables} of binary keys and values on the
 * {@link dev.larder.storage.StorageNode} service. Every key is addressed by a Redis hash slot
 * (0..16383); all keys of one slot live in one grid partition with one primary node, which is
 * what lets a shard thread own a partition and run its commands without distributed transactions.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.5.0")
package dev.larder.storage;
