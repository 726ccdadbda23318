package dev.larder.qstash.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larder.databases.Access;
import dev.larder.http.HttpError;
import dev.larder.http.HttpExchanges;
import dev.larder.http.HttpProduct;
import dev.larder.qstash.delivery.Durations;
import dev.larder.qstash.delivery.RetryDelay;
import dev.larder.qstash.service.QStashService;
import dev.larder.qstash.service.QStashSettings;
import dev.larder.qstash.store.DeadLetter;
import dev.larder.qstash.store.Event;
import dev.larder.qstash.store.Headers;
import dev.larder.qstash.store.Message;
import dev.larder.qstash.store.Queue;
import dev.larder.qstash.store.MessageStore;
import dev.larder.qstash.store.SigningKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * QStash's v2 API on the shared HTTP server, at {@code /v2} as Upstash serves it (so {@code QSTASH_URL} is the
 * server's address, and the SDKs' dev mode finds it): publish to a URL, messages, the dead-letter queue, signing
 * keys and the log. A database's full token authenticates (Bearer, or {@code qstash_token}); requests run on
 * QStash's threads, never on the server's selectors.
 */
@Component(service = HttpProduct.class)
public class QStashApi implements HttpProduct {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.qstash");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private static final String FORWARD = "upstash-forward-";
    private static final String KNOWN = "publish|enqueue|queues|messages|dlq|keys|events|logs";
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{1,100}");

