package dev.larder.databases;

/** What a client that has not presented a token gets, by Redis's protected-mode rules. */
public enum AnonymousAccess {
    /** The default database has no token, and the client is on loopback (or protected mode is off). */
    DEFAULT_DATABASE,
    /** The default database has a token: the client must authenticate first. */
    AUTHENTICATION_REQUIRED,
    /** The default database has no token and the client is not on loopback: refuse the connection. */
    REFUSED_BY_PROTECTED_MODE
}
