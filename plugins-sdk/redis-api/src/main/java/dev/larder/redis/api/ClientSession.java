package dev.larder.redis.api;

/** The connection a command came from. */
public interface ClientSession {

    long id();

    /** The name set with CLIENT SETNAME, or null. */
    String name();

    void name(String name);

    /**
     * AUTH: the connection continues in the database the token opens, with the access it grants.
     *
     * @param user null for {@code AUTH token}; otherwise "default" or the database's name
     * @throws RedisException WRONGPASS when the token opens nothing (or another database than {@code user})
     */
    void authenticate(String user, byte[] token) throws RedisException;

    /** Back to how a new connection starts: the default database, authenticated only if that needs no token (RESET). */
    void deauthenticate();

    /**
     * RESET: the connection as new, as Redis does it: no transaction or watched keys, no subscriptions, no
     * MONITOR, replies on, RESP2, logical DB 0, no name, and {@link #deauthenticate}d.
     */
    void reset();

    /** Channels, patterns and shard channels the client is subscribed to (in RESP2 it then runs only pub/sub commands). */
    int subscriptions();

    /** CLIENT TRACKING ON (the options) or OFF (null); REDIRECT to a client that does not exist is an error. */
    void tracking(ClientTracking tracking) throws RedisException;

    /** The tracking in force, or null. */
    ClientTracking tracking();

    /** CLIENT CACHING YES|NO: whether the next command's keys are tracked (OPTIN / OPTOUT tracking). */
    void caching(boolean yes) throws RedisException;

    /** Whether commands other than AUTH, HELLO, QUIT and RESET may run. */
    boolean authenticated();

    /** The name of the database the connection works in (the user CLIENT LIST shows). */
    String user();

    /** The selected logical database. */
    int database();

    void selectDatabase(int index);

    /** RESP protocol version in use: 2 or 3. */
    int protocol();

    void protocol(int version);

    /** CLIENT REPLY: ON answers every command, OFF none, SKIP not the next one. */
    enum ReplyMode { ON, OFF, SKIP }

    /** CLIENT NO-TOUCH (Redis 7.2): whether this client's commands leave the keys' last access time and LFU counter alone (TOUCH still touches). */
    default void noTouch(boolean on) {
    }

    /** Whether commands get replies from now on (CLIENT REPLY); the CLIENT REPLY command itself answers only ON. */
    void replyMode(ReplyMode mode);

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
