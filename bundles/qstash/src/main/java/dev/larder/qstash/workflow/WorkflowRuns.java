package dev.larder.qstash.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larder.qstash.store.Headers;
import dev.larder.qstash.store.Message;
import dev.larder.qstash.workflow.WorkflowRun.Attempt;
import dev.larder.qstash.workflow.WorkflowRun.Step;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * A run as the workflow logs show it ({@code @upstash/workflow}'s {@code client.logs}, the console and the web
 * page): its state and result, then its steps in groups — the initial payload, each sequential step, the results
 * of parallel steps together — and last, the messages still being delivered (or the one that failed) as the
 * {@code next} group with their failed attempts.
 */
public final class WorkflowRuns {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private WorkflowRuns() {
    }

    /** @param waiting the message of an id that still waits for delivery, or null */
    public static ObjectNode log(WorkflowRun run, Function<String, Message> waiting) {
        ObjectNode json = NODES.objectNode();
        json.put("workflowRunId", run.workflowRunId()).put("workflowUrl", run.workflowUrl()).put("workflowState", run.state())
                .put("workflowRunCreatedAt", run.createdAt());
        if (run.completedAt() != null) {
            json.put("workflowRunCompletedAt", run.completedAt());
        }
        if (run.response() != null) {
            json.put("workflowRunResponse", run.response());
        }
        if (run.invoker() != null) {
            json.putObject("invoker").put("workflowRunId", run.invoker().workflowRunId()).put("workflowUrl", run.invoker().workflowUrl())
                    .put("workflowRunCreatedAt", run.invoker().workflowRunCreatedAt());
        }
        WorkflowRun.FailureFunction failure = run.failureFunction();
        if (failure != null) {
            ObjectNode function = json.putObject("failureFunction").put("messageId", failure.messageId()).put("url", failure.url())
                    .put("state", failure.state());
            Headers.put(function, "failHeaders", failure.failHeaders());
            if (failure.failStatus() != null) {
                function.put("failStatus", failure.failStatus());
            }
            if (failure.failResponse() != null) {
                function.put("failResponse", failure.failResponse());
            }
            if (failure.dlqId() != null) {
                function.put("dlqId", failure.dlqId());
            }
        }
        if (run.dlqId() != null) {
            json.put("dlqId", run.dlqId());
        }
        if (!run.labels().isEmpty()) {
            json.put("label", String.join(",", run.labels()));
        }
        json.set("steps", groups(run, waiting));
        return json;
    }

    private static ArrayNode groups(WorkflowRun run, Function<String, Message> waiting) {
        ArrayNode groups = NODES.arrayNode();
        List<Step> steps = run.steps();
        if (steps.isEmpty()) {
            return groups;
        }
        Step initial = steps.get(0);
        ObjectNode first = NODES.objectNode().put("stepId", 0).put("stepName", "init").put("stepType", "Initial").put("callType", "step")
                .put("messageId", initial.messageId()).put("out", decoded(initial.body())).put("concurrent", 1).put("state", "STEP_SUCCESS")
                .put("createdAt", initial.createdAt());
        group(groups, "sequential").add(first);
        ArrayNode parallel = null;
        Step call = null;
        for (Step step : steps.subList(1, steps.size())) {
            if (step.callType().equals("toCallback")) {
                call = step;
                continue;
            }
            JsonNode body = parsed(step.body());
            if (body == null || body.path("stepId").asInt() == 0) {
                continue; // a parallel step's plan: its result is the step
            }
            ObjectNode log = stepLog(step, body);
            if (call != null && "Call".equals(body.path("stepType").asText())) {
                log.put("callUrl", call.callUrl()).put("callMethod", call.callMethod()).put("callBody", decoded(call.body()));
                call = null;
            }
            if (body.path("concurrent").asInt(1) > 1) {
                if (parallel == null) {
                    parallel = group(groups, "parallel");
                }
                parallel.add(log);
            } else {
                parallel = null;
                group(groups, "sequential").add(log);
            }
        }
        ArrayNode next = NODES.arrayNode();
        for (Step step : steps) {
            boolean failed = step.messageId().equals(run.failedMessageId());
            Message message = failed || !run.active() ? null : waiting.apply(step.messageId());
            if (!failed && message == null) {
                continue;
            }
            ObjectNode pending = next.addObject().put("messageId", step.messageId())
                    .put("state", failed ? "STEP_FAILED" : message.retried() > 0 ? "STEP_RETRY" : "STEP_PROGRESS")
                    .put("retries", failed ? run.failedAttempts(step.messageId()).size() - 1 : message.retried());
            if (message != null && message.retried() > 0) {
                pending.put("nextDeliveryTime", message.nextDeliveryTime());
            }
            List<Attempt> attempts = run.failedAttempts(step.messageId());
            if (!attempts.isEmpty()) {
                ArrayNode errors = pending.putArray("errors");
                for (Attempt attempt : attempts) {
                    ObjectNode error = errors.addObject().put("error", attempt.error()).put("time", attempt.time());
                    if (attempt.status() != null) {
                        error.put("status", attempt.status());
                    }
                }
            }
        }
        if (!next.isEmpty()) {
            groups.addObject().put("type", "next").set("steps", next);
        }
        return groups;
    }

    private static ArrayNode group(ArrayNode groups, String type) {
        ObjectNode group = groups.addObject().put("type", type);
        return group.putArray("steps");
    }

    private static ObjectNode stepLog(Step step, JsonNode body) {
        ObjectNode log = NODES.objectNode();
        log.put("stepId", body.path("stepId").asInt()).put("stepName", body.path("stepName").asText())
                .put("stepType", body.path("stepType").asText()).put("callType", step.callType()).put("messageId", step.messageId());
        if (body.has("out")) {
            log.set("out", body.get("out"));
        }
        log.put("concurrent", body.path("concurrent").asInt(1)).put("state", "STEP_SUCCESS").put("createdAt", step.createdAt());
        for (String extra : List.of("sleepFor", "sleepUntil", "waitEventId", "waitTimeout", "targetStep")) {
            if (body.has(extra)) {
                log.set(extra, body.get(extra));
            }
        }
        if (body.has("timeout")) {
            log.set("waitTimeoutDuration", body.get("timeout"));
        }
        return log;
    }

    /** What a step carries, decoded, for a person to read: the steps of a run as lines of text. */
    public static List<String> lines(WorkflowRun run, Function<String, Message> waiting) {
        List<String> lines = new ArrayList<>();
        for (JsonNode group : groups(run, waiting)) {
            for (JsonNode step : group.path("steps")) {
                if (group.path("type").asText().equals("next")) {
                    lines.add(String.format("%-10s %-13s %s%s", "next", step.path("state").asText(), step.path("messageId").asText(),
                            step.has("errors") ? " " + step.path("errors").get(step.path("errors").size() - 1).path("error").asText() : ""));
                } else {
                    lines.add(String.format("%-10s %-13s %-4s %-12s %-20s %s", group.path("type").asText(), step.path("state").asText(),
                            step.path("stepId").asText(), step.path("stepType").asText(), step.path("stepName").asText(),
                            abbreviated(step.path("out").asText(""))));
                }
            }
        }
        return lines;
    }

    private static String abbreviated(String text) {
        String line = text.replace('\n', ' ');
        return line.length() > 60 ? line.substring(0, 57) + "..." : line;
    }

    private static JsonNode parsed(String base64) {
        try {
            return Workflows.JSON.readTree(Base64.getDecoder().decode(base64));
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static String decoded(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return base64;
        }
    }
}
