package dev.larder.http.internal;

import dev.larder.http.HttpProduct;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Requests Jetty itself refuses (a malformed request line or URI) get the product's JSON error, not an HTML
 * page, and say that the connection closes (Jetty does not read on after a malformed request).
 */
final class ProductErrorHandler extends ErrorHandler {

    private final ProductRouter router;

    ProductErrorHandler(ProductRouter router) {
        this.router = router;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        String text = message == null || message.isBlank() ? "bad request" : message;
        HttpProduct product = null;
        try {
            product = router.productFor(request.getHttpURI().getPath());
        } catch (RuntimeException unparsable) {
            // no path to route by
        }
        byte[] body = product != null ? product.errorBody(code, text)
                : ("{\"error\":\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}").getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
