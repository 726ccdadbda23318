/** Redis's DUMP payload format (RDB encodings, LZF, CRC64), for DUMP/RESTORE and FUNCTION DUMP/RESTORE. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.larder.redis.api.rdb;
