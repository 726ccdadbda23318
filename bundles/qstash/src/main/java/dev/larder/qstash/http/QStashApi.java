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
import dev.larder.qstash.delivery.Crons;
import dev.larder.qstash.delivery.FlowControls;
import dev.larder.qstash.service.QStashService;
import dev.larder.qstash.service.QStashSettings;
import dev.larder.qstash.store.DeadLetter;
import dev.larder.qstash.store.Event;
import dev.larder.qstash.store.Message;
import dev.larder.qstash.store.Queue;
import dev.larder.qstash.store.MessageStore;
import dev.larder.qstash.store.Schedule;
import dev.larder.qstash.store.SigningKeys;
import dev.larder.qstash.store.UrlGroup;
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
 * server's address, and the SDKs' dev mode finds it): publish (to a URL or a URL group), enqueue, batch, messages,
 * queues, schedules, URL groups, the dead-letter queue, flow control, signing keys and the log. A database's full token authenticates (Bearer, or {@code qstash_token}); requests run on
 * QStash's threads, never on the server's selectors.
 */
@Component(service = HttpProduct.class)
public class QStashApi implements HttpProduct {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.qstash");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = Shapes.NODES;
    private static final String KNOWN = "publish|enqueue|batch|queues|messages|schedules|topics|dlq|keys|events|logs|flowControl|globalParallelism"
            + "|workflows|wait|notify|waiters";
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{1,100}");

    private final QStashService qstash;
    private final QStashSettings settings;
    private final PublishRequests publishRequests;
    private final WorkflowRoutes workflowRoutes;
    // a publish waits for the write-ahead log's fsync; the requests waiting together share one
    private final ExecutorService workers = Executors.newFixedThreadPool(64, Thread.ofPlatform().name("qstash-api-", 0).daemon().factory());

    @Activate
    public QStashApi(@Reference QStashService qstash) {
        this.qstash = qstash;
        this.settings = qstash.settings();
        this.publishRequests = new PublishRequests(settings, qstash.destinations()::check);
        this.workflowRoutes = new WorkflowRoutes(qstash.workflows());
    }

    @Deactivate
    void deactivate() {
        workers.shutdown();
    }

    @Override
    public String path() {
        return "/v2";
    }

