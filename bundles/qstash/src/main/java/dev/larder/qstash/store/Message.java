package dev.larder.qstash.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A message waiting for delivery, as stored: where it goes and how, what it carries, how often it was tried and
 * when the next attempt is due.
 *
 * @param header           the headers delivered with it (forwarded ones and Content-Type), canonical names
 * @param retried          attempts that failed so far; the next attempt sends it as {@code Upstash-Retried}
 * @param notBefore        Unix ms before which it is not delivered
 * @param nextDeliveryTime Unix ms of the next attempt
 * @param queueName        the queue it waits in (null: none), whose messages go one after the other
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Message(String messageId, int database, String url, String method, Map<String, List<String>> header, byte[] body,
        int maxRetries, int retried, String retryDelayExpression, long notBefore, long createdAt, long timeoutMillis,
        String callback, String failureCallback, List<String> labels, String callerIp, long nextDeliveryTime, String queueName) {

    public Message retriedAt(long nextAttempt) {
        return new Message(messageId, database, url, method, header, body, maxRetries, retried + 1, retryDelayExpression, notBefore,
                createdAt, timeoutMillis, callback, failureCallback, labels, callerIp, nextAttempt, queueName);
    }
}
