package dev.larder.qstash.store;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A message waiting for delivery, as stored: what was published, how often it was tried and when the next
 * attempt is due.
 *
 * @param retried          attempts that failed so far; the next attempt sends it as {@code Upstash-Retried}
 * @param notBefore        Unix ms before which it is not delivered
 * @param nextDeliveryTime Unix ms of the next attempt
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Message(String messageId, int database, Publication publication, long notBefore, long createdAt, int retried,
        long nextDeliveryTime) {

    public String url() {
        return publication.url();
    }

    public String queueName() {
        return publication.queueName();
    }

    public Message retriedAt(long nextAttempt) {
        return new Message(messageId, database, publication, notBefore, createdAt, retried + 1, nextAttempt);
    }

    /** A new message (its first attempt at {@code notBefore}). */
    public static Message of(int database, Publication publication, long notBefore, long now) {
        return new Message(MessageStore.newId("msg_"), database, publication, notBefore, now, 0, Math.max(notBefore, now));
    }
}
