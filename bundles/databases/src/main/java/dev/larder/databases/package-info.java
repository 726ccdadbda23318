/**
 * Databases: Larder's tenants, as Upstash has them. A database has a name, a full and a read-only
 * token, and its own data in every product (Redis keys with logical DBs 0-15, later vectors and
 * messages). Front ends turn a client's token into an {@link dev.larder.databases.Access}; products
 * learn of deleted databases through {@link dev.larder.databases.DatabaseListener} services.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.larder.databases;
