package dev.larder.vector.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.larder.http.HttpError;
import dev.larder.http.HttpExchanges;
import dev.larder.http.HttpProduct;
import dev.larder.vector.VectorIndexes;
import dev.larder.vector.service.OpenIndex;
import dev.larder.vector.service.RequestException;
import dev.larder.vector.service.VectorService;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstash Vector's REST API on the shared HTTP server: {@code /vector/<index>/<endpoint>[/<namespace>]}, every
 * endpoint by POST (as the client sends them) and by the verbs Upstash documents. The index's token picks
 * it; a read-only token may not write. Requests run on the vector threads, never on the server's selectors.
 */
@Component(service = HttpProduct.class)
public class VectorApi implements HttpProduct {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.vector");
    static final String PATH = "/vector";
    private static final Set<String> WRITES = Set.of("upsert", "upsert-data", "update", "delete", "reset", "delete-namespace",
            "rename-namespace");
    /** Endpoints whose path carries no namespace. */
    private static final Set<String> WITHOUT_NAMESPACE = Set.of("info", "list-namespaces", "resumable-query-next", "resumable-query-end",
            "rename-namespace");

    private final VectorService vectors;
    private final VectorEndpoints endpoints;
    private final ResumableQueries resumable = new ResumableQueries();

    @Activate
    public VectorApi(@Reference VectorService vectors) {
        this.vectors = vectors;
        this.endpoints = new VectorEndpoints(vectors.settings().maxBatch(), vectors.settings().maxTopK(), resumable, vectors::embedder);
    }

    @Override
    public String path() {
        return PATH;
    }

    @Override
    public byte[] errorBody(int status, String message) {
        ObjectNode error = VectorEndpoints.NODES.objectNode();
        error.put("error", message);
        error.put("status", status);
        return bytes(error);
    }

    private static byte[] bytes(JsonNode json) {
        try {
            return VectorEndpoints.JSON.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The request as routed: the index named in the path, the endpoint, the namespace. */
    private record Route(String index, String endpoint, String namespace, boolean all) {
    }

    @Override
    public void handle(Request request, Response response, Callback callback) {
        if (HttpExchanges.crossOrigin(request, response, callback, "GET, POST, PUT, DELETE", null)) {
            return;
        }
        try {
            String method = request.getMethod();
            if (!Set.of("POST", "GET", "PUT", "DELETE").contains(method)) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, POST, PUT, DELETE");
                throw new RequestException(405, "Method " + method + " is not allowed: use POST (or GET, PUT, DELETE)");
            }
            Route route = route(request);
            VectorIndexes.Access access = vectors.authenticate(HttpExchanges.bearerToken(request, null))
                    .filter(granted -> granted.index().name().equals(route.index()))
                    .orElseThrow(() -> new RequestException(401, "Unauthorized: Invalid auth token"));
            if (access.readOnly() && WRITES.contains(route.endpoint())) {
                throw new RequestException(403, "Unauthorized: this is a read-only token; " + route.endpoint() + " needs the index's full token");
            }
            long limit = vectors.settings().maxRequestBytes();
            HttpExchanges.body(request, limit, "Request body too large: at most " + limit + " bytes").whenComplete((body, failure) -> {
                if (failure != null) {
                    HttpError error = failure instanceof HttpError known ? known : new HttpError(400, failure.getMessage());
                    answerError(request, response, callback, new RequestException(error.status(), error.getMessage()));
                    return;
                }
                try {
                    vectors.workers().execute(() -> serve(request, response, callback, route, access, body));
                } catch (RejectedExecutionException stopping) {
                    answerError(request, response, callback, new RequestException(503, "Vector is stopping"));
                }
            });
        } catch (RequestException refused) {
            answerError(request, response, callback, refused);
        }
    }

    private static Route route(Request request) throws RequestException {
        String below = HttpExchanges.pathBelow(request, PATH);
        List<String> segments = Arrays.stream(below.split("/")).filter(segment -> !segment.isEmpty()).map(VectorApi::decode).toList();
        if (segments.size() < 2) {
            throw new RequestException(404, "Not found: the Vector API is served at " + PATH + "/<index>/<endpoint>[/<namespace>]");
        }
        String endpoint = segments.get(1);
        String namespace = String.join("/", segments.subList(2, segments.size()));
        if (!namespace.isEmpty() && WITHOUT_NAMESPACE.contains(endpoint)) {
            throw new RequestException(404, "Not found: " + endpoint + " takes no namespace");
        }
        String query = request.getHttpURI().getQuery();
        boolean all = query != null && Arrays.asList(query.split("&")).stream().anyMatch(p -> p.equals("all") || p.startsWith("all="));
        return new Route(segments.get(0), endpoint, namespace, all);
    }

    private static String decode(String segment) {
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return segment;
        }
    }

