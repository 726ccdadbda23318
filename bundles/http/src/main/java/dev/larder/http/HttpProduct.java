package dev.larder.http;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Whiteboard service: a product's API served by the shared {@link HttpServer}. A request goes to the product
 * with the longest {@link #path()} its path starts with (at a segment boundary). Handlers must not block the
 * calling thread: it is one of the server's selector threads.
 */
public interface HttpProduct {

    /** The path the product is served under, such as {@code /vector}; empty for the root. */
    String path();

    /** Serves the request, answering through {@code response} and completing {@code callback}. */
    void handle(Request request, Response response, Callback callback);

    /** The product's error body, for requests the server refuses before the product sees them (malformed, unknown). */
    byte[] errorBody(int status, String message);

    /** Requests under {@link #path()} reach this product from now on (it is plugged in). */
    default void served() {
    }
}
