package dev.larder.qstash.store;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A message waiting for delivery, as stored: what was published, how often it was tried and when the next
 * attempt is due.
 *
 * @param retried          attempts that failed so far; the next attempt sends it as {@code Upstash-Retried}
 * @param notBefore        Unix ms before which it is not delivered
 * @param nextDeliveryTime Unix ms of the next attempt
 * @param sequence         the order it was made in on its node (after {@code createdAt}: a batch's messages share a
 *                         millisecond, and a queue delivers them in their order); 0 in messages stored before it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Message(String messageId, int database, Publication publication, long notBefore, long createdAt, int retried,
        long nextDeliveryTime, long sequence) {

    private static final java.util.concurrent.atomic.AtomicLong SEQUENCE = new java.util.concurrent.atomic.AtomicLong();

    /** The order messages were made in: a queue's delivery order. */
    public static final java.util.Comparator<Message> CREATION_ORDER = java.util.Comparator.comparingLong(Message::createdAt)
            .thenComparingLong(Message::sequence).thenComparing(Message::messageId);

    public String url() {
        return publication.url();
    }

    public String queueName() {
        return publication.queueName();
    }

    public Message retriedAt(long nextAttempt) {
        return new Message(messageId, database, publication, notBefore, createdAt, retried + 1, nextAttempt, sequence);
    }

    /** A new message (its first attempt at {@code notBefore}). */
    public static Message of(int database, Publication publication, long notBefore, long now) {
        return of(newId(), database, publication, notBefore, now);
    }

    /** A new message under an id made by {@link #newId} (for a body that names its own message). */
    public static Message of(String messageId, int database, Publication publication, long notBefore, long now) {
        return new Message(messageId, database, publication, notBefore, now, 0, Math.max(notBefore, now), SEQUENCE.incrementAndGet());
    }

    public static String newId() {
        return MessageStore.newId("msg_");
    }
}
