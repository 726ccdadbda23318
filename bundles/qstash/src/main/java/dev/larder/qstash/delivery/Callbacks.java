package dev.larder.qstash.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larder.qstash.store.Headers;
import dev.larder.qstash.store.Message;
import dev.larder.qstash.store.Publication;
import dev.larder.qstash.store.Publication.Target;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages QStash sends about a message: to its callback after every attempt, to its failure callback once
 * it is dead. Each is a message of its own (stored, signed, retried with the callback's settings or else the
 * source's), whose JSON body carries the attempt's answer and the source message, bodies in standard base64.
 */
final class Callbacks {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Callbacks() {
    }

    static Message about(Message source, Target target, Integer status, Map<String, List<String>> responseHeader, byte[] responseBody,
            String dlqId) {
        Publication from = source.publication();
        ObjectNode body = JSON.createObjectNode();
        body.put("status", status == null ? 0 : status);
        Headers.put(body, "header", responseHeader);
        body.put("body", Base64.getEncoder().encodeToString(responseBody == null ? new byte[0] : responseBody));
        body.put("retried", source.retried());
        body.put("maxRetries", from.maxRetries());
        body.put("sourceMessageId", source.messageId());
        if (from.topicName() != null) {
            body.put("topicName", from.topicName());
        }
        if (from.endpointName() != null) {
            body.put("endpointName", from.endpointName());
        }
        body.put("url", from.url());
        body.put("method", from.method());
        Headers.put(body, "sourceHeader", from.header());
        body.put("sourceBody", Base64.getEncoder().encodeToString(from.body() == null ? new byte[0] : from.body()));
        body.put("notBefore", source.notBefore());
        body.put("createdAt", source.createdAt());
        if (from.scheduleId() != null) {
            body.put("scheduleId", from.scheduleId());
        }
        if (from.callerIp() != null) {
            body.put("callerIP", from.callerIp());
        }
        if (dlqId != null) {
            body.put("dlqId", dlqId);
        }
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, List<String>> header = new LinkedHashMap<>();
        if (target.header() != null) {
            header.putAll(target.header());
        }
        header.put("Content-Type", List.of("application/json"));
        long now = System.currentTimeMillis();
        Publication callback = new Publication(target.url(), target.method() == null ? "POST" : target.method(), header, bytes,
                target.retries() == null ? from.maxRetries() : target.retries(),
                target.retryDelayExpression() == null ? from.retryDelayExpression() : target.retryDelayExpression(),
                target.timeoutMillis() == null ? from.timeoutMillis() : target.timeoutMillis(), null, null, null, from.callerIp(), null, null,
                null, null, null, null);
        return Message.of(source.database(), callback, now + (target.delayMillis() == null ? 0 : target.delayMillis()), now);
    }
}
