package dev.larder.redis.api;

/** The connection a command came from. */
public interface ClientSession {

    long id();

    /** The name set with CLIENT SETNAME, or null. */
    String name();

    void name(String name);

    /** The selected logical database. */
    int database();

    void selectDatabase(int index);

    /** RESP protocol version in use: 2 or 3. */
    int protocol();

    void protocol(int version);

    /** Closes the connection once the current reply has been sent (QUIT). */
    void closeAfterReply();

    /** Address of the peer, as host:port. */
    String remoteAddress();

    /** Address of this server's end, as host:port. */
    String localAddress();

    /** Unix milliseconds the connection was opened at. */
    long connectedAtMillis();

    /** Unix milliseconds of the connection's latest command. */
    long lastCommandAtMillis();

    /** Name of the latest command, lower case. */
    String lastCommand();

    /** Closes the connection from the server's side (CLIENT KILL). */
    void kill();
}
