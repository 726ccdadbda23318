package dev.larder.databases;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/** The databases of this server. */
public interface Databases {

    Database defaultDatabase();

    Optional<Database> find(String name);

    /** Every database, the default first, then by name. */
    List<Database> list();

    /** The database and access a token grants, if any. */
    Optional<Access> authenticate(String token);

    /** What a client connecting from {@code peer} gets before it authenticates. */
    AnonymousAccess anonymousAccess(InetAddress peer);

    /** Creates a database with fresh tokens. */
    Database create(String name, Durability durability) throws DatabaseException;

    Database setDurability(String name, Durability durability) throws DatabaseException;

    /** Deletes a database and, through the listeners, its data. The default database cannot be deleted. */
    Database delete(String name) throws DatabaseException;
}
