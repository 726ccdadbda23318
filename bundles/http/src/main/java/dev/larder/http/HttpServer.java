package dev.larder.http;

/** The shared HTTP server, registered once it listens; a product referencing it starts after that. */
public interface HttpServer {

    /** The URL clients reach the server at, such as {@code http://127.0.0.1:8080}, without a trailing slash. */
    String baseUrl();
}
