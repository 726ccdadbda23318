package dev.larder.http;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** What every product does with a request in the same way: its token, its body within a limit, CORS, the answer. */
public final class HttpExchanges {

    public static final String JSON = "application/json";

    private HttpExchanges() {
    }

    /** The token of {@code Authorization: Bearer <token>}, else of the query parameter {@code tokenParameter} (null: none). */
    public static String bearerToken(Request request, String tokenParameter) {
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (authorization != null) {
            String value = authorization.trim();
            if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return value.substring(7).trim();
            }
        }
        String query = request.getHttpURI().getQuery();
        if (query != null && tokenParameter != null) {
            String prefix = tokenParameter + "=";
            for (String parameter : query.split("&")) {
                if (parameter.startsWith(prefix)) {
                    String value = parameter.substring(prefix.length());
                    try {
                        return URLDecoder.decode(value, StandardCharsets.UTF_8);
                    } catch (IllegalArgumentException malformed) {
                        return value; // a stray '%': the token as written, which then fails to authenticate
                    }
                }
            }
        }
        return null;
    }

    /** The client's address (loopback when unknown). */
    public static InetAddress peer(Request request) {
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress address && address.getAddress() != null ? address.getAddress()
                : InetAddress.getLoopbackAddress();
    }

    /**
     * The request's body, read as it arrives without blocking. Fails with a 413 {@link HttpError} saying
     * {@code tooLargeMessage} as soon as more than {@code maxBytes} arrived.
     */
    public static CompletableFuture<byte[]> body(Request request, long maxBytes, String tooLargeMessage) {
        CompletableFuture<byte[]> body = new CompletableFuture<>();
        long length = request.getLength();
        if (length == 0) {
            body.complete(new byte[0]);
            return body;
        }
        if (length > maxBytes) {
            // read and dropped first, so that a client that sends its whole body before reading gets the answer
            HttpError tooLarge = new HttpError(413, tooLargeMessage);
            if (length > 16 * maxBytes) {
                body.completeExceptionally(tooLarge); // not worth reading: answered now, and the connection closes
            } else {
                Content.Source.consumeAll(request, Callback.from(() -> body.completeExceptionally(tooLarge),
                        failure -> body.completeExceptionally(tooLarge)));
            }
            return body;
        }
        read(request, new ByteArrayOutputStream(length > 0 ? (int) length : 256), maxBytes, tooLargeMessage, body);
        return body;
    }

    private static void read(Request request, ByteArrayOutputStream received, long maxBytes, String tooLargeMessage,
            CompletableFuture<byte[]> body) {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(() -> read(request, received, maxBytes, tooLargeMessage, body));
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                body.completeExceptionally(new HttpError(400, "failed to read the request body: " + chunk.getFailure().getMessage()));
                return;
            }
            ByteBuffer content = chunk.getByteBuffer();
            if (received.size() + content.remaining() > maxBytes) {
                chunk.release();
                body.completeExceptionally(new HttpError(413, tooLargeMessage));
                return;
            }
            byte[] bytes = new byte[content.remaining()];
            content.get(bytes);
            received.writeBytes(bytes);
            chunk.release();
            if (chunk.isLast()) {
                body.complete(received.toByteArray());
                return;
            }
        }
    }

    /**
     * A browser may call from any origin (a page with a read-only token, as Upstash suggests): answers say so
     * and expose {@code exposedHeaders}; a CORS preflight is answered here. True when the request was one.
     */
    public static boolean crossOrigin(Request request, Response response, Callback callback, String allowedMethods,
            String exposedHeaders) {
        if (!request.getHeaders().contains(HttpHeader.ORIGIN)) {
            return false;
        }
        response.getHeaders().put("Access-Control-Allow-Origin", "*");
        if (exposedHeaders != null) {
            response.getHeaders().put("Access-Control-Expose-Headers", exposedHeaders);
        }
        if (!request.getMethod().equals("OPTIONS") || !request.getHeaders().contains("Access-Control-Request-Method")) {
            return false;
        }
        response.setStatus(204);
        response.getHeaders().put("Access-Control-Allow-Methods", allowedMethods);
        String requested = request.getHeaders().get("Access-Control-Request-Headers");
        response.getHeaders().put("Access-Control-Allow-Headers", requested == null ? "Authorization, Content-Type" : requested);
        response.getHeaders().put("Access-Control-Max-Age", "86400");
        response.write(true, null, callback);
        return true;
    }

    /** Answers with a whole body (none for HEAD) and completes the callback. */
    public static void send(Request request, Response response, Callback callback, int status, String contentType, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, request.getMethod().equals("HEAD") ? null : ByteBuffer.wrap(body), callback);
    }

    /** The request's path below {@code prefix} (which it starts with), "/" at least. */
    public static String pathBelow(Request request, String prefix) {
        String path = request.getHttpURI().getPath();
        if (path == null) {
            return "/";
        }
        String below = path.substring(Math.min(prefix.length(), path.length()));
        return below.isEmpty() ? "/" : below;
    }
}