    private void serve(Request request, Response response, Callback callback, Route route, VectorIndexes.Access access, byte[] body) {
        try {
            OpenIndex index = vectors.opened(access.index());
            if (index == null) {
                throw new RequestException(401, "Unauthorized: Invalid auth token"); // deleted meanwhile
            }
            JsonNode json = parse(body);
            JsonNode result = dispatch(route, index, json);
            ObjectNode answer = VectorEndpoints.NODES.objectNode();
            answer.set("result", result);
            HttpExchanges.send(request, response, callback, 200, HttpExchanges.JSON, bytes(answer));
        } catch (RequestException refused) {
            answerError(request, response, callback, refused);
        } catch (RuntimeException e) {
            LOG.error("Vector request {} failed", request.getHttpURI().getPath(), e);
            answerError(request, response, callback, new RequestException(500, "Internal error: " + e));
        }
    }

    private static JsonNode parse(byte[] body) throws RequestException {
        if (body.length == 0) {
            return VectorEndpoints.NODES.objectNode();
        }
        try {
            JsonNode json = VectorEndpoints.JSON.readTree(body);
            return json == null ? VectorEndpoints.NODES.objectNode() : json;
        } catch (JsonProcessingException e) {
            throw new RequestException(400, "Invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RequestException(400, "Invalid JSON: " + e.getMessage());
        }
    }

    private JsonNode dispatch(Route route, OpenIndex index, JsonNode body) throws RequestException {
        String ns = route.namespace();
        return switch (route.endpoint()) {
            case "upsert" -> endpoints.upsert(index, ns, body, false);
            case "upsert-data" -> endpoints.upsert(index, ns, body, true);
            case "query" -> endpoints.query(index, ns, body, false);
            case "query-data" -> endpoints.query(index, ns, body, true);
            case "fetch" -> endpoints.fetch(index, ns, body);
            case "range" -> endpoints.range(index, ns, body);
            case "delete" -> endpoints.delete(index, ns, body);
            case "update" -> endpoints.update(index, ns, body);
            case "random" -> endpoints.random(index, ns);
            case "info" -> endpoints.info(index);
            case "reset" -> reset(index, route);
            case "list-namespaces" -> {
                ArrayNode names = VectorEndpoints.NODES.arrayNode();
                index.namespaceNames().forEach(names::add);
                yield names;
            }
            case "delete-namespace" -> deleteNamespace(index, ns);
            case "rename-namespace" -> renameNamespace(index, body);
            case "resumable-query" -> endpoints.resumableStart(index, ns, body, false);
            case "resumable-query-data" -> endpoints.resumableStart(index, ns, body, true);
            case "resumable-query-next" -> {
                sessionOf(index, body);
                yield endpoints.resumableNext(index, body);
            }
            case "resumable-query-end" -> {
                sessionOf(index, body);
                yield endpoints.resumableEnd(body);
            }
            default -> throw new RequestException(404, "Not found: no endpoint '" + route.endpoint() + "'");
        };
    }

    /** Another index's session is as good as unknown to this index's token. */
    private void sessionOf(OpenIndex index, JsonNode body) throws RequestException {
        if (body.isObject() && body.get("uuid") != null && body.get("uuid").isTextual()) {
            String uuid = body.get("uuid").textValue();
            if (!resumable.get(uuid).indexName().equals(index.definition().name())) {
                throw new RequestException(404, "Resumable query " + uuid + " not found: it ended, expired, or never existed");
            }
        }
    }

    private static JsonNode reset(OpenIndex index, Route route) {
        if (route.all()) {
            index.namespaceNames().forEach(index::reset);
        } else {
            index.reset(route.namespace());
        }
        return TextNode.valueOf("Success");
    }

    private static JsonNode deleteNamespace(OpenIndex index, String ns) throws RequestException {
        if (ns.isEmpty()) {
            throw new RequestException(400, "The default namespace cannot be deleted");
        }
        if (!index.deleteNamespace(ns)) {
            throw new RequestException(404, "Namespace " + ns + " for the index " + index.definition().name() + " does not exist");
        }
        return TextNode.valueOf("Success");
    }

    private static JsonNode renameNamespace(OpenIndex index, JsonNode body) throws RequestException {
        if (!body.isObject()) {
            throw new RequestException(400, "The rename-namespace body must be a JSON object with namespace and newNamespace");
        }
        String from = body.path("namespace").isTextual() ? body.get("namespace").textValue() : null;
        String to = body.path("newNamespace").isTextual() ? body.get("newNamespace").textValue() : null;
        if (from == null || to == null) {
            throw new RequestException(400, "'namespace' and 'newNamespace' are required strings");
        }
        if (from.isEmpty() || to.isEmpty()) {
            throw new RequestException(400, "The default namespace cannot be renamed, nor replaced");
        }
        boolean replace = body.path("deleteExisting").asBoolean(false);
        if (!from.equals(to) && !index.renameNamespace(from, to, replace)) {
            throw new RequestException(404, "Namespace " + from + " for the index " + index.definition().name() + " does not exist");
        }
        ObjectNode result = VectorEndpoints.NODES.objectNode();
        result.put("renamed", true);
        return result;
    }

    private void answerError(Request request, Response response, Callback callback, RequestException error) {
        HttpExchanges.send(request, response, callback, error.status(), HttpExchanges.JSON, errorBody(error.status(), error.getMessage()));
    }
}
