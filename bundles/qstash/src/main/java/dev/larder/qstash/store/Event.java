package dev.larder.qstash.store;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One state change of a message, as {@code GET /v2/events} lists it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Event(long time, String state, String messageId, int database, String url, Long nextDeliveryTime, String error,
        Integer responseStatus) {
}
