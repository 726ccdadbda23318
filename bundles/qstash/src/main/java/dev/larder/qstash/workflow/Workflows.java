package dev.larder.qstash.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larder.qstash.delivery.Deliveries;
import dev.larder.qstash.delivery.Durations;
import dev.larder.qstash.store.DeadLetter;
import dev.larder.qstash.store.Headers;
import dev.larder.qstash.store.Message;
import dev.larder.qstash.store.MessageStore;
import dev.larder.qstash.store.Publication;
import dev.larder.qstash.store.Publication.Target;
import dev.larder.qstash.workflow.WorkflowRun.Attempt;
import dev.larder.qstash.workflow.WorkflowRun.FailureFunction;
import dev.larder.qstash.workflow.WorkflowRun.Invoker;
import dev.larder.qstash.workflow.WorkflowRun.Step;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstash Workflow on QStash: the server's half of the {@code @upstash/workflow} SDK's protocol. A run starts with
 * the message the SDK publishes with {@code Upstash-Workflow-Init: true}; every step result it publishes after
 * that is appended to the run, and the message that carries it delivers the run's steps so far (the SDK replays
 * them and runs the next). A {@code context.call} is a message to the called URL whose callback returns to the
 * workflow; sleeps are delayed messages; waits are {@link Waiter}s that a notify or their deadline resolve; an
 * invoked run tells its invoker how it ended. A step message whose retries run out fails the run and calls its
 * failure function. Runs and waiters are records in the grid, each change on disk before it is acknowledged.
 */
