package dev.larder.qstash.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A run's step waiting for an event ({@code context.waitForEvent}) until a notify or its deadline (Unix ms).
 *
 * @param step the SDK's step as it sent it (JSON), given its {@code out} when the event comes
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Waiter(String id, int database, String eventId, String workflowRunId, String url, long deadline, String timeout,
        Map<String, List<String>> headers, String timeoutUrl, Map<String, List<String>> timeoutHeaders, String step, long createdAt) {
}