    private final QStashService qstash;
    private final QStashSettings settings;
    private final ExecutorService workers = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
            Thread.ofPlatform().name("qstash-api-", 0).daemon().factory());

    @Activate
    public QStashApi(@Reference QStashService qstash) {
        this.qstash = qstash;
        this.settings = qstash.settings();
    }

    @Deactivate
    void deactivate() {
        workers.shutdown();
    }

    @Override
    public String path() {
        return "/v2";
    }

    @Override
    public byte[] errorBody(int status, String message) {
        ObjectNode error = NODES.objectNode();
        error.put("error", message);
        return bytes(error);
    }

    private static byte[] bytes(JsonNode json) {
        try {
            return JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void handle(Request request, Response response, Callback callback) {
        if (HttpExchanges.crossOrigin(request, response, callback, "GET, POST, PATCH, DELETE", null)) {
            return;
        }
        HttpExchanges.body(request, settings.maxBodyBytes(), "Request body too large: at most " + settings.maxBodyBytes() + " bytes")
                .whenComplete((body, failure) -> {
                    if (failure != null) {
                        HttpError error = failure instanceof HttpError known ? known : new HttpError(400, failure.getMessage());
                        answer(request, response, callback, error.status(), errorBody(error.status(), error.getMessage()));
                        return;
                    }
                    try {
                        workers.execute(() -> serve(request, response, callback, body));
                    } catch (RejectedExecutionException stopping) {
                        answer(request, response, callback, 503, errorBody(503, "QStash is stopping"));
                    }
                });
    }

    private void serve(Request request, Response response, Callback callback, byte[] body) {
        try {
            Access access = qstash.authenticate(HttpExchanges.bearerToken(request, "qstash_token"))
                    .orElseThrow(() -> new ApiException(401, "Unauthorized: invalid token"));
            if (access.readOnly()) {
                throw new ApiException(403, "Unauthorized: QStash needs the database's full token, not its read-only token");
            }
            String path = HttpExchanges.pathBelow(request, "/v2");
            String[] segments = Arrays.stream(path.split("/")).filter(segment -> !segment.isEmpty()).toArray(String[]::new);
            if (segments.length == 0) {
                throw new ApiException(404, "Not found");
            }
            int database = access.database().id();
            String method = request.getMethod();
            JsonNode result = switch (segments[0] + " " + method) {
                case "publish POST" -> publish(request, database, path.substring(path.indexOf("publish/") + "publish/".length()), body, null);
                case "enqueue POST" -> {
                    if (segments.length < 3) {
                        throw new ApiException(400, "The path needs a queue name and a destination: /v2/enqueue/<queue>/<url>");
                    }
                    String queue = queueName(segments[1]);
                    String after = "enqueue/" + segments[1] + "/";
                    yield publish(request, database, path.substring(path.indexOf(after) + after.length()), body, queue);
                }
                case "queues POST" -> {
                    if (segments.length == 1) {
                        yield upsertQueue(database, body);
                    }
                    if (segments.length == 3 && (segments[2].equals("pause") || segments[2].equals("resume"))) {
                        yield pauseQueue(database, segments[1], segments[2].equals("pause"));
                    }
                    throw new ApiException(404, "Not found");
                }
                case "queues GET" -> {
                    if (segments.length == 1) {
                        ArrayNode all = NODES.arrayNode();
                        qstash.store().queuesOf(database).forEach(queue -> all.add(queueJson(queue)));
                        yield all;
                    }
                    yield queueJson(ownQueue(database, segments[1]));
                }
                case "queues DELETE" -> {
                    Queue queue = ownQueue(database, one(segments, "queue name"));
                    qstash.store().removeQueue(database, queue.name());
                    qstash.deliveries().queueDeleted(database, queue.name());
                    yield NODES.objectNode();
                }
                case "messages GET" -> messageJson(ownMessage(database, one(segments, "message id")));
                case "messages DELETE" -> cancelled(qstash.deliveries().cancel(ownMessage(database, one(segments, "message id")).messageId()) ? 1 : 0);
                case "dlq GET" -> segments.length > 1 ? deadLetterJson(ownDeadLetter(database, segments[1])) : deadLetters(database);
                case "dlq DELETE" -> {
                    qstash.store().removeDeadLetter(ownDeadLetter(database, one(segments, "DLQ id")).dlqId());
                    yield NODES.objectNode().put("deleted", 1);
                }
                case "dlq POST" -> retry(request, database, segments);
                case "keys GET" -> keysJson(qstash.store().signingKeys(database));
                case "keys POST" -> {
                    if (segments.length != 2 || !segments[1].equals("rotate")) {
                        throw new ApiException(404, "Not found");
                    }
                    yield keysJson(qstash.store().rotate(database));
                }
                case "events GET", "logs GET" -> events(request, database, segments[0]);
                default -> throw new ApiException(segments[0].matches(KNOWN) ? 405 : 404, segments[0].matches(KNOWN) ? "Method Not Allowed" : "Not found");
            };
            answer(request, response, callback, segments[0].equals("publish") || segments[0].equals("enqueue") ? 201 : 200, bytes(result));
        } catch (ApiException refused) {
            answer(request, response, callback, refused.status(), errorBody(refused.status(), refused.getMessage()));
        } catch (Deduplicated duplicate) {
            ObjectNode result = NODES.objectNode().put("messageId", duplicate.messageId).put("url", duplicate.url).put("deduplicated", true);
            answer(request, response, callback, 202, bytes(result));
        } catch (RuntimeException e) {
            LOG.error("QStash request {} failed", request.getHttpURI().getPath(), e);
            answer(request, response, callback, 500, errorBody(500, "Internal error: " + e));
        }
    }

    private static void answer(Request request, Response response, Callback callback, int status, byte[] body) {
        HttpExchanges.send(request, response, callback, status, HttpExchanges.JSON, body);
    }

    private static String one(String[] segments, String what) throws ApiException {
        if (segments.length != 2) {
            throw new ApiException(400, "The path needs one " + what);
        }
        return segments[1];
    }

    private static ObjectNode cancelled(int count) {
        return NODES.objectNode().put("cancelled", count);
    }

    // ---- publish

    private JsonNode publish(Request request, int database, String rawDestination, byte[] body, String queueName) throws ApiException {
        String destination = rawDestination + query(request);
        if (!destination.regionMatches(true, 0, "http://", 0, 7) && !destination.regionMatches(true, 0, "https://", 0, 8)) {
            if (destination.contains(":") || destination.contains(".")) {
                throw new ApiException(400, "invalid destination url: endpoint has invalid scheme, add http:// or https://");
            }
            throw new ApiException(404, "URL group " + rawDestination + " not found");
        }
        checked(destination);
        Map<String, String> upstash = new LinkedHashMap<>();
        Map<String, List<String>> forwarded = new LinkedHashMap<>();
        for (HttpField field : request.getHeaders()) {
            String name = field.getName().toLowerCase(Locale.ROOT);
            if (name.startsWith(FORWARD)) {
                forwarded.computeIfAbsent(canonical(field.getName().substring(FORWARD.length())), key -> new ArrayList<>()).add(field.getValue());
            } else if (name.startsWith("upstash-")) {
                upstash.put(name, field.getValue());
            } else if (name.equals("content-type")) {
                forwarded.computeIfAbsent("Content-Type", key -> new ArrayList<>()).add(field.getValue());
            }
        }
        String method = upstash.getOrDefault("upstash-method", "POST").trim().toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw new ApiException(400, "invalid Upstash-Method " + method + ": use GET, POST, PUT, PATCH or DELETE");
        }
        int retries = settings.defaultRetries();
        if (upstash.containsKey("upstash-retries")) {
            try {
                retries = Integer.parseInt(upstash.get("upstash-retries").trim());
            } catch (NumberFormatException e) {
                throw new ApiException(400, "invalid Upstash-Retries: " + upstash.get("upstash-retries"));
            }
            if (retries < 0 || retries > settings.maxRetries()) {
                throw new ApiException(400, "invalid Upstash-Retries " + retries + ": at most " + settings.maxRetries());
            }
        }
        String retryDelay = upstash.get("upstash-retry-delay");
        if (retryDelay != null) {
            try {
                RetryDelay.parse(retryDelay);
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, e.getMessage());
            }
        }
        long now = System.currentTimeMillis();
        long notBefore = now;
        if (upstash.containsKey("upstash-not-before")) {
            try {
                notBefore = Long.parseLong(upstash.get("upstash-not-before").trim()) * 1000;
            } catch (NumberFormatException e) {
                throw new ApiException(400, "invalid Upstash-Not-Before: Unix seconds expected, got " + upstash.get("upstash-not-before"));
            }
        } else if (upstash.containsKey("upstash-delay")) {
            notBefore = now + duration(upstash.get("upstash-delay"), "Upstash-Delay");
        }
        long timeout = settings.maxTimeoutSeconds() * 1000L;
        if (upstash.containsKey("upstash-timeout")) {
            timeout = Math.min(timeout, Math.max(1, duration(upstash.get("upstash-timeout"), "Upstash-Timeout")));
        }
        String callback = upstash.get("upstash-callback");
        String failureCallback = upstash.get("upstash-failure-callback");
        for (String url : new String[] {callback, failureCallback}) {
            if (url != null) {
                checked(url);
            }
        }
        List<String> labels = upstash.containsKey("upstash-label")
                ? Arrays.stream(upstash.get("upstash-label").split(",")).map(String::trim).filter(label -> !label.isEmpty()).toList()
                : null;
        String deduplicationId = upstash.get("upstash-deduplication-id");
        if (deduplicationId == null && "true".equalsIgnoreCase(upstash.getOrDefault("upstash-content-based-deduplication", "").trim())) {
            deduplicationId = contentHash(destination, body, forwarded);
        }
        String callerIp = HttpExchanges.peer(request).getHostAddress();
        if (deduplicationId != null) {
            synchronized (deduplicationLocks[Math.floorMod(deduplicationId.hashCode(), deduplicationLocks.length)]) {
                MessageStore.Published earlier = qstash.store().published(database, deduplicationId, now - settings.deduplicationWindowSeconds() * 1000L);
                if (earlier != null) {
                    throw new Deduplicated(earlier.messageId(), destination);
                }
                Message message = newMessage(database, destination, method, forwarded, body, retries, retryDelay, notBefore, now, timeout, callback,
                        failureCallback, labels, callerIp, queueName);
                JsonNode answer = published(message);
                // after the message is on disk: a crash in between makes a publisher's retry a duplicate, never a loss
                qstash.store().rememberPublished(database, deduplicationId, new MessageStore.Published(message.messageId(), now));
                return answer;
            }
        }
        return published(newMessage(database, destination, method, forwarded, body, retries, retryDelay, notBefore, now, timeout, callback,
                failureCallback, labels, callerIp, queueName));
    }

    /** A publish answered with the message an earlier one made (202, {@code deduplicated: true}). */
    private static final class Deduplicated extends RuntimeException {
        final String messageId;
        final String url;

        Deduplicated(String messageId, String url) {
            super(null, null, false, false);
            this.messageId = messageId;
            this.url = url;
        }
    }

    private final Object[] deduplicationLocks = java.util.stream.IntStream.range(0, 64).mapToObj(i -> new Object()).toArray();

    /** Upstash's content-based id: the destination, the body, its Content-Type and the forwarded headers. */
    private static String contentHash(String destination, byte[] body, Map<String, List<String>> forwarded) {
        try {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            digest.update(destination.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(body);
            new java.util.TreeMap<>(forwarded).forEach((name, values) -> {
                digest.update((byte) 0);
                digest.update((name + ":" + String.join(",", values)).getBytes(StandardCharsets.UTF_8));
            });
            return "content:" + java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Message newMessage(int database, String destination, String method, Map<String, List<String>> forwarded, byte[] body, int retries,
            String retryDelay, long notBefore, long now, long timeout, String callback, String failureCallback, List<String> labels,
            String callerIp, String queueName) {
        return new Message(MessageStore.newId("msg_"), database, destination, method, forwarded, body, retries, 0, retryDelay,
                notBefore, now, timeout, callback, failureCallback, labels == null || labels.isEmpty() ? null : labels, callerIp, notBefore,
                queueName);
    }

    /** Stores the message (on disk before the answer), logs and schedules it; the publish answer. */
    private JsonNode published(Message message) {
        int database = message.database();
        String queueName = message.queueName();
        long now = message.createdAt();
        String destination = message.url();
        if (queueName != null && qstash.store().queue(database, queueName) == null) {
            qstash.store().saveQueue(new Queue(database, queueName, now, now, 1, false)); // enqueue makes the queue, as Upstash's
        }
        qstash.store().save(List.of(message));
        qstash.store().log(new Event(now, "CREATED", message.messageId(), database, destination, null, null, null));
        qstash.deliveries().schedule(message);
        ObjectNode result = NODES.objectNode();
        result.put("messageId", message.messageId());
        result.put("url", destination);
        return result;
    }

    /** The request's query minus the parameters meant for QStash, to append to the destination. */
    private static String query(Request request) {
        String query = request.getHttpURI().getQuery();
        if (query == null || query.isEmpty()) {
            return "";
        }
        String kept = String.join("&", Arrays.stream(query.split("&"))
                .filter(parameter -> !parameter.startsWith("qstash_token=") && !parameter.toLowerCase(Locale.ROOT).startsWith("upstash-")).toList());
        return kept.isEmpty() ? "" : "?" + kept;
    }

    private void checked(String url) throws ApiException {
        try {
            qstash.destinations().check(url);
        } catch (IllegalArgumentException refused) {
            throw new ApiException(400, refused.getMessage());
        }
    }

    private static long duration(String value, String header) throws ApiException {
        try {
            return Durations.parse(value).toMillis();
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ApiException(400, "invalid " + header + " '" + value + "': use a number with a unit, as 10s, 5m, 1h or 1d");
        }
    }

    /** {@code x-my-header} as {@code X-My-Header}, as QStash stores header names. */
    private static String canonical(String name) {
        StringBuilder canonical = new StringBuilder(name.length());
        boolean upper = true;
        for (char c : name.toCharArray()) {
            canonical.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
            upper = c == '-';
        }
        return canonical.toString();
    }

    // ---- queues

    private static String queueName(String name) throws ApiException {
        if (!NAME.matcher(name).matches()) {
            throw new ApiException(400, "invalid queue name '" + name + "': use letters, digits, '-', '_' and '.'");
        }
        return name;
    }

    private Queue ownQueue(int database, String name) throws ApiException {
        Queue queue = qstash.store().queue(database, name);
        if (queue == null) {
            throw new ApiException(404, "queue " + name + " not found");
        }
        return queue;
    }

    private JsonNode upsertQueue(int database, byte[] body) throws ApiException {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw new ApiException(400, "invalid JSON: " + e.getMessage());
        }
        if (json == null || !json.isObject() || !json.path("queueName").isTextual()) {
            throw new ApiException(400, "the body must be a JSON object with queueName, and optionally parallelism and paused");
        }
        String name = queueName(json.get("queueName").textValue());
        JsonNode parallelismNode = json.path("parallelism");
        int parallelism = parallelismNode.isMissingNode() || parallelismNode.isNull() ? 1 : parallelismNode.asInt(-1);
        if (!parallelismNode.isMissingNode() && !parallelismNode.isNull() && !parallelismNode.canConvertToInt() || parallelism < 1 || parallelism > 1000) {
            throw new ApiException(400, "parallelism must be a whole number from 1 to 1000");
        }
        long now = System.currentTimeMillis();
        Queue existing = qstash.store().queue(database, name);
        Queue queue = new Queue(database, name, existing == null ? now : existing.createdAt(), now, parallelism, json.path("paused").asBoolean(false));
        qstash.store().saveQueue(queue);
        qstash.deliveries().queueChanged(queue);
        return NODES.objectNode();
    }

    private JsonNode pauseQueue(int database, String name, boolean paused) throws ApiException {
        Queue queue = ownQueue(database, name);
        Queue changed = new Queue(database, name, queue.createdAt(), System.currentTimeMillis(), queue.parallelism(), paused);
        qstash.store().saveQueue(changed);
        qstash.deliveries().queueChanged(changed);
        return NODES.objectNode();
    }

    private ObjectNode queueJson(Queue queue) {
        ObjectNode json = NODES.objectNode();
        json.put("name", queue.name());
        json.put("createdAt", queue.createdAt());
        json.put("updatedAt", queue.updatedAt());
        json.put("parallelism", queue.parallelism());
        json.put("lag", qstash.deliveries().lag(queue.database(), queue.name()));
        json.put("paused", queue.paused());
        return json;
    }

    // ---- messages

    private Message ownMessage(int database, String id) throws ApiException {
        Message message = qstash.store().message(id);
        if (message == null || message.database() != database) {
            throw new ApiException(404, "message " + id + " not found");
        }
        return message;
    }

    private static ObjectNode messageJson(Message message) {
        ObjectNode json = NODES.objectNode();
        json.put("messageId", message.messageId());
        json.put("url", message.url());
        json.put("method", message.method());
        Headers.put(json, "header", message.header());
        putBody(json, "body", message.body());
        json.put("maxRetries", message.maxRetries());
        if (message.retryDelayExpression() != null) {
            json.put("retryDelayExpression", message.retryDelayExpression());
        }
        json.put("notBefore", message.notBefore());
        json.put("createdAt", message.createdAt());
        if (message.callback() != null) {
            json.put("callback", message.callback());
        }
        if (message.failureCallback() != null) {
            json.put("failureCallback", message.failureCallback());
        }
        if (message.callerIp() != null) {
            json.put("callerIp", message.callerIp());
        }
        if (message.queueName() != null) {
            json.put("queueName", message.queueName());
        }
        if (message.labels() != null) {
            json.put("label", message.labels().get(0));
            ArrayNode labels = json.putArray("labels");
            message.labels().forEach(labels::add);
        }
        return json;
    }

    /** A body as UTF-8 text under {@code name}, or base64 under {@code nameBase64} when it is not UTF-8. */
    private static void putBody(ObjectNode json, String name, byte[] body) {
        if (body == null || body.length == 0) {
            return;
        }
        try {
            json.put(name, StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString());
        } catch (CharacterCodingException binary) {
            json.put(name + "Base64", java.util.Base64.getEncoder().encodeToString(body));
        }
    }

    // ---- dead letters

    private DeadLetter ownDeadLetter(int database, String dlqId) throws ApiException {
        DeadLetter letter = qstash.store().deadLetter(dlqId);
        if (letter == null || letter.message().database() != database) {
            throw new ApiException(404, "DLQ message " + dlqId + " not found");
        }
        return letter;
    }

    private static ObjectNode deadLetterJson(DeadLetter letter) {
        ObjectNode json = messageJson(letter.message());
        json.put("dlqId", letter.dlqId());
        if (letter.responseStatus() != null) {
            json.put("responseStatus", letter.responseStatus());
        }
        if (letter.responseHeader() != null) {
            Headers.put(json, "responseHeader", letter.responseHeader());
        }
        putBody(json, "responseBody", letter.responseBody());
        return json;
    }

    private JsonNode deadLetters(int database) {
        ObjectNode result = NODES.objectNode();
        ArrayNode messages = result.putArray("messages");
        qstash.store().deadLettersOf(database).forEach(letter -> messages.add(deadLetterJson(letter)));
        return result;
    }

    private JsonNode retry(Request request, int database, String[] segments) throws ApiException {
        if (segments.length < 2 || !segments[1].equals("retry")) {
            throw new ApiException(404, "Not found");
        }
        List<String> ids = new ArrayList<>(parameters(request, "dlqIds"));
        if (segments.length == 3) {
            ids.add(segments[2]);
        }
        if (ids.isEmpty()) {
            throw new ApiException(400, "dlqIds: give the DLQ ids of the messages to retry");
        }
        ObjectNode result = NODES.objectNode();
        ArrayNode responses = result.putArray("responses");
        for (String id : ids) {
            responses.addObject().put("messageId", qstash.deliveries().retry(ownDeadLetter(database, id)).messageId());
        }
        return result;
    }

    private static List<String> parameters(Request request, String name) {
        String query = request.getHttpURI().getQuery();
        List<String> values = new ArrayList<>();
        if (query != null) {
            for (String parameter : query.split("&")) {
                if (parameter.startsWith(name + "=")) {
                    for (String value : URLDecoder.decode(parameter.substring(name.length() + 1), StandardCharsets.UTF_8).split(",")) {
                        if (!value.isBlank()) {
                            values.add(value.trim());
                        }
                    }
                }
            }
        }
        return values;
    }

    // ---- keys and events

    private static ObjectNode keysJson(SigningKeys keys) {
        return NODES.objectNode().put("current", keys.current()).put("next", keys.next());
    }

    private JsonNode events(Request request, int database, String what) throws ApiException {
        List<String> messageIds = parameters(request, "messageId");
        messageIds.addAll(parameters(request, "messageIds"));
        List<String> states = parameters(request, "state");
        int count = 100;
        List<String> counts = parameters(request, "count");
        if (!counts.isEmpty()) {
            try {
                count = Math.max(1, Math.min(1000, Integer.parseInt(counts.get(0))));
            } catch (NumberFormatException e) {
                throw new ApiException(400, "count must be a number, got " + counts.get(0));
            }
        }
        List<Event> found = qstash.store().eventsOf(database,
                event -> (messageIds.isEmpty() || messageIds.contains(event.messageId())) && (states.isEmpty() || states.contains(event.state())), count);
        ObjectNode result = NODES.objectNode();
        ArrayNode events = result.putArray(what);
        for (Event event : found) {
            ObjectNode json = events.addObject();
            json.put("time", event.time());
            json.put("state", event.state());
            json.put("messageId", event.messageId());
            json.put("url", event.url());
            if (event.nextDeliveryTime() != null) {
                json.put("nextDeliveryTime", event.nextDeliveryTime());
            }
            if (event.error() != null) {
                json.put("error", event.error());
            }
            if (event.responseStatus() != null) {
                json.put("responseStatus", event.responseStatus());
            }
        }
        return result;
    }
}
