package dev.larder.vector.filter;

/**
 * A filter that does not parse. The message says what is wrong and where, as a character position counted
 * from 1 (the first character of the filter is position 1; the end of a filter of n characters is n + 1).
 */
public final class FilterException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int position;

    /** A failure without a position ({@link #position()} is 0). */
    public FilterException(String message) {
        this(message, 0);
    }

    FilterException(String message, int position) {
        super(message);
        this.position = position;
    }

    /** The character, counted from 1, where the problem is; 0 when it concerns no one place. */
    public int position() {
        return position;
    }

    /** "Invalid filter: {what} at position {position}". */
    static FilterException at(String what, int position) {
        return new FilterException("Invalid filter: " + what + " at position " + position, position);
    }
}
