/**
 * The Redis command API. A bundle adds commands by publishing a {@link dev.larder.redis.api.CommandFamily}
 * service; Larder's built-in commands are published the same way. The engine runs each command with
 * the shards of all its keys locked, so a command sees and changes its keys atomically and never needs
 * locking of its own.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.6.0")
package dev.larder.redis.api;
