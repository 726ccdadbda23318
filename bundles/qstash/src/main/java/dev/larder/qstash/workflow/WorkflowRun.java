package dev.larder.qstash.workflow;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.larder.qstash.store.Publication;
import dev.larder.qstash.store.Publication.Target;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A workflow run as stored: the messages of its steps in the order they came (a run is its append-only history,
 * as Temporal keeps one), the trigger's settings that every later step is sent with (the SDK's
 * {@code WF_TriggerOnConfig}: it sends them only once), and how it ended. Changed only under its run's lock.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class WorkflowRun {

    public static final String STARTED = "RUN_STARTED";
    public static final String SUCCESS = "RUN_SUCCESS";
    public static final String FAILED = "RUN_FAILED";
    public static final String CANCELED = "RUN_CANCELED";

    /**
     * One message of the run, as the SDK reads it back: its id, what kind ({@code step}, {@code toCallback} for a
     * {@code context.call}'s request, then with the URL and method called), what was published, in standard base64,
     * and when its message is due when that is later than its creation (a sleep's).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Step(String messageId, String callType, String body, long createdAt, String callUrl, String callMethod, Long dueAt) {
    }

    /** A failed attempt at delivering one of the run's messages. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Attempt(Integer status, String error, long time) {
    }

    /** The run that invoked this one ({@code context.invoke}), told its result when this one ends. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Invoker(String workflowRunId, String workflowUrl, long workflowRunCreatedAt, String step) {
    }

    /** The failure function's (or failure URL's) call, once the run failed. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FailureFunction(String messageId, String url, String state, Integer failStatus, String failResponse,
            Map<String, List<String>> failHeaders, String dlqId) {

        FailureFunction inState(String newState) {
            return new FailureFunction(messageId, url, newState, failStatus, failResponse, failHeaders, dlqId);
        }
    }

    String workflowRunId;
    int database;
    String workflowUrl;
    String state;
    long createdAt;
    Long completedAt;
    String response;
    List<String> features;
    List<String> labels;
    Publication template;
    Target failure;
    Invoker invoker;
    List<Step> steps = new ArrayList<>();
    Map<String, List<Attempt>> failedAttempts = new LinkedHashMap<>();
    /** Notifies that came for this run before it waited for them: event id to the data, base64. */
    Map<String, String> earlyEvents = new LinkedHashMap<>();
    FailureFunction failureFunction;
    String dlqId;
    /** The step message whose retries ran out, when the run failed. */
    String failedMessageId;

    WorkflowRun() {
    }

    WorkflowRun(String workflowRunId, int database, String workflowUrl, long createdAt, List<String> features, Publication template,
            Target failure, Invoker invoker) {
        this.workflowRunId = workflowRunId;
        this.database = database;
        this.workflowUrl = workflowUrl;
        this.state = STARTED;
        this.createdAt = createdAt;
        this.features = features;
        this.labels = template.labels();
        this.template = template;
        this.failure = failure;
        this.invoker = invoker;
    }

    static String key(int database, String workflowRunId) {
        return database + "/" + workflowRunId;
    }

    String key() {
        return key(database, workflowRunId);
    }

    boolean active() {
        return STARTED.equals(state);
    }

    void end(String endState, String endResponse, long now) {
        state = endState;
        response = endResponse;
        completedAt = now;
    }

    public String workflowRunId() {
        return workflowRunId;
    }

    public int database() {
        return database;
    }

    public String workflowUrl() {
        return workflowUrl;
    }

    public String state() {
        return state;
    }

    public long createdAt() {
        return createdAt;
    }

    public Long completedAt() {
        return completedAt;
    }

    public String response() {
        return response;
    }

    public List<String> labels() {
        return labels == null ? List.of() : labels;
    }

    public Invoker invoker() {
        return invoker;
    }

    public List<Step> steps() {
        return steps;
    }

    public List<Attempt> failedAttempts(String messageId) {
        return failedAttempts.getOrDefault(messageId, List.of());
    }

    public FailureFunction failureFunction() {
        return failureFunction;
    }

    public String dlqId() {
        return dlqId;
    }

    public String failedMessageId() {
        return failedMessageId;
    }

    public String flowControlKey() {
        return template.flowControl() == null ? null : template.flowControl().key();
    }

    public String callerIp() {
        return template.callerIp();
    }
}
