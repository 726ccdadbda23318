package dev.larder.qstash.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larder.qstash.store.Headers;
import dev.larder.qstash.store.Message;
import dev.larder.qstash.store.MessageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The messages QStash sends about a message: to its callback after every attempt, to its failure callback once
 * it is dead. Each is a message of its own (stored, signed, retried with the source's retries), whose JSON body
 * carries the attempt's answer and the source message, bodies in standard base64.
 */
final class Callbacks {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Callbacks() {
    }

    static Message about(Message source, String url, Integer status, Map<String, List<String>> responseHeader, byte[] responseBody,
            String dlqId) {
        ObjectNode body = JSON.createObjectNode();
        body.put("status", status == null ? 0 : status);
        Headers.put(body, "header", responseHeader);
        body.put("body", Base64.getEncoder().encodeToString(responseBody == null ? new byte[0] : responseBody));
        body.put("retried", source.retried());
        body.put("maxRetries", source.maxRetries());
        body.put("sourceMessageId", source.messageId());
        body.put("url", source.url());
        body.put("method", source.method());
        Headers.put(body, "sourceHeader", source.header());
        body.put("sourceBody", Base64.getEncoder().encodeToString(source.body() == null ? new byte[0] : source.body()));
        body.put("notBefore", source.notBefore());
        body.put("createdAt", source.createdAt());
        if (source.callerIp() != null) {
            body.put("callerIP", source.callerIp());
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
        long now = System.currentTimeMillis();
        return new Message(MessageStore.newId("msg_"), source.database(), url, "POST", Map.of("Content-Type", List.of("application/json")), bytes,
                source.maxRetries(), 0, source.retryDelayExpression(), now, now, source.timeoutMillis(), null, null, null, source.callerIp(), now,
                null);
    }
}
