package dev.larder.vector.filter;

/** A filter that does not parse; the message says what is wrong and at which character (counted from 1). */
public final class FilterException extends Exception {

    private final int position;

    public FilterException(String message) {
        this(message, 0);
    }

    FilterException(String message, int position) {
        super(message);
        this.position = position;
    }

    /** The character (from 1) where the problem is; 0 when it is the filter as a whole. */
    public int position() {
        return position;
    }
}
