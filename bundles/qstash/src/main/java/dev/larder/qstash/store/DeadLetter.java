package dev.larder.qstash.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** A message whose retries ran out (or that its destination refused for good), with the last answer it got. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetter(String dlqId, Message message, Integer responseStatus, Map<String, List<String>> responseHeader,
        byte[] responseBody, String error, long failedAt) {
}