    /** Deliveries start only now: a workflow app called back at once would have its step's publish answered 404. */
    @Override
    public void served() {
        qstash.deliveries().open();
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
            Filters query = Filters.of(request.getHttpURI().getQuery());
            String method = request.getMethod();
            int status = 200;
            JsonNode result = switch (segments[0] + " " + method) {
                case "publish POST" -> {
                    status = 201;
                    yield publish(request, database, path.substring(path.indexOf("publish/") + "publish/".length()), body, null);
                }
                case "enqueue POST" -> {
                    if (segments.length < 3) {
                        throw new ApiException(400, "The path needs a queue name and a destination: /v2/enqueue/<queue>/<url>");
                    }
                    String queue = name(segments[1], "queue name");
                    String after = "enqueue/" + segments[1] + "/";
                    status = 201;
                    yield publish(request, database, path.substring(path.indexOf(after) + after.length()), body, queue);
                }
                case "batch POST" -> {
                    status = 201;
                    yield batch(request, database, body);
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
                case "messages GET" -> Shapes.message(ownMessage(database, one(segments, "message id")));
                case "messages DELETE" -> segments.length == 1 ? cancelMany(database, query)
                        : cancelled(qstash.deliveries().cancel(ownMessage(database, one(segments, "message id")).messageId()) ? 1 : 0);
                case "schedules POST" -> {
                    if (segments.length == 3 && (segments[2].equals("pause") || segments[2].equals("resume"))) {
                        yield pauseSchedule(database, segments[1], segments[2].equals("pause"));
                    }
                    if (segments.length < 2) {
                        throw new ApiException(400, "The path needs a destination: /v2/schedules/<url or URL group>");
                    }
                    yield createSchedule(request, database, path.substring(path.indexOf("schedules/") + "schedules/".length()), body);
                }
                case "schedules PATCH" -> {
                    if (segments.length != 3 || !(segments[2].equals("pause") || segments[2].equals("resume"))) {
                        throw new ApiException(404, "Not found");
                    }
                    yield pauseSchedule(database, segments[1], segments[2].equals("pause"));
                }
                case "schedules GET" -> {
                    if (segments.length == 1) {
                        ArrayNode all = NODES.arrayNode();
                        qstash.store().schedules(schedule -> schedule.database() == database).forEach(schedule -> all.add(Shapes.schedule(schedule)));
                        yield all;
                    }
                    yield Shapes.schedule(ownSchedule(database, one(segments, "schedule id")));
                }
                case "schedules DELETE" -> {
                    qstash.scheduler().remove(ownSchedule(database, one(segments, "schedule id")).scheduleId());
                    yield NODES.objectNode();
                }
                case "topics GET" -> {
                    if (segments.length == 1) {
                        ArrayNode all = NODES.arrayNode();
                        qstash.store().groupsOf(database).forEach(group -> all.add(Shapes.group(group)));
                        yield all;
                    }
                    yield Shapes.group(ownGroup(database, one(segments, "URL group name")));
                }
                case "topics POST", "topics DELETE" -> {
                    if (segments.length == 3 && segments[2].equals("endpoints")) {
                        yield endpoints(database, segments[1], body, method.equals("POST"));
                    }
                    if (method.equals("DELETE") && segments.length == 2) {
                        qstash.store().removeGroup(database, ownGroup(database, segments[1]).name());
                        yield NODES.objectNode();
                    }
                    throw new ApiException(404, "Not found");
                }
                case "dlq GET" -> segments.length > 1 ? Shapes.deadLetter(ownDeadLetter(database, segments[1])) : deadLetters(database, query);
                case "dlq DELETE" -> {
                    if (segments.length == 1) {
                        yield deleteDeadLetters(database, query);
                    }
                    qstash.store().removeDeadLetter(ownDeadLetter(database, one(segments, "DLQ id")).dlqId());
                    yield NODES.objectNode().put("deleted", 1);
                }
                case "dlq POST" -> retry(database, segments, query);
                case "keys GET" -> keysJson(qstash.store().signingKeys(database));
                case "keys POST" -> {
                    if (segments.length != 2 || !segments[1].equals("rotate")) {
                        throw new ApiException(404, "Not found");
                    }
                    yield keysJson(qstash.store().rotate(database));
                }
                case "events GET", "logs GET" -> events(database, segments[0], query);
                case "flowControl GET" -> {
                    if (segments.length == 1) {
                        ArrayNode all = NODES.arrayNode();
                        qstash.deliveries().flowControls().infos(database, query.first("search")).forEach(info -> all.add(Shapes.flowControl(info)));
                        yield all;
                    }
                    yield Shapes.flowControl(ownFlow(database, one(segments, "flow-control key")));
                }
                case "flowControl POST" -> flowControl(database, segments, query);
                case "workflows GET", "workflows DELETE", "workflows POST" -> segments.length > 1 && segments[1].equals("dlq")
                        ? workflowDeadLetters(database, method, segments, query, headersOf(request))
                        : workflowRoutes.serve(database, method, segments, query, headersOf(request), body);
                case "wait POST", "notify POST", "waiters GET" -> workflowRoutes.serve(database, method, segments, query, headersOf(request), body);
                case "globalParallelism GET" -> {
                    int[] global = qstash.deliveries().globalParallelism();
                    yield NODES.objectNode().put("parallelismMax", global[0]).put("parallelismCount", global[1]);
                }
                default -> throw new ApiException(segments[0].matches(KNOWN) ? 405 : 404, segments[0].matches(KNOWN) ? "Method Not Allowed" : "Not found");
            };
            answer(request, response, callback, status, bytes(result));
        } catch (ApiException refused) {
            answer(request, response, callback, refused.status(), errorBody(refused.status(), refused.getMessage()));
        } catch (Deduplicated duplicate) {
            answer(request, response, callback, 202, bytes(duplicate.answer));
        } catch (RuntimeException e) {
            LOG.error("QStash request {} failed", request.getHttpURI().getPath(), e);
            answer(request, response, callback, 500, errorBody(500, "Internal error: " + e));
        }
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

    private static String name(String name, String what) throws ApiException {
        if (!NAME.matcher(name).matches()) {
            throw new ApiException(400, "invalid " + what + " '" + name + "': use letters, digits, '-', '_' and '.'");
        }
        return name;
    }

    // ---- publish, enqueue, batch

    /** A request's headers in lower case, with {@code upstash-*} query parameters as headers (as Upstash takes them). */
    private static Map<String, List<String>> headersOf(Request request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.computeIfAbsent(field.getName().toLowerCase(Locale.ROOT), key -> new ArrayList<>()).add(field.getValue());
        }
        Filters.of(request.getHttpURI().getQuery()).names().stream().filter(name -> name.toLowerCase(Locale.ROOT).startsWith("upstash-"))
                .forEach(name -> headers.putIfAbsent(name.toLowerCase(Locale.ROOT), Filters.of(request.getHttpURI().getQuery()).values(name)));
        return headers;
    }

