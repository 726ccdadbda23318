package dev.larder.qstash.workflow;

/** A workflow request refused, with the HTTP status and the text of {@code {"error": …}}. */
public final class Refused extends Exception {

    private final int status;

    public Refused(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
