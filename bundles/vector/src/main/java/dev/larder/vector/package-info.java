/**
 * Upstash Vector: indexes of a database, each with its own URL and full and read-only tokens. Other
 * bundles (the console, metering) find indexes through {@link dev.larder.vector.VectorIndexes}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.larder.vector;