public final class Workflows implements Deliveries.Listener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.qstash");
    static final ObjectMapper JSON = new ObjectMapper();
    /** Past this many bytes of steps a delivery carries none and the SDK fetches them (its {@code LazyFetch}). */
    private static final int LAZY_FETCH_BYTES = 1 << 20;
    private static final int ATTEMPTS_KEPT = 10;
    static final String RUN_ID_HEADER = "Upstash-Workflow-Runid";
    static final String FAILURE_CALL_HEADER = "Upstash-Workflow-Failure-Callback";

    private final RunRecords runs;
    private final MessageStore.Records<Waiter> waiterRecords;
    private final MessageStore store;
    private final Deliveries deliveries;
    private final Map<String, Waiter> waiters = new ConcurrentHashMap<>();
    private final Object[] locks = IntStream.range(0, 256).mapToObj(i -> new Object()).toArray();
    private final ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("workflow-timeouts").daemon().factory());

    public Workflows(MessageStore store, Deliveries deliveries) {
        this.store = store;
        this.runs = new RunRecords(store.workflowRuns(WorkflowRun.class));
        this.waiterRecords = store.workflowWaiters(Waiter.class);
        this.deliveries = deliveries;
        waiterRecords.list(waiter -> true, Comparator.comparingLong(Waiter::createdAt)).forEach(waiter -> waiters.put(waiter.id(), waiter));
        deliveries.addListener(this);
        timeouts.scheduleWithFixedDelay(this::timeOut, 250, 250, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timeouts.shutdownNow();
    }

    private Object lock(String runKey) {
        return locks[Math.floorMod(runKey.hashCode(), locks.length)];
    }

    /** What a workflow publish made: its message, or the one an earlier trigger of the same run made. */
    public record Published(String messageId, String url, boolean deduplicated) {
    }

    /**
     * A publish that names a workflow run ({@code Upstash-Workflow-RunId}): the start of a run, a step's result to
     * append to it, or a {@code context.call}'s request.
     *
     * @param workflow the request's {@code upstash-workflow-*} and {@code upstash-feature-set} headers, lower-case
     */
    public Published publish(int database, Publication publication, long notBefore, Map<String, String> workflow) throws Refused {
        String runId = workflow.get("upstash-workflow-runid");
        if (runId == null || runId.isBlank() || runId.length() > 200) {
            throw new Refused(400, "invalid Upstash-Workflow-RunId: 1 to 200 characters");
        }
        if (publication.url() == null || !Deliveries.isUrl(publication.url())) {
            throw new Refused(400, "a workflow's messages go to a URL, not a URL group");
        }
        long now = System.currentTimeMillis();
        if ("true".equalsIgnoreCase(workflow.get("upstash-workflow-init"))) {
            return start(database, runId, publication, notBefore, workflow, now);
        }
        String key = WorkflowRun.key(database, runId);
        synchronized (lock(key)) {
            WorkflowRun run = activeRun(key, runId);
            Message made = "toCallback".equalsIgnoreCase(workflow.get("upstash-workflow-calltype"))
                    ? call(run, publication, notBefore, now)
                    : append(run, publication.body(), notBefore, now);
            return new Published(made.messageId(), made.url(), false);
        }
    }

    private Published start(int database, String runId, Publication publication, long notBefore, Map<String, String> workflow, long now)
            throws Refused {
        byte[] initial = publication.body() == null ? new byte[0] : publication.body();
        Invoker invoker = null;
        if ("true".equalsIgnoreCase(workflow.get("upstash-workflow-invoke"))) {
            JsonNode request = json(initial);
            if (!request.isObject()) {
                throw new Refused(400, "an invoke's body must be the SDK's JSON: {body, headers, workflowRunId, workflowUrl, step}");
            }
            JsonNode body = request.path("body");
            initial = body.isTextual() ? utf8(body.textValue()) : body.isMissingNode() || body.isNull() ? new byte[0] : utf8(body.toString());
            invoker = new Invoker(request.path("workflowRunId").asText(), request.path("workflowUrl").asText(),
                    request.path("workflowRunCreatedAt").asLong(), request.path("step").toString());
        }
        List<String> features = Arrays.stream(workflow.getOrDefault("upstash-feature-set", "").split(",")).map(String::trim)
                .filter(feature -> !feature.isEmpty()).toList();
        String key = WorkflowRun.key(database, runId);
        synchronized (lock(key)) {
            WorkflowRun existing = runs.get(key);
            if (existing != null && existing.active()) {
                return new Published(existing.steps.get(0).messageId(), existing.workflowUrl, true);
            }
            WorkflowRun run = new WorkflowRun(runId, database, publication.url(), now, features, publication.asTemplate(),
                    publication.failureCallback(), invoker);
            Message first = append(run, initial, notBefore, now);
            return new Published(first.messageId(), first.url(), false);
        }
    }

    private WorkflowRun activeRun(String key, String runId) throws Refused {
        WorkflowRun run = runs.get(key);
        if (run == null) {
            throw new Refused(400, "failed to publish to url: workflow run " + runId + " not found");
        }
        if (!run.active()) {
            throw new Refused(400, "failed to publish to url: can not append to a a " + (WorkflowRun.CANCELED.equals(run.state) ? "cancelled"
                    : "finished") + " workflow");
        }
        return run;
    }

    /**
     * Appends a step to the run and sends it to the workflow's URL, with the steps before it (under the run's lock);
     * the run's change and the message are on disk when it returns.
     */
    private Message append(WorkflowRun run, byte[] body, long notBefore, long now) {
        String id = Message.newId();
        run.steps.add(new Step(id, "step", base64(body), now, null, null, notBefore > now ? notBefore : null));
        Message message = Message.of(id, run.database, run.template.carrying(run.workflowUrl, deliveryHeaders(run), history(run, id)), notBefore, now);
        runs.putBefore(run.key(), run);
        deliveries.accept(List.of(message));
        return message;
    }

    /** The headers of every message to the workflow: the trigger's forwarded ones and the run's. */
    private static Map<String, List<String>> deliveryHeaders(WorkflowRun run) {
        Map<String, List<String>> header = new LinkedHashMap<>();
        if (run.template.header() != null) {
            header.putAll(run.template.header());
        }
        header.put(RUN_ID_HEADER, List.of(run.workflowRunId));
        header.put("Upstash-Workflow-Url", List.of(run.workflowUrl));
        header.put("Upstash-Workflow-Createdat", List.of(Long.toString(run.createdAt)));
        return header;
    }

    /**
     * The body a step's message delivers: the run's messages up to and including it, as the SDK reads them; empty
     * past {@link #LAZY_FETCH_BYTES} when the SDK said it fetches them itself.
     */
    private static byte[] history(WorkflowRun run, String uptoMessageId) {
        ArrayNode steps = JSON.createArrayNode();
        for (Step step : run.steps) {
            steps.addObject().put("messageId", step.messageId()).put("body", step.body()).put("callType", step.callType());
            if (step.messageId().equals(uptoMessageId)) {
                break;
            }
        }
        byte[] body = bytes(steps);
        return body.length > LAZY_FETCH_BYTES && run.features != null && run.features.contains("LazyFetch") ? new byte[0] : body;
    }

    /**
     * A {@code context.call}: the request goes to the called URL as published (its own retries; the SDK's
     * {@code WF_NoDelete}: its failure does not fail the run), and its callback brings the answer back to the
     * workflow, retried as the run's steps are.
     */
    private Message call(WorkflowRun run, Publication publication, long notBefore, long now) {
        Target back = publication.callback();
        if (back != null && back.retries() == null) {
            back = new Target(back.url(), back.method(), run.template.maxRetries(), back.timeoutMillis(), back.retryDelayExpression(),
                    back.delayMillis(), back.header());
        }
        String id = Message.newId();
        run.steps.add(new Step(id, "toCallback", base64(publication.body()), now, publication.url(), publication.method(), null));
        Message message = Message.of(id, run.database, publication.withCallback(back), notBefore, now);
        runs.putBefore(run.key(), run);
        deliveries.accept(List.of(message));
        return message;
    }

    // ---- the run's end

    /**
     * {@code DELETE /v2/workflows/runs/<id>}: the SDK ends a run with its result, or cancels it; whether the run
     * exists (ending one that ended already changes nothing).
     */
    public boolean end(int database, String runId, boolean cancel, byte[] result) {
        String key = WorkflowRun.key(database, runId);
        WorkflowRun ended;
        synchronized (lock(key)) {
            WorkflowRun run = runs.get(key);
            if (run == null) {
                return false;
            }
            if (!run.active()) {
                return true;
            }
            if (cancel) {
                cancelled(run);
            } else {
                run.end(WorkflowRun.SUCCESS, result == null || result.length == 0 ? null : new String(result, StandardCharsets.UTF_8),
                        System.currentTimeMillis());
                dropWaiters(run);
                runs.put(key, run);
            }
            ended = run;
        }
        tellInvoker(ended);
        return true;
    }

    /** Cancels the active runs of a database that {@code matching} takes, oldest first, at most {@code count}; how many. */
    public int cancel(int database, Predicate<WorkflowRun> matching, int count) {
        int cancelled = 0;
        for (WorkflowRun found : runs(database, run -> run.active() && matching.test(run))) {
            if (cancelled >= count) {
                break;
            }
            if (end(database, found.workflowRunId, true, null)) {
                cancelled++;
            }
        }
        return cancelled;
    }

    /** Under the run's lock: ends it cancelled, its waiting messages and waiters with it. */
    private void cancelled(WorkflowRun run) {
        run.end(WorkflowRun.CANCELED, null, System.currentTimeMillis());
        runs.put(run.key(), run);
        dropWaiters(run);
        for (Step step : run.steps) {
            deliveries.cancel(step.messageId());
        }
    }

    private void dropWaiters(WorkflowRun run) {
        waiters.values().removeIf(waiter -> {
            boolean ofRun = waiter.database() == run.database && waiter.workflowRunId().equals(run.workflowRunId);
            if (ofRun) {
                waiterRecords.remove(waiter.id());
            }
            return ofRun;
        });
    }

    /** An invoked run ended: its invoker's Invoke step gets its result and goes on. */
    private void tellInvoker(WorkflowRun child) {
        if (child.invoker == null || child.active()) {
            return;
        }
        ObjectNode out = JSON.createObjectNode();
        if (WorkflowRun.SUCCESS.equals(child.state) && child.response != null) {
            out.put("body", child.response);
        }
        out.put("isFailed", WorkflowRun.FAILED.equals(child.state));
        out.put("isCanceled", WorkflowRun.CANCELED.equals(child.state));
        ObjectNode step;
        try {
            step = (ObjectNode) JSON.readTree(child.invoker.step());
        } catch (IOException | ClassCastException e) {
            LOG.warn("Workflow run {}: its invoker's step is unreadable; the invoker is not told", child.workflowRunId);
            return;
        }
        step.put("out", out.toString());
        String parentKey = WorkflowRun.key(child.database, child.invoker.workflowRunId());
        synchronized (lock(parentKey)) {
            WorkflowRun parent = runs.get(parentKey);
            if (parent != null && parent.active()) {
                long now = System.currentTimeMillis();
                append(parent, bytes(step), now, now);
            }
        }
    }

    // ---- deliveries of the run's messages

    /**
     * {@code WF_DetectTrigger}: a run's first call (a trigger's, an invoke's) answered without the SDK's
     * {@code Upstash-Workflow-Sdk-Version} went to something that is not a workflow, and the run fails at once.
     */
    @Override
    public String refused(Message message, java.util.function.Function<String, String> answerHeader) {
        String runId = first(message.publication().header(), RUN_ID_HEADER);
        if (runId == null || answerHeader.apply("Upstash-Workflow-Sdk-Version") != null) {
            return null;
        }
        String key = WorkflowRun.key(message.database(), runId);
        synchronized (lock(key)) {
            WorkflowRun run = runs.get(key);
            boolean first = run != null && !run.steps.isEmpty() && run.steps.get(0).messageId().equals(message.messageId());
            return first && run.features != null && run.features.contains("WF_DetectTrigger")
                    ? "detected a non-workflow destination for trigger/invoke. make sure you are sending the request to the correct endpoint"
                    : null;
        }
    }

    @Override
    public void ended(Message message, String state, DeadLetter letter) {
        if (state.equals("CANCELLED")) {
            return;
        }
        Map<String, List<String>> header = message.publication().header();
        boolean failureCall = header != null && header.containsKey(FAILURE_CALL_HEADER);
        if (state.equals("DELIVERED") && !failureCall) {
            return; // the common case: the next step's result appends to the run
        }
        String runId = first(header, RUN_ID_HEADER);
        if (runId == null) {
            return;
        }
        String key = WorkflowRun.key(message.database(), runId);
        WorkflowRun failed = null;
        synchronized (lock(key)) {
            WorkflowRun run = runs.get(key);
            if (run == null) {
                return;
            }
            if (failureCall) {
                if (run.failureFunction != null && run.failureFunction.messageId().equals(message.messageId())) {
                    run.failureFunction = run.failureFunction.inState(state.equals("DELIVERED") ? "CALLBACK_SUCCESS" : "CALLBACK_FAIL");
                    runs.put(key, run);
                }
                return;
            }
            if (run.active() && state.equals("FAILED")) {
                fail(run, message, letter);
                failed = run;
            }
        }
        if (failed != null) {
            tellInvoker(failed);
        }
    }

    @Override
    public void retrying(Message message, Integer status, String error, long nextAttempt) {
        String runId = first(message.publication().header(), RUN_ID_HEADER);
        if (runId == null) {
            return;
        }
        String key = WorkflowRun.key(message.database(), runId);
        synchronized (lock(key)) {
            WorkflowRun run = runs.get(key);
            if (run != null && run.active()) {
                List<Attempt> attempts = run.failedAttempts.computeIfAbsent(message.messageId(), id -> new ArrayList<>());
                attempts.add(new Attempt(status, error, System.currentTimeMillis()));
                if (attempts.size() > ATTEMPTS_KEPT) {
                    attempts.remove(0);
                }
                runs.put(key, run);
            }
        }
    }

    /** Under the run's lock: a step's message is dead, so is the run; its failure function (or URL) is called. */
    private void fail(WorkflowRun run, Message message, DeadLetter letter) {
        long now = System.currentTimeMillis();
        run.end(WorkflowRun.FAILED, null, now);
        run.dlqId = letter == null ? null : letter.dlqId();
        run.failedMessageId = message.messageId();
        List<Attempt> attempts = run.failedAttempts.computeIfAbsent(message.messageId(), id -> new ArrayList<>());
        if (letter != null) {
            attempts.add(new Attempt(letter.responseStatus(), letter.error(), now));
        }
        dropWaiters(run);
        if (run.failure == null) {
            runs.put(run.key(), run);
            return;
        }
        Message call = failureCall(run, message, letter, now);
        run.failureFunction = new FailureFunction(call.messageId(), call.url(), "CALLBACK_INPROGRESS", letter == null ? null : letter.responseStatus(),
                letter == null || letter.responseBody() == null ? null : new String(letter.responseBody(), StandardCharsets.UTF_8),
                letter == null ? null : letter.responseHeader(), run.dlqId);
        runs.putBefore(run.key(), run);
        deliveries.accept(List.of(call));
    }

    /**
     * The failure function's message: the failed answer and the source message as QStash's failure callback has them,
     * with the run's initial payload as {@code sourceBody} (the SDK's {@code InitialBody}) and the run's id and start.
     */
    private Message failureCall(WorkflowRun run, Message source, DeadLetter letter, long now) {
        Publication from = source.publication();
        ObjectNode body = JSON.createObjectNode();
        body.put("status", letter == null || letter.responseStatus() == null ? 0 : letter.responseStatus());
        Headers.put(body, "header", letter == null ? null : letter.responseHeader());
        body.put("body", base64(letter == null ? null : letter.responseBody()));
        body.put("retried", source.retried());
        body.put("maxRetries", from.maxRetries());
        if (run.dlqId != null) {
            body.put("dlqId", run.dlqId);
        }
        body.put("sourceMessageId", source.messageId());
        body.put("url", run.workflowUrl);
        body.put("method", from.method());
        Headers.put(body, "sourceHeader", from.header());
        body.put("sourceBody", run.steps.get(0).body());
        body.put("notBefore", source.notBefore());
        body.put("createdAt", source.createdAt());
        body.put("workflowRunId", run.workflowRunId);
        body.put("workflowCreatedAt", run.createdAt);
        if (from.callerIp() != null) {
            body.put("callerIP", from.callerIp());
        }
        Target target = run.failure;
        Map<String, List<String>> header = new LinkedHashMap<>();
        if (target.header() != null) {
            header.putAll(target.header());
        }
        header.putIfAbsent(RUN_ID_HEADER, List.of(run.workflowRunId));
        header.putIfAbsent(FAILURE_CALL_HEADER, List.of("true"));
        header.put("Content-Type", List.of("application/json"));
        Publication call = new Publication(target.url(), target.method() == null ? "POST" : target.method(), header, bytes(body),
                target.retries() == null ? run.template.maxRetries() : target.retries(),
                target.retryDelayExpression() == null ? run.template.retryDelayExpression() : target.retryDelayExpression(),
                target.timeoutMillis() == null ? run.template.timeoutMillis() : target.timeoutMillis(), null, null, run.template.labels(),
                from.callerIp(), null, null, null, null, null, null);
        return Message.of(run.database, call, now + (target.delayMillis() == null ? 0 : target.delayMillis()), now);
    }

    // ---- the workflow dead-letter queue

    /** What a DLQ action started again: the run and when it (now) started. */
    public record Restarted(String workflowRunId, long workflowCreatedAt) {
    }

    /**
     * {@code POST /v2/workflows/dlq/resume}: the failed run goes on from the step that failed, its message sent
     * again with the steps it had; the dead letter is gone. {@code retries} and {@code flow} (null: kept) replace the
     * run's own for its messages from now on, as the SDK's {@code dlq.resume({retries, flowControl})} asks.
     */
    public Restarted resume(DeadLetter letter, Integer retries, Publication.FlowControl flow) throws Refused {
        String key = runKeyOf(letter);
        synchronized (lock(key)) {
            WorkflowRun run = failedRun(key, letter);
            reopen(run);
            run.template = run.template.withDelivery(retries, flow);
            runs.putBefore(key, run);
            deliveries.retry(letter, letter.message().publication().withDelivery(retries, flow));
            return new Restarted(run.workflowRunId, run.createdAt);
        }
    }

    /** {@code POST /v2/workflows/dlq/restart}: the failed run starts over from its initial payload, under its id (retries and flow as resume's). */
    public Restarted restart(DeadLetter letter, Integer retries, Publication.FlowControl flow) throws Refused {
        String key = runKeyOf(letter);
        synchronized (lock(key)) {
            WorkflowRun run = failedRun(key, letter);
            reopen(run);
            run.template = run.template.withDelivery(retries, flow);
            long now = System.currentTimeMillis();
            Step initial = run.steps.get(0);
            run.steps.clear();
            run.failedAttempts.clear();
            run.createdAt = now;
            store.removeDeadLetter(letter.dlqId());
            append(run, Base64.getDecoder().decode(initial.body()), now, now);
            return new Restarted(run.workflowRunId, run.createdAt);
        }
    }

    /** {@code POST /v2/workflows/dlq/callback/<dlqId>}: the failed run's failure function is called again. */
    public Restarted retryFailureFunction(DeadLetter letter) throws Refused {
        String key = runKeyOf(letter);
        synchronized (lock(key)) {
            WorkflowRun run = runs.get(key);
            if (run == null || !WorkflowRun.FAILED.equals(run.state)) {
                throw new Refused(400, "DLQ message " + letter.dlqId() + " is not of a failed workflow run");
            }
            if (run.failure == null) {
                throw new Refused(400, "workflow run " + run.workflowRunId + " has no failure function or failure URL");
            }
            long now = System.currentTimeMillis();
            Message call = failureCall(run, letter.message(), letter, now);
            run.failureFunction = new FailureFunction(call.messageId(), call.url(), "CALLBACK_INPROGRESS", letter.responseStatus(),
                    letter.responseBody() == null ? null : new String(letter.responseBody(), StandardCharsets.UTF_8), letter.responseHeader(),
                    letter.dlqId());
            runs.putBefore(key, run);
            deliveries.accept(List.of(call));
            return new Restarted(run.workflowRunId, run.createdAt);
        }
    }

    private static String runKeyOf(DeadLetter letter) throws Refused {
        String runId = runIdOf(letter.message());
        if (runId == null) {
            throw new Refused(400, "DLQ message " + letter.dlqId() + " is not a workflow run's");
        }
        return WorkflowRun.key(letter.message().database(), runId);
    }

    private WorkflowRun failedRun(String key, DeadLetter letter) throws Refused {
        WorkflowRun run = runs.get(key);
        if (run == null || !WorkflowRun.FAILED.equals(run.state)) {
            throw new Refused(400, "DLQ message " + letter.dlqId() + " is not of a failed workflow run");
        }
        return run;
    }

    private static void reopen(WorkflowRun run) {
        run.state = WorkflowRun.STARTED;
        run.completedAt = null;
        run.response = null;
        run.failureFunction = null;
        run.dlqId = null;
        run.failedMessageId = null;
    }

    // ---- waiting for events

    /**
     * {@code POST /v2/wait/<eventId>}: the run's step waits for a notify of the event, or its timeout. A notify that
     * named this run and came first resolves it at once.
     */
    public void waitFor(int database, String runId, String eventId, byte[] body) throws Refused {
        JsonNode request = json(body);
        if (!request.isObject() || !request.path("step").isObject()) {
            throw new Refused(400, "a wait's body must be the SDK's JSON: {url, timeout, timeoutUrl, timeoutHeaders, step}");
        }
        String timeout = request.path("timeout").asText("7d");
        long timeoutMillis;
        try {
            timeoutMillis = Durations.parse(timeout).toMillis();
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new Refused(400, "invalid timeout '" + timeout + "': use a number with a unit, as 10s, 5m, 1h or 7d");
        }
        long now = System.currentTimeMillis();
        String key = WorkflowRun.key(database, runId);
        synchronized (lock(key)) {
            WorkflowRun run = activeRun(key, runId);
            Waiter waiter = new Waiter(MessageStore.newId("wait_"), database, eventId, runId, request.path("url").asText(run.workflowUrl),
                    now + timeoutMillis, timeout, headers(request.path("timeoutHeaders")), request.path("timeoutUrl").asText(null),
                    headers(request.path("timeoutHeaders")), request.path("step").toString(), now);
            String early = run.earlyEvents.remove(eventId);
            if (early != null) {
                append(run, resolved(waiter, early, false), now, now);
                return;
            }
            waiterRecords.put(waiter.id(), waiter);
            waiters.put(waiter.id(), waiter);
        }
    }

    /** A waiter a notify resolved, and the message that continues its run. */
    public record Notified(Waiter waiter, String messageId) {
    }

    /**
     * {@code POST /v2/notify/[<runId>/]<eventId>}: every run waiting for the event goes on with the data. With a run
     * id and no waiter yet, the data is kept for that run's wait (a notify that came first is not lost).
     */
    public List<Notified> notify(int database, String runId, String eventId, byte[] data) {
        String encoded = base64(data);
        List<Notified> notified = new ArrayList<>();
        for (Waiter waiter : waitersOf(database, eventId)) {
            if (runId != null && !runId.equals(waiter.workflowRunId())) {
                continue;
            }
            String messageId = resolve(waiter, encoded, false);
            if (messageId != null) {
                notified.add(new Notified(waiter, messageId));
            }
        }
        if (notified.isEmpty() && runId != null) {
            String key = WorkflowRun.key(database, runId);
            synchronized (lock(key)) {
                WorkflowRun run = runs.get(key);
                if (run != null && run.active()) {
                    run.earlyEvents.put(eventId, encoded);
                    runs.put(key, run);
                }
            }
        }
        return notified;
    }

    /** The waiters of a database for an event, oldest first. */
    public List<Waiter> waitersOf(int database, String eventId) {
        return waiters.values().stream().filter(waiter -> waiter.database() == database && waiter.eventId().equals(eventId))
                .sorted(Comparator.comparingLong(Waiter::createdAt)).toList();
    }

    /** Resolves a waiter (once: the first of a notify and its timeout wins); the message that continues its run. */
    private String resolve(Waiter waiter, String encodedData, boolean timedOut) {
        String key = WorkflowRun.key(waiter.database(), waiter.workflowRunId());
        synchronized (lock(key)) {
            if (waiters.remove(waiter.id()) == null) {
                return null;
            }
            waiterRecords.remove(waiter.id());
            WorkflowRun run = runs.get(key);
            if (run == null || !run.active()) {
                return null;
            }
            long now = System.currentTimeMillis();
            return append(run, resolved(waiter, encodedData, timedOut), now, now).messageId();
        }
    }

    /** The wait step as the SDK reads it back: its event's data in {@code out} (base64), or {@code waitTimeout}. */
    private static byte[] resolved(Waiter waiter, String encodedData, boolean timedOut) {
        ObjectNode step;
        try {
            step = (ObjectNode) JSON.readTree(waiter.step());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (encodedData != null) {
            step.put("out", encodedData);
        }
        step.put("waitEventId", waiter.eventId());
        step.put("timeout", waiter.timeout());
        step.put("waitTimeout", timedOut);
        return bytes(step);
    }

    private void timeOut() {
        try {
            long now = System.currentTimeMillis();
            for (Waiter waiter : List.copyOf(waiters.values())) {
                if (waiter.deadline() <= now) {
                    resolve(waiter, null, true);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Workflow waiters' timeouts could not be checked; tried again", e);
        }
    }

    // ---- reading runs

    /** The run as stored (a copy: it does not change as the run goes on). */
    public WorkflowRun run(int database, String runId) {
        return runs.copy(WorkflowRun.key(database, runId));
    }

    /** The runs of a database (on this node's partitions) that {@code matching} takes, newest first. */
    public List<WorkflowRun> runs(int database, Predicate<WorkflowRun> matching) {
        return runs.list(run -> run.database == database && matching.test(run),
                Comparator.comparingLong(WorkflowRun::createdAt).reversed().thenComparing(WorkflowRun::workflowRunId));
    }

    /** {@code GET /v2/workflows/runs/<id>}: the messages of an active run as the SDK's lazy fetch reads them; null when none. */
    public byte[] steps(int database, String runId) {
        WorkflowRun run = run(database, runId);
        if (run == null || !run.active()) {
            return null;
        }
        ArrayNode steps = JSON.createArrayNode();
        run.steps.forEach(step -> steps.addObject().put("messageId", step.messageId()).put("body", step.body()).put("callType", step.callType()));
        return bytes(steps);
    }

    /** Forgets the runs that ended before {@code before} (Unix ms), as the log forgets its events; how many. */
    public int prune(long before) {
        int pruned = 0;
        for (WorkflowRun run : runs.list(run -> !run.active() && run.completedAt != null && run.completedAt < before,
                Comparator.comparingLong(WorkflowRun::createdAt))) {
            synchronized (lock(run.key())) {
                WorkflowRun current = runs.get(run.key());
                if (current != null && !current.active() && runs.remove(run.key())) {
                    pruned++;
                }
            }
        }
        return pruned;
    }

    /** The message waiting for delivery, or null. */
    public Message message(String messageId) {
        return store.message(messageId);
    }

    /** The run a message belongs to (a step's, a call's callback, a failure call), or null. */
    public static String runIdOf(Message message) {
        return first(message.publication().header(), RUN_ID_HEADER);
    }

    /** When the run a message belongs to started (Unix ms), or null. */
    public static Long runCreatedAtOf(Message message) {
        String createdAt = first(message.publication().header(), "Upstash-Workflow-Createdat");
        return createdAt == null ? null : Long.valueOf(createdAt);
    }

    /** The URL of the workflow whose run a message belongs to, or null. */
    public static String workflowUrlOf(Message message) {
        return first(message.publication().header(), "Upstash-Workflow-Url");
    }

    // ---- helpers

    private static String first(Map<String, List<String>> header, String name) {
        if (header == null) {
            return null;
        }
        List<String> values = header.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static Map<String, List<String>> headers(JsonNode object) {
        if (!object.isObject()) {
            return null;
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        object.fields().forEachRemaining(field -> {
            List<String> values = new ArrayList<>();
            if (field.getValue().isArray()) {
                field.getValue().forEach(value -> values.add(value.asText()));
            } else {
                values.add(field.getValue().asText());
            }
            headers.put(field.getKey(), values);
        });
        return headers;
    }

    private static JsonNode json(byte[] body) throws Refused {
        try {
            JsonNode json = body == null || body.length == 0 ? null : JSON.readTree(body);
            if (json == null) {
                throw new Refused(400, "the body must be JSON");
            }
            return json;
        } catch (IOException e) {
            throw new Refused(400, "invalid JSON: " + e.getMessage());
        }
    }

    static byte[] bytes(JsonNode json) {
        try {
            return JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes == null ? new byte[0] : bytes);
    }
}
