package dev.larder.http.internal;

import dev.larder.http.HttpExchanges;
import dev.larder.http.HttpProduct;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands each request to the product with the longest path its path starts with. */
final class ProductRouter extends Handler.Abstract.NonBlocking {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.http");

    /** Longest path first. */
    private final List<HttpProduct> products = new CopyOnWriteArrayList<>();

    void add(HttpProduct product) {
        products.add(product);
        products.sort(Comparator.comparingInt((HttpProduct p) -> normalized(p.path()).length()).reversed());
        LOG.info("HTTP serves {} at '{}'", product.getClass().getSimpleName(), normalized(product.path()));
        product.served();
    }

    void remove(HttpProduct product) {
        products.remove(product);
    }

    static String normalized(String path) {
        String trimmed = path == null ? "" : path.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() || trimmed.startsWith("/") ? trimmed : "/" + trimmed;
    }

    /** The product serving a path, or null. */
    HttpProduct productFor(String path) {
        String requested = path == null ? "/" : path;
        for (HttpProduct product : products) {
            String prefix = normalized(product.path());
            if (prefix.isEmpty() || requested.equals(prefix) || requested.startsWith(prefix + "/")) {
                return product;
            }
        }
        return null;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        HttpProduct product = productFor(request.getHttpURI().getPath());
        if (product == null) {
            byte[] body = ("{\"error\":\"not found\",\"status\":404}").getBytes(StandardCharsets.UTF_8);
            HttpExchanges.send(request, response, callback, 404, HttpExchanges.JSON, body);
            return true;
        }
        try {
            product.handle(request, response, callback);
        } catch (RuntimeException e) {
            LOG.error("HTTP request {} failed", request.getHttpURI().getPath(), e);
            HttpExchanges.send(request, response, callback, 500, HttpExchanges.JSON, product.errorBody(500, e.toString()));
        }
        return true;
    }
}