    private JsonNode publish(Request request, int database, String rawDestination, byte[] body, String queueName) throws ApiException {
        String destination = PublishRequests.isUrl(rawDestination) ? rawDestination + query(request) : rawDestination;
        PublishRequests.Parsed parsed = parsed(headersOf(request), destination, body, HttpExchanges.peer(request).getHostAddress(), queueName);
        return published(database, parsed, !PublishRequests.isUrl(destination));
    }

    private PublishRequests.Parsed parsed(Map<String, List<String>> headers, String destination, byte[] body, String callerIp, String queueName)
            throws ApiException {
        if (!PublishRequests.isUrl(destination) && (destination.contains(":") || destination.contains(".") && destination.contains("/")
                || !NAME.matcher(destination).matches())) {
            throw new ApiException(400, "invalid destination url: endpoint has invalid scheme, add http:// or https://");
        }
        return publishRequests.parse(headers, destination, body, callerIp, queueName, System.currentTimeMillis());
    }

    /** Stores the messages of a parsed publish (unless its deduplication id was used within the window); the answer. */
    private JsonNode published(int database, PublishRequests.Parsed parsed, boolean group) throws ApiException {
        if (parsed.workflow() != null) {
            return ofWorkflow(database, parsed);
        }
        if (group && qstash.store().group(database, parsed.publication().url()) == null) {
            throw new ApiException(404, "URL group " + parsed.publication().url() + " not found");
        }
        String deduplicationId = parsed.deduplicationId();
        if (deduplicationId == null) {
            return answerOf(qstash.deliveries().publish(database, parsed.publication(), parsed.notBefore()), group, false);
        }
        synchronized (deduplicationLocks[Math.floorMod(deduplicationId.hashCode(), deduplicationLocks.length)]) {
            long now = System.currentTimeMillis();
            MessageStore.Published earlier = qstash.store().published(database, deduplicationId, now - settings.deduplicationWindowSeconds() * 1000L);
            if (earlier != null) {
                ArrayNode answers = NODES.arrayNode();
                for (int i = 0; i < earlier.messageIds().size(); i++) {
                    answers.addObject().put("messageId", earlier.messageIds().get(i)).put("url", earlier.urls().get(i)).put("deduplicated", true);
                }
                throw new Deduplicated(group ? answers : answers.get(0));
            }
            List<Message> made = qstash.deliveries().publish(database, parsed.publication(), parsed.notBefore());
            // after the messages are on disk: a crash in between makes a publisher's retry a duplicate, never a loss
            qstash.store().rememberPublished(database, deduplicationId, new MessageStore.Published(
                    made.stream().map(Message::messageId).toList(), made.stream().map(Message::url).toList(), now));
            return answerOf(made, group, false);
        }
    }

    /** A message of a workflow run (its start, a step's result, a call): the run decides what it makes. */
    private JsonNode ofWorkflow(int database, PublishRequests.Parsed parsed) throws ApiException {
        try {
            dev.larder.qstash.workflow.Workflows.Published made = qstash.workflows().publish(database, parsed.publication(), parsed.notBefore(),
                    parsed.workflow());
            ObjectNode answer = NODES.objectNode().put("messageId", made.messageId()).put("url", made.url());
            if (made.deduplicated()) {
                answer.put("deduplicated", true);
            }
            return answer;
        } catch (dev.larder.qstash.workflow.Refused refused) {
            throw new ApiException(refused.status(), refused.getMessage());
        }
    }

