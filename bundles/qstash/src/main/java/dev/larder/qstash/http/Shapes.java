package dev.larder.qstash.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larder.qstash.delivery.FlowControls;
import dev.larder.qstash.store.DeadLetter;
import dev.larder.qstash.store.Event;
import dev.larder.qstash.store.Headers;
import dev.larder.qstash.store.Message;
import dev.larder.qstash.store.Publication;
import dev.larder.qstash.store.Schedule;
import dev.larder.qstash.store.UrlGroup;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** QStash's JSON answers: fields absent where Upstash omits them, redacted fields shown as their hash. */
final class Shapes {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Shapes() {
    }

    static ObjectNode message(Message message) {
        ObjectNode json = NODES.objectNode();
        json.put("messageId", message.messageId());
        Publication publication = message.publication();
        json.put("url", publication.url());
        putNonNull(json, "topicName", publication.topicName());
        putNonNull(json, "endpointName", publication.endpointName());
        json.put("method", publication.method());
        Headers.put(json, "header", redactedHeaders(publication));
        putBody(json, "body", publication.body(), redacted(publication, "body"));
        json.put("maxRetries", publication.maxRetries());
        putNonNull(json, "retryDelayExpression", publication.retryDelayExpression());
        json.put("notBefore", message.notBefore());
        json.put("createdAt", message.createdAt());
        putTargets(json, publication);
        putNonNull(json, "queueName", publication.queueName());
        putNonNull(json, "scheduleId", publication.scheduleId());
        putNonNull(json, "callerIp", publication.callerIp());
        putFlowControl(json, publication.flowControl());
        putLabels(json, publication.labels());
        return json;
    }

    static ObjectNode deadLetter(DeadLetter letter) {
        ObjectNode json = message(letter.message());
        json.put("dlqId", letter.dlqId());
        if (letter.responseStatus() != null) {
            json.put("responseStatus", letter.responseStatus());
        }
        if (letter.responseHeader() != null) {
            Headers.put(json, "responseHeader", letter.responseHeader());
        }
        putBody(json, "responseBody", letter.responseBody(), false);
        String runId = dev.larder.qstash.workflow.Workflows.runIdOf(letter.message());
        if (runId != null) {
            json.put("workflowRunId", runId);
            json.put("workflowUrl", dev.larder.qstash.workflow.Workflows.workflowUrlOf(letter.message()));
            Long createdAt = dev.larder.qstash.workflow.Workflows.runCreatedAtOf(letter.message());
            if (createdAt != null) {
                json.put("workflowCreatedAt", createdAt);
            }
        }
        return json;
    }

    static ObjectNode schedule(Schedule schedule) {
        Publication publication = schedule.publication();
        ObjectNode json = NODES.objectNode();
        json.put("scheduleId", schedule.scheduleId());
        json.put("cron", schedule.cron());
        json.put("createdAt", schedule.createdAt());
        json.put("destination", publication.url());
        json.put("method", publication.method());
        Headers.put(json, "header", redactedHeaders(publication));
        putBody(json, "body", publication.body(), redacted(publication, "body"));
        json.put("retries", publication.maxRetries());
        if (schedule.delayMillis() > 0) {
            json.put("delay", schedule.delayMillis() / 1000);
        }
        putTargets(json, publication);
        if (publication.callerIp() != null) {
            json.put("callerIp", publication.callerIp());
            json.put("callerIP", publication.callerIp());
        }
        json.put("isPaused", schedule.paused());
        putNonNull(json, "queueName", publication.queueName());
        putFlowControl(json, publication.flowControl());
        putNonNull(json, "retryDelayExpression", publication.retryDelayExpression());
        putLabels(json, publication.labels());
        if (schedule.lastScheduleTime() != null) {
            json.put("lastScheduleTime", schedule.lastScheduleTime());
        }
        if (!schedule.paused()) {
            json.put("nextScheduleTime", schedule.nextScheduleTime());
        }
        if (schedule.lastScheduleStates() != null && !schedule.lastScheduleStates().isEmpty()) {
            ObjectNode states = json.putObject("lastScheduleStates");
            schedule.lastScheduleStates().forEach(states::put);
        }
        return json;
    }

