package dev.larder.vector.service;

/** A vector request refused: answered as {@code {"error": message, "status": status}}, having changed nothing. */
public final class RequestException extends Exception {

    private final int status;

    public RequestException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
