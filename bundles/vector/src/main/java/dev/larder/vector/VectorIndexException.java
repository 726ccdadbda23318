package dev.larder.vector;

/** An index could not be created, found or deleted; the message says why. */
public class VectorIndexException extends Exception {

    public VectorIndexException(String message) {
        super(message);
    }
}