    private static JsonNode answerOf(List<Message> made, boolean group, boolean deduplicated) {
        ArrayNode answers = NODES.arrayNode();
        for (Message message : made) {
            ObjectNode answer = answers.addObject().put("messageId", message.messageId()).put("url", message.url());
            if (deduplicated) {
                answer.put("deduplicated", true);
            }
        }
        return group ? answers : answers.get(0);
    }

    /** A publish answered with the messages an earlier one made (202, {@code deduplicated: true}). */
    private static final class Deduplicated extends RuntimeException {
        final JsonNode answer;

        Deduplicated(JsonNode answer) {
            super(null, null, false, false);
            this.answer = answer;
        }
    }

    private final Object[] deduplicationLocks = java.util.stream.IntStream.range(0, 64).mapToObj(i -> new Object()).toArray();

    /**
     * {@code POST /v2/batch}: an array of {@code {destination, headers, body, queue}}, each a publish; every entry
     * is read before any is stored, so a bad one stores nothing.
     */
    private JsonNode batch(Request request, int database, byte[] body) throws ApiException {
        JsonNode entries = json(body);
        if (!entries.isArray()) {
            throw new ApiException(400, "the body must be a JSON array of {destination, headers, body, queue}");
        }
        String callerIp = HttpExchanges.peer(request).getHostAddress();
        List<BatchEntry> parsed = new ArrayList<>();
        for (JsonNode entry : entries) {
            if (!entry.isObject() || !entry.path("destination").isTextual()) {
                throw new ApiException(400, "each batch entry needs a destination (a URL or a URL group)");
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            JsonNode given = entry.path("headers");
            if (!given.isMissingNode() && !given.isNull() && !given.isObject()) {
                throw new ApiException(400, "a batch entry's headers must be an object of strings");
            }
            given.fields().forEachRemaining(field -> headers.computeIfAbsent(field.getKey().toLowerCase(Locale.ROOT), key -> new ArrayList<>())
                    .add(field.getValue().isTextual() ? field.getValue().textValue() : field.getValue().toString()));
            String queue = entry.path("queue").isTextual() ? name(entry.get("queue").textValue(), "queue name") : null;
            JsonNode givenBody = entry.path("body");
            // a body that is not a string is sent as its JSON (@upstash/workflow's context.call passes objects through)
            byte[] entryBody = givenBody.isTextual() ? givenBody.textValue().getBytes(StandardCharsets.UTF_8)
                    : givenBody.isMissingNode() || givenBody.isNull() ? new byte[0] : givenBody.toString().getBytes(StandardCharsets.UTF_8);
            if (entryBody.length > settings.maxBodyBytes()) {
                throw new ApiException(413, "a batch entry's body is over " + settings.maxBodyBytes() + " bytes");
            }
            String destination = entry.get("destination").textValue();
            boolean group = !PublishRequests.isUrl(destination);
            BatchEntry one = new BatchEntry(parsed(headers, destination, entryBody, callerIp, queue), group);
            if (group && qstash.store().group(database, destination) == null) {
                throw new ApiException(404, "URL group " + destination + " not found");
            }
            parsed.add(one);
        }
        ArrayNode answers = NODES.arrayNode();
        List<BatchEntry> together = new ArrayList<>(); // entries in a row without a deduplication id: one write to disk for all
        for (BatchEntry entry : parsed) {
            if (entry.parsed().deduplicationId() == null && entry.parsed().workflow() == null) {
                together.add(entry);
                continue;
            }
            publishTogether(database, together, answers);
            together.clear();
            try {
                answers.add(published(database, entry.parsed(), entry.group()));
            } catch (Deduplicated duplicate) {
                answers.add(duplicate.answer);
            }
        }
        publishTogether(database, together, answers);
        return answers;
    }

    private record BatchEntry(PublishRequests.Parsed parsed, boolean group) {
    }

    /** Publishes the entries' messages, stored with one write to disk, and adds their answers in order. */
    private void publishTogether(int database, List<BatchEntry> entries, ArrayNode answers) {
        List<List<Message>> made = new ArrayList<>(entries.size());
        for (BatchEntry entry : entries) {
            made.add(qstash.deliveries().messagesOf(database, entry.parsed().publication(), entry.parsed().notBefore()));
        }
        qstash.deliveries().accept(made.stream().flatMap(List::stream).toList());
        for (int i = 0; i < entries.size(); i++) {
            answers.add(answerOf(made.get(i), entries.get(i).group(), false));
        }
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

    private static JsonNode json(byte[] body) throws ApiException {
        try {
            JsonNode json = JSON.readTree(body);
            if (json == null) {
                throw new ApiException(400, "the body must be JSON");
            }
            return json;
        } catch (IOException e) {
            throw new ApiException(400, "invalid JSON: " + e.getMessage());
        }
    }

    // ---- messages

    private Message ownMessage(int database, String id) throws ApiException {
        Message message = qstash.store().message(id);
        if (message == null || message.database() != database) {
            throw new ApiException(404, "message " + id + " not found");
        }
        return message;
    }

    /**
     * {@code DELETE /v2/messages}: the messages named ({@code messageIds}), or all those the filters take (none:
     * all); {@code count} is ignored, as Upstash's bulk cancel does.
     */
    private JsonNode cancelMany(int database, Filters query) throws ApiException {
        java.util.function.Predicate<Message> matching = query.messages();
        int count = 0;
        for (Message message : qstash.store().messagesOf(database, matching)) {
            if (qstash.deliveries().cancel(message.messageId())) {
                count++;
            }
        }
        return cancelled(count);
    }

    // ---- queues

    private Queue ownQueue(int database, String name) throws ApiException {
        Queue queue = qstash.store().queue(database, name);
        if (queue == null) {
            throw new ApiException(404, "queue " + name + " not found");
        }
        return queue;
    }

    private JsonNode upsertQueue(int database, byte[] body) throws ApiException {
        JsonNode json = json(body);
        if (!json.isObject() || !json.path("queueName").isTextual()) {
            throw new ApiException(400, "the body must be a JSON object with queueName, and optionally parallelism and paused");
        }
        String name = name(json.get("queueName").textValue(), "queue name");
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

    // ---- schedules

    private Schedule ownSchedule(int database, String id) throws ApiException {
        Schedule schedule = qstash.store().schedule(id);
        if (schedule == null || schedule.database() != database) {
            throw new ApiException(404, "schedule " + id + " not found");
        }
        return schedule;
    }

    /** {@code POST /v2/schedules/<destination>} with {@code Upstash-Cron}: a new schedule, or a replaced one (same id). */
    private JsonNode createSchedule(Request request, int database, String rawDestination, byte[] body) throws ApiException {
        Map<String, List<String>> headers = headersOf(request);
        String cronText = headers.containsKey("upstash-cron") ? String.join(",", headers.get("upstash-cron")) : null;
        if (cronText == null) {
            throw new ApiException(400, "Upstash-Cron header is required: a cron expression, e.g. */5 * * * *");
        }
        Crons.Cron cron;
        try {
            cron = Crons.parse(cronText);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        String id = headers.containsKey("upstash-schedule-id") ? name(headers.get("upstash-schedule-id").get(0).trim(), "schedule id")
                : MessageStore.newId("scd_");
        String queue = headers.containsKey("upstash-queue-name") ? name(headers.get("upstash-queue-name").get(0).trim(), "queue name") : null;
        String destination = PublishRequests.isUrl(rawDestination) ? rawDestination + query(request) : rawDestination;
        Map<String, List<String>> publishHeaders = new LinkedHashMap<>(headers);
        publishHeaders.remove("upstash-delay");
        publishHeaders.remove("upstash-not-before");
        PublishRequests.Parsed parsed = parsed(publishHeaders, destination, body, HttpExchanges.peer(request).getHostAddress(), queue);
        if (!PublishRequests.isUrl(destination) && qstash.store().group(database, destination) == null) {
            throw new ApiException(404, "URL group " + destination + " not found");
        }
        long delay = headers.containsKey("upstash-delay") ? PublishRequests.duration(headers.get("upstash-delay").get(0), "Upstash-Delay") : 0;
        Schedule existing = qstash.store().schedule(id);
        if (existing != null && existing.database() != database) {
            throw new ApiException(400, "schedule id " + id + " is taken");
        }
        long now = System.currentTimeMillis();
        qstash.scheduler().upsert(new Schedule(id, database, cron.text(), parsed.publication(), delay, false,
                existing == null ? now : existing.createdAt(), existing == null ? null : existing.lastScheduleTime(), cron.nextAfter(now),
                existing == null ? null : existing.lastScheduleStates()));
        return NODES.objectNode().put("scheduleId", id);
    }

    private JsonNode pauseSchedule(int database, String id, boolean paused) throws ApiException {
        qstash.scheduler().pause(ownSchedule(database, id), paused);
        return NODES.objectNode();
    }

    // ---- URL groups

    private UrlGroup ownGroup(int database, String name) throws ApiException {
        UrlGroup group = qstash.store().group(database, name);
        if (group == null) {
            throw new ApiException(404, "URL group " + name + " not found");
        }
        return group;
    }

    /** Adds endpoints to a group (made if missing), or removes them (by name or URL; the group goes with its last). */
    private JsonNode endpoints(int database, String groupName, byte[] body, boolean add) throws ApiException {
        String name = name(groupName, "URL group name");
        JsonNode json = json(body);
        if (!json.path("endpoints").isArray() || json.get("endpoints").isEmpty()) {
            throw new ApiException(400, "the body must be {\"endpoints\": [{\"name\": ..., \"url\": ...}]} with at least one endpoint");
        }
        List<UrlGroup.Endpoint> given = new ArrayList<>();
        for (JsonNode endpoint : json.get("endpoints")) {
            String url = endpoint.path("url").isTextual() ? endpoint.get("url").textValue() : null;
            String endpointName = endpoint.path("name").isTextual() ? endpoint.get("name").textValue() : null;
            if (add) {
                if (url == null || !PublishRequests.isUrl(url)) {
                    throw new ApiException(400, "invalid endpoint url " + url + ": endpoint has invalid scheme, add http:// or https://");
                }
                try {
                    qstash.destinations().check(url);
                } catch (IllegalArgumentException refused) {
                    throw new ApiException(400, refused.getMessage());
                }
            } else if (url == null && endpointName == null) {
                throw new ApiException(400, "an endpoint to remove needs its name or its url");
            }
            given.add(new UrlGroup.Endpoint(endpointName, url));
        }
        long now = System.currentTimeMillis();
        UrlGroup existing = qstash.store().group(database, name);
        if (!add && existing == null) {
            throw new ApiException(404, "URL group " + name + " not found");
        }
        List<UrlGroup.Endpoint> endpoints = new ArrayList<>(existing == null ? List.of() : existing.endpoints());
        for (UrlGroup.Endpoint endpoint : given) {
            endpoints.removeIf(kept -> endpoint.url() != null && endpoint.url().equals(kept.url())
                    || endpoint.name() != null && endpoint.name().equals(kept.name()));
            if (add) {
                endpoints.add(endpoint);
            }
        }
        if (endpoints.isEmpty()) {
            qstash.store().removeGroup(database, name);
        } else {
            qstash.store().saveGroup(new UrlGroup(database, name, existing == null ? now : existing.createdAt(), now, endpoints));
        }
        return NODES.objectNode();
    }

    // ---- dead letters

    private DeadLetter ownDeadLetter(int database, String dlqId) throws ApiException {
        DeadLetter letter = qstash.store().deadLetter(dlqId);
        if (letter == null || letter.message().database() != database) {
            throw new ApiException(404, "DLQ message " + dlqId + " not found");
        }
        return letter;
    }

    /** A page of the dead letters the query filters, newest first, after its cursor (the last DLQ id of the page before). */
    private MessageStore.Page<DeadLetter> deadLetterPage(int database, Filters query, int fallbackCount) throws ApiException {
        java.util.function.Predicate<DeadLetter> matching = query.deadLetters();
        String cursor = query.first("cursor");
        java.util.function.Predicate<DeadLetter> after = letter -> true;
        if (cursor != null) {
            long[] at;
            try {
                at = MessageStore.cursorParts(cursor);
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, e.getMessage());
            }
            after = letter -> {
                long[] own = MessageStore.cursorParts(letter.dlqId());
                return own[0] < at[0] || own[0] == at[0] && own[1] > at[1];
            };
        }
        List<DeadLetter> letters = qstash.store().deadLettersOf(database, matching.and(after));
        letters.sort(java.util.Comparator.comparingLong((DeadLetter letter) -> -MessageStore.cursorParts(letter.dlqId())[0])
                .thenComparingLong(letter -> MessageStore.cursorParts(letter.dlqId())[1]));
        int count = query.count(fallbackCount, fallbackCount == Integer.MAX_VALUE ? Integer.MAX_VALUE : 1000);
        if (letters.size() <= count) {
            return new MessageStore.Page<>(letters, null);
        }
        return new MessageStore.Page<>(letters.subList(0, count), letters.get(count - 1).dlqId());
    }

    private JsonNode deadLetters(int database, Filters query) throws ApiException {
        MessageStore.Page<DeadLetter> page = deadLetterPage(database, query, 100);
        ObjectNode result = NODES.objectNode();
        ArrayNode messages = result.putArray("messages");
        page.items().forEach(letter -> messages.add(Shapes.deadLetter(letter)));
        if (page.cursor() != null) {
            result.put("cursor", page.cursor());
        }
        return result;
    }

    /** Targets of a bulk DLQ call: {@code dlqIds}, or those the filters take (none: all), a page of {@code count} when given. */
    private MessageStore.Page<DeadLetter> bulkTargets(int database, Filters query) throws ApiException {
        return deadLetterPage(database, query, query.has("count") ? 100 : Integer.MAX_VALUE);
    }

    private JsonNode deleteDeadLetters(int database, Filters query) throws ApiException {
        MessageStore.Page<DeadLetter> page = bulkTargets(database, query);
        int deleted = 0;
        for (DeadLetter letter : page.items()) {
            if (qstash.store().removeDeadLetter(letter.dlqId())) {
                deleted++;
            }
        }
        ObjectNode result = NODES.objectNode().put("deleted", deleted);
        if (page.cursor() != null) {
            result.put("cursor", page.cursor());
        }
        return result;
    }

    private JsonNode retry(int database, String[] segments, Filters query) throws ApiException {
        if (segments.length < 2 || !segments[1].equals("retry")) {
            throw new ApiException(404, "Not found");
        }
        MessageStore.Page<DeadLetter> letters = actedOn(database, segments.length == 3 ? segments[2] : null, query);
        ObjectNode result = NODES.objectNode();
        ArrayNode responses = result.putArray("responses");
        for (DeadLetter letter : letters.items()) {
            responses.addObject().put("messageId", qstash.deliveries().retry(letter).messageId());
        }
        if (letters.cursor() != null) {
            result.put("cursor", letters.cursor());
        }
        return result;
    }

    /** The dead letters a DLQ action is for: the one in its path, else {@code dlqIds} or the filters' page. */
    private MessageStore.Page<DeadLetter> actedOn(int database, String pathId, Filters query) throws ApiException {
        if (pathId != null) {
            return new MessageStore.Page<>(List.of(ownDeadLetter(database, pathId)), null);
        }
        for (String id : query.values("dlqIds")) {
            ownDeadLetter(database, id); // an unknown id is refused, not skipped
        }
        return bulkTargets(database, query);
    }

    /**
     * The workflow DLQ ({@code /v2/workflows/dlq}): list and delete as {@code /v2/dlq?source=workflow}; resume a
     * failed run from its failed step, restart it from the start, or call its failure function again, by
     * {@code dlqIds}, filters or all, or by one id in the path.
     */
    private JsonNode workflowDeadLetters(int database, String method, String[] segments, Filters query, Map<String, List<String>> headers)
            throws ApiException {
        Filters workflowOnly = query.with("source", "workflow");
        if (method.equals("GET") && segments.length == 2) {
            return deadLetters(database, workflowOnly);
        }
        if (method.equals("GET") && segments.length == 3) {
            return Shapes.deadLetter(ownDeadLetter(database, segments[2]));
        }
        if (method.equals("DELETE")) {
            if (segments.length == 3) {
                qstash.store().removeDeadLetter(ownDeadLetter(database, segments[2]).dlqId());
                return NODES.objectNode().put("deleted", 1);
            }
            return deleteDeadLetters(database, workflowOnly);
        }
        if (segments.length < 3 || !segments[2].matches("resume|restart|callback")) {
            throw new ApiException(404, "Not found");
        }
        String action = segments[2];
        dev.larder.qstash.workflow.Workflows workflows = qstash.workflows();
        try {
            if (action.equals("callback")) {
                DeadLetter letter = ownDeadLetter(database, one(java.util.Arrays.copyOfRange(segments, 2, segments.length), "DLQ id"));
                dev.larder.qstash.workflow.Workflows.Restarted again = workflows.retryFailureFunction(letter);
                return NODES.objectNode().put("workflowRunId", again.workflowRunId()).put("workflowCreatedAt", again.workflowCreatedAt());
            }
            PublishRequests.RunChanges changes = publishRequests.runChanges(headers);
            MessageStore.Page<DeadLetter> letters = actedOn(database, segments.length == 4 ? segments[3] : null, workflowOnly);
            ObjectNode result = NODES.objectNode();
            ArrayNode runs = result.putArray("workflowRuns");
            for (DeadLetter letter : letters.items()) {
                dev.larder.qstash.workflow.Workflows.Restarted again = action.equals("resume")
                        ? workflows.resume(letter, changes.retries(), changes.flowControl())
                        : workflows.restart(letter, changes.retries(), changes.flowControl());
                runs.addObject().put("workflowRunId", again.workflowRunId()).put("workflowCreatedAt", again.workflowCreatedAt());
            }
            if (letters.cursor() != null) {
                result.put("cursor", letters.cursor());
            }
            return result;
        } catch (dev.larder.qstash.workflow.Refused refused) {
            throw new ApiException(refused.status(), refused.getMessage());
        }
    }

    // ---- flow control

    private FlowControls.Info ownFlow(int database, String key) throws ApiException {
        FlowControls.Info info = qstash.deliveries().flowControls().info(database, key);
        if (info == null) {
            throw new ApiException(404, "flow-control key " + key + " not found");
        }
        return info;
    }

    private JsonNode flowControl(int database, String[] segments, Filters query) throws ApiException {
        if (segments.length != 3) {
            throw new ApiException(404, "Not found");
        }
        String key = segments[1];
        FlowControls flows = qstash.deliveries().flowControls();
        ownFlow(database, key);
        switch (segments[2]) {
            case "pause" -> flows.pause(database, key, true);
            case "resume" -> flows.pause(database, key, false);
            case "resetRate", "reset" -> flows.resetRate(database, key);
            case "pin" -> {
                Integer parallelism = number(query.first("parallelism"), "parallelism");
                Integer rate = number(query.first("rate"), "rate");
                Integer period = query.first("period") == null ? null
                        : (int) (query.first("period").matches("\\d+") ? Long.parseLong(query.first("period"))
                                : PublishRequests.duration(query.first("period"), "period") / 1000);
                if (parallelism == null && rate == null) {
                    throw new ApiException(400, "pin needs parallelism or rate");
                }
                flows.pin(database, key, parallelism, rate, period);
            }
            case "unpin" -> flows.unpin(database, key, "true".equals(query.first("parallelism")), "true".equals(query.first("rate")));
            default -> throw new ApiException(404, "Not found");
        }
        return NODES.objectNode();
    }

    private static Integer number(String value, String name) throws ApiException {
        if (value == null) {
            return null;
        }
        try {
            int number = Integer.parseInt(value);
            if (number >= 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ApiException(400, name + " must be a whole number, got " + value);
    }

    // ---- keys and events

    private static ObjectNode keysJson(SigningKeys keys) {
        return NODES.objectNode().put("current", keys.current()).put("next", keys.next());
    }

    private JsonNode events(int database, String what, Filters query) throws ApiException {
        java.util.function.Predicate<Event> matching = query.events();
        int count = query.count(100, 1000);
        MessageStore.Page<Event> page;
        try {
            page = qstash.store().eventsOf(database, matching, count, query.first("cursor"));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        ObjectNode result = NODES.objectNode();
        ArrayNode events = result.putArray(what);
        page.items().forEach(event -> events.add(Shapes.event(event)));
        if (page.cursor() != null) {
            result.put("cursor", page.cursor());
        }
        return result;
    }

    private static void answer(Request request, Response response, Callback callback, int status, byte[] body) {
        HttpExchanges.send(request, response, callback, status, HttpExchanges.JSON, body);
    }
}
