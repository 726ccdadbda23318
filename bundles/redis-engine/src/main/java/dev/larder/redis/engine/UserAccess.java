package dev.larder.redis.engine;

import dev.larder.databases.Access;

/**
 * What a token opens in the engine: a database with the access {@link Access} grants, as the database's
 * own user (its token: {@code user} null) or as one of its ACL users (an ACL RESTTOKEN token), whose ACL
 * rules then apply to every command.
 */
public record UserAccess(Access access, String user) {

    /** A database token's access, as {@code Databases.authenticate} grants it. */
    public static UserAccess of(Access access) {
        return new UserAccess(access, null);
    }
}
