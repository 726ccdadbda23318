package dev.larder.qstash.http;

/** A request QStash refuses: the status and the text of {@code {"error": …}}. */
final class ApiException extends Exception {

    private final int status;

    ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
