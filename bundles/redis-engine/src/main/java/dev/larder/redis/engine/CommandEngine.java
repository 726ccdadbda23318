package dev.larder.redis.engine;

import dev.larder.databases.Access;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import java.net.InetAddress;
import java.util.Optional;

/** Runs Redis commands. Published as an OSGi service by the engine bundle. */
public interface CommandEngine {

    /**
     * A session for a new client connection. It starts in the default database, authenticated when that
     * database needs no token and protected mode lets {@code peer} in.
     *
     * @param peer          the client's address, for protected mode
     * @param remoteAddress the client's host:port
     * @param localAddress  this server's host:port of the connection
     * @param connection    the connection, for closing it and sending it messages outside replies
     * @throws RedisException the connection must be refused with this error (Redis's protected-mode DENIED)
     */
    EngineSession open(InetAddress peer, String remoteAddress, String localAddress, ClientConnection connection) throws RedisException;

    /**
     * A session for a client that presented a token already (a REST request): authenticated as
     * {@code access} grants, with no protected-mode check.
     */
    EngineSession open(Access access, String remoteAddress, String localAddress, ClientConnection connection);

    /**
     * The ACL user whose REST token (ACL RESTTOKEN) this is, with its database; empty when the token is no
     * user's, the user is gone or off, or the password the token was made with is no longer the user's.
     * Database tokens are {@code Databases.authenticate}'s.
     */
    default Optional<UserAccess> authenticateUser(String token) {
        return Optional.empty();
    }

    /** A session as {@link #open(Access, String, String, ClientConnection)}, as the ACL user of {@code access} when it names one. */
    default EngineSession open(UserAccess access, String remoteAddress, String localAddress, ClientConnection connection) {
        if (access.user() != null) {
            throw new UnsupportedOperationException("this engine has no ACL users");
        }
        return open(access.access(), remoteAddress, localAddress, connection);
    }

    /** Bytes a front end read from and wrote to its clients (INFO's total_net_input_bytes and total_net_output_bytes). */
    void countTraffic(long bytesIn, long bytesOut);

    /** The limits on client connections in force now (CONFIG SET changes them). */
    ClientLimits clientLimits();

    /** The command registered under {@code name} (any case), or null: for front ends that vet requests before running them. */
    RedisCommand command(byte[] name);
}
