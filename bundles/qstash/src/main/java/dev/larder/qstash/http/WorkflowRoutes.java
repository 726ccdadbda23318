package dev.larder.qstash.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larder.qstash.store.Headers;
import dev.larder.qstash.workflow.Refused;
import dev.larder.qstash.workflow.Waiter;
import dev.larder.qstash.workflow.WorkflowRun;
import dev.larder.qstash.workflow.WorkflowRuns;
import dev.larder.qstash.workflow.Workflows;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Workflow's part of the v2 API, as {@code @upstash/workflow} calls it: runs (the SDK's lazy fetch, its end and
 * cancel, the client's cancel by ids, filters or all), the logs of runs with their steps, waits, notifies and
 * waiters.
 */
final class WorkflowRoutes {

    private static final JsonNodeFactory NODES = Shapes.NODES;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final Set<String> RUN_FILTERS = Set.of("workflowRunId", "workflowRunIds", "workflowUrl", "workflowUrlExactMatch",
            "workflowCreatedAt", "state", "messageId", "groupBy", "label", "fromDate", "toDate", "callerIp", "flowControlKey", "count", "cursor",
            "qstash_token", "cancel");

    private final Workflows workflows;

    WorkflowRoutes(Workflows workflows) {
        this.workflows = workflows;
    }

    /** The answer of a request below {@code /v2/workflows}, {@code /v2/wait}, {@code /v2/notify} or {@code /v2/waiters}. */
    JsonNode serve(int database, String method, String[] segments, Filters query, Map<String, List<String>> headers, byte[] body)
            throws ApiException {
        try {
            return switch (segments[0] + " " + method) {
                case "workflows GET" -> {
                    if (segments.length == 3 && segments[1].equals("runs")) {
                        byte[] steps = workflows.steps(database, segments[2]);
                        if (steps == null) {
                            throw new ApiException(404, "workflow run " + segments[2] + " not found");
                        }
                        yield json(steps);
                    }
                    if (segments.length == 2 && (segments[1].equals("events") || segments[1].equals("logs"))) {
                        yield logs(database, query);
                    }
                    throw new ApiException(404, "Not found");
                }
                case "workflows DELETE" -> {
                    if (segments.length == 3 && segments[1].equals("runs")) {
                        boolean cancel = "true".equalsIgnoreCase(query.first("cancel"));
                        if (!workflows.end(database, segments[2], cancel, body)) {
                            throw new ApiException(404, "workflow run " + segments[2] + " not found");
                        }
                        yield NODES.objectNode();
                    }
                    if (segments.length == 2 && segments[1].equals("runs")) {
                        yield NODES.objectNode().put("cancelled", workflows.cancel(database, matching(query), query.count(100, 100_000)));
                    }
                    throw new ApiException(404, "Not found");
                }
                case "wait POST" -> {
                    String eventId = one(segments, "event id");
                    String runId = first(headers, "upstash-workflow-runid");
                    if (runId == null) {
                        throw new ApiException(400, "a wait needs the run's Upstash-Workflow-RunId header");
                    }
                    workflows.waitFor(database, runId, eventId, body);
                    yield NODES.objectNode();
                }
                case "notify POST" -> {
                    if (segments.length != 2 && segments.length != 3) {
                        throw new ApiException(400, "The path needs an event id: /v2/notify/[<workflowRunId>/]<eventId>");
                    }
                    String runId = segments.length == 3 ? segments[1] : null;
                    ArrayNode answers = NODES.arrayNode();
                    for (Workflows.Notified notified : workflows.notify(database, runId, segments[segments.length - 1], body)) {
                        ObjectNode answer = answers.addObject();
                        waiter(answer.putObject("waiter"), notified.waiter());
                        answer.put("messageId", notified.messageId()).put("error", "");
                    }
                    yield answers;
                }
                case "waiters GET" -> {
                    ArrayNode all = NODES.arrayNode();
                    workflows.waitersOf(database, one(segments, "event id")).forEach(waiter -> waiter(all.addObject(), waiter));
                    yield all;
                }
                default -> throw new ApiException(405, "Method Not Allowed");
            };
        } catch (Refused refused) {
            throw new ApiException(refused.status(), refused.getMessage());
        }
    }

    private static String one(String[] segments, String what) throws ApiException {
        if (segments.length != 2) {
            throw new ApiException(400, "The path needs one " + what);
        }
        return segments[1];
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void waiter(ObjectNode json, Waiter waiter) {
        json.put("url", waiter.url()).put("deadline", waiter.deadline() / 1000);
        Headers.put(json, "headers", waiter.headers());
        if (waiter.timeoutUrl() != null) {
            json.put("timeoutUrl", waiter.timeoutUrl());
        }
        Headers.put(json, "timeoutHeaders", waiter.timeoutHeaders());
    }

    /** The runs a query names: {@code workflowRunIds}, or those its filters take (none: all). */
    private static Predicate<WorkflowRun> matching(Filters query) throws ApiException {
        for (String name : query.names()) {
            if (!RUN_FILTERS.contains(name)) {
                throw new ApiException(400, "unknown query parameter " + name);
            }
        }
        List<String> ids = query.has("workflowRunIds") ? query.values("workflowRunIds") : query.values("workflowRunId");
        String url = query.first("workflowUrl");
        boolean exact = "true".equalsIgnoreCase(query.first("workflowUrlExactMatch"));
        List<String> states = query.values("state");
        List<String> labels = query.values("label");
        String messageId = query.first("messageId");
        String createdAt = query.first("workflowCreatedAt");
        long from = query.date("fromDate", Long.MIN_VALUE);
        long to = query.date("toDate", Long.MAX_VALUE);
        String callerIp = query.first("callerIp");
        String flowControlKey = query.first("flowControlKey");
        return run -> (ids.isEmpty() || ids.contains(run.workflowRunId()))
                && (url == null || (exact ? run.workflowUrl().equals(url) : run.workflowUrl().startsWith(url)))
                && (states.isEmpty() || states.contains(run.state()))
                && (labels.isEmpty() || run.labels().stream().anyMatch(labels::contains))
                && (messageId == null || run.steps().stream().anyMatch(step -> step.messageId().equals(messageId)))
                && (createdAt == null || Long.toString(run.createdAt()).equals(createdAt))
                && run.createdAt() >= from && run.createdAt() <= to
                && (callerIp == null || callerIp.equals(run.callerIp()))
                && (flowControlKey == null || flowControlKey.equals(run.flowControlKey()));
    }


    /** {@code GET /v2/workflows/events?groupBy=workflowRunId} (and the docs' {@code /logs}): runs, newest first, by pages. */
    private JsonNode logs(int database, Filters query) throws ApiException {
        List<WorkflowRun> found = workflows.runs(database, matching(query));
        int count = query.count(10, 1000);
        int start = 0;
        if (query.first("cursor") != null) {
            try {
                start = Math.max(0, Integer.parseInt(query.first("cursor")));
            } catch (NumberFormatException e) {
                throw new ApiException(400, "invalid cursor " + query.first("cursor"));
            }
        }
        ObjectNode result = NODES.objectNode();
        int end = Math.min(found.size(), start + count);
        result.put("cursor", end < found.size() ? Integer.toString(end) : "");
        ArrayNode runs = result.putArray("runs");
        for (WorkflowRun run : found.subList(Math.min(start, end), end)) {
            runs.add(WorkflowRuns.log(run, workflows::message));
        }
        return result;
    }
}
