package dev.larder.databases;

/** Whiteboard service: products register one to drop a deleted database's data and its clients. */
public interface DatabaseListener {

    /** The database is gone; its tokens no longer authenticate. */
    void deleted(Database database);

    /** A setting of the database changed (durability). */
    default void changed(Database database) {
    }
}
