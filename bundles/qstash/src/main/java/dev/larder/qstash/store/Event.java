package dev.larder.qstash.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One state change of a message, as {@code GET /v2/events} lists it, with what the log is filtered by. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Event(long time, String state, String messageId, int database, String url, Long nextDeliveryTime, String error,
        Integer responseStatus, String topicName, String endpointName, String queueName, String scheduleId, List<String> labels,
        String flowControlKey, String callerIp) {

    /** The message entering {@code state} now. */
    public static Event of(Message message, String state) {
        return of(message, state, null, null, null);
    }

    public static Event of(Message message, String state, Long nextDeliveryTime, String error, Integer responseStatus) {
        Publication publication = message.publication();
        return new Event(System.currentTimeMillis(), state, message.messageId(), message.database(), publication.url(), nextDeliveryTime,
                error, responseStatus, publication.topicName(), publication.endpointName(), publication.queueName(),
                publication.scheduleId(), publication.labels(),
                publication.flowControl() == null ? null : publication.flowControl().key(), publication.callerIp());
    }
}
