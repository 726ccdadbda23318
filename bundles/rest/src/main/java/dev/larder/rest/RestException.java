package dev.larder.rest;

/** A request refused as a whole, before any of its commands ran: answered as {@code {"error": message}} with this status. */
final class RestException extends Exception {

    private final int status;

    RestException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
