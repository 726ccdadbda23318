/**
 * The Redis engine as protocol front ends (RESP, REST) see it: open a session per client connection
 * and hand it commands.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.2.0")
package dev.larder.redis.engine;
