package dev.larder.databases;

/** What a token grants: a database, fully or read-only. */
public record Access(Database database, boolean readOnly) {
}