    static ObjectNode group(UrlGroup group) {
        ObjectNode json = NODES.objectNode();
        json.put("name", group.name());
        json.put("createdAt", group.createdAt());
        json.put("updatedAt", group.updatedAt());
        ArrayNode endpoints = json.putArray("endpoints");
        for (UrlGroup.Endpoint endpoint : group.endpoints()) {
            ObjectNode one = endpoints.addObject();
            putNonNull(one, "name", endpoint.name());
            one.put("url", endpoint.url());
        }
        return json;
    }

    static ObjectNode event(Event event) {
        ObjectNode json = NODES.objectNode();
        json.put("time", event.time());
        json.put("state", event.state());
        json.put("messageId", event.messageId());
        json.put("url", event.url());
        putNonNull(json, "topicName", event.topicName());
        putNonNull(json, "endpointName", event.endpointName());
        putNonNull(json, "queueName", event.queueName());
        putNonNull(json, "scheduleId", event.scheduleId());
        if (event.nextDeliveryTime() != null) {
            json.put("nextDeliveryTime", event.nextDeliveryTime());
        }
        putNonNull(json, "error", event.error());
        if (event.responseStatus() != null) {
            json.put("responseStatus", event.responseStatus());
        }
        putNonNull(json, "flowControlKey", event.flowControlKey());
        putLabels(json, event.labels());
        return json;
    }

    static ObjectNode flowControl(FlowControls.Info info) {
        ObjectNode json = NODES.objectNode();
        json.put("flowControlKey", info.key());
        json.put("waitListSize", info.waitListSize());
        json.put("parallelismMax", info.parallelismMax());
        json.put("parallelismCount", info.parallelismCount());
        json.put("rateMax", info.rateMax());
        json.put("rateCount", info.rateCount());
        json.put("ratePeriod", info.ratePeriod());
        json.put("ratePeriodStart", info.ratePeriodStart());
        json.put("isPaused", info.paused());
        json.put("isPinnedParallelism", info.pinnedParallelism());
        json.put("isPinnedRate", info.pinnedRate());
        return json;
    }

    private static void putNonNull(ObjectNode json, String field, String value) {
        if (value != null) {
            json.put(field, value);
        }
    }

    private static void putTargets(ObjectNode json, Publication publication) {
        if (publication.callback() != null) {
            json.put("callback", publication.callback().url());
        }
        if (publication.failureCallback() != null) {
            json.put("failureCallback", publication.failureCallback().url());
        }
    }

    private static void putFlowControl(ObjectNode json, Publication.FlowControl flow) {
        if (flow == null) {
            return;
        }
        json.put("flowControlKey", flow.key());
        if (flow.parallelism() != null) {
            json.put("parallelism", flow.parallelism());
        }
        if (flow.rate() != null) {
            json.put("rate", flow.rate());
            json.put("period", flow.periodSeconds() == null ? 1 : flow.periodSeconds());
        }
    }

    private static void putLabels(ObjectNode json, List<String> labels) {
        if (labels != null && !labels.isEmpty()) {
            json.put("label", labels.get(0));
            ArrayNode all = json.putArray("labels");
            labels.forEach(all::add);
        }
    }

    private static boolean redacted(Publication publication, String field) {
        return publication.redact() != null && publication.redact().contains(field);
    }

    /** The headers, each value of a redacted one (all, with {@code header}) as its hash. */
    private static Map<String, List<String>> redactedHeaders(Publication publication) {
        if (publication.redact() == null || publication.header() == null) {
            return publication.header();
        }
        boolean all = publication.redact().contains("header");
        Map<String, List<String>> shown = new LinkedHashMap<>();
        publication.header().forEach((name, values) -> shown.put(name, all || publication.redact().stream()
                .anyMatch(field -> field.equalsIgnoreCase("header[" + name + "]"))
                ? values.stream().map(value -> hash(value.getBytes(StandardCharsets.UTF_8))).toList() : values));
        return shown;
    }

    private static String hash(byte[] value) {
        try {
            return "REDACTED:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(value));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A body as UTF-8 text under {@code name}, or base64 under {@code nameBase64} when it is not UTF-8; a redacted one as its hash. */
    private static void putBody(ObjectNode json, String name, byte[] body, boolean redact) {
        if (body == null || body.length == 0) {
            return;
        }
        if (redact) {
            json.put(name, hash(body));
            return;
        }
        try {
            json.put(name, StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString());
        } catch (CharacterCodingException binary) {
            json.put(name + "Base64", java.util.Base64.getEncoder().encodeToString(body));
        }
    }
}
