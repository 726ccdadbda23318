package dev.larder.qstash.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What a publisher asked for, shared by the messages it makes: where a message goes and how, what it carries,
 * its retries, callbacks and labels, and where it came from (a queue, a URL group, a schedule).
 *
 * @param header        the headers delivered with it (forwarded ones and Content-Type), canonical names
 * @param timeoutMillis how long an attempt may wait for the destination's answer
 * @param redact        what the API shows only as a hash: {@code body}, {@code header} or {@code header[Name]}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Publication(String url, String method, Map<String, List<String>> header, byte[] body, int maxRetries,
        String retryDelayExpression, long timeoutMillis, Target callback, Target failureCallback, List<String> labels, String callerIp,
        String queueName, String topicName, String endpointName, String scheduleId, FlowControl flowControl, List<String> redact) {

    /** The same publication sent to one endpoint of a URL group. */
    public Publication toEndpoint(String endpointUrl, String group, String endpoint) {
        return new Publication(endpointUrl, method, header, body, maxRetries, retryDelayExpression, timeoutMillis, callback, failureCallback,
                labels, callerIp, queueName, group, endpoint, scheduleId, flowControl, redact);
    }

    /** The same publication made by a schedule. */
    public Publication fromSchedule(String id) {
        return new Publication(url, method, header, body, maxRetries, retryDelayExpression, timeoutMillis, callback, failureCallback, labels,
                callerIp, queueName, topicName, endpointName, id, flowControl, redact);
    }

    public Publication withCallback(Target newCallback) {
        return new Publication(url, method, header, body, maxRetries, retryDelayExpression, timeoutMillis, newCallback, failureCallback, labels,
                callerIp, queueName, topicName, endpointName, scheduleId, flowControl, redact);
    }

    /** What every message of a workflow run is sent with: these settings, none of the body or callbacks. */
    public Publication asTemplate() {
        return new Publication(url, method, header, null, maxRetries, retryDelayExpression, timeoutMillis, null, null, labels, callerIp, null,
                null, null, null, flowControl, redact);
    }

    /** The template's settings with a body, to {@code to}. */
    public Publication carrying(String to, Map<String, List<String>> withHeader, byte[] withBody) {
        return new Publication(to, "POST", withHeader, withBody, maxRetries, retryDelayExpression, timeoutMillis, null, null, labels, callerIp,
                null, null, null, null, flowControl, redact);
    }

    /** The same publication with other retries or flow control (null: as it was), as a workflow DLQ resume or restart asks. */
    public Publication withDelivery(Integer retries, FlowControl flow) {
        return new Publication(url, method, header, body, retries == null ? maxRetries : retries, retryDelayExpression, timeoutMillis, callback,
                failureCallback, labels, callerIp, queueName, topicName, endpointName, scheduleId, flow == null ? flowControl : flow, redact);
    }

    public Publication inQueue(String queue) {
        return new Publication(url, method, header, body, maxRetries, retryDelayExpression, timeoutMillis, callback, failureCallback, labels,
                callerIp, queue, topicName, endpointName, scheduleId, flowControl, redact);
    }

    /**
     * A callback's URL and the settings it has of its own ({@code Upstash-Callback-Retries} and the rest); what
     * it leaves out comes from the message it reports on.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Target(String url, String method, Integer retries, Long timeoutMillis, String retryDelayExpression, Long delayMillis,
            Map<String, List<String>> header) {
    }

    /** A flow-control key's limits as a message asked for them; null parts were not given. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FlowControl(String key, Integer parallelism, Integer rate, Integer periodSeconds) {
    }
}
