package dev.larder.http;

/** A request refused as a whole: answered with this status and the product's error body for the message. */
public class HttpError extends Exception {

    private final int status;

    public HttpError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
