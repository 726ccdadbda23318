package dev.larder.databases;

/** A database operation that cannot be done as asked; the message says why, for a person. */
public class DatabaseException extends Exception {

    private static final long serialVersionUID = 1L;

    public DatabaseException(String message) {
        super(message);
    }
}
