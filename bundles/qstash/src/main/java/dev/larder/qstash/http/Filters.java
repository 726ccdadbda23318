package dev.larder.qstash.http;

import dev.larder.qstash.store.DeadLetter;
import dev.larder.qstash.store.Event;
import dev.larder.qstash.store.Message;
import dev.larder.qstash.store.Publication;
import dev.larder.qstash.workflow.Workflows;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The filters of message cancels, the dead-letter queue and the log, from the query: each named parameter
 * narrows (AND), repeated or comma-separated values widen (OR); an unknown parameter is refused.
 */
final class Filters {

    private static final Set<String> COMMON = Set.of("url", "topicName", "urlGroup", "scheduleId", "queueName", "callerIp", "callerIP", "label",
            "flowControlKey", "fromDate", "toDate");
    private static final Set<String> PAGING = Set.of("count", "cursor", "order", "qstash_token", "all");
    private static final Set<String> IN_PROGRESS = Set.of("ACTIVE", "RETRY", "ERROR");

    private final Map<String, List<String>> parameters;

    private Filters(Map<String, List<String>> parameters) {
        this.parameters = parameters;
    }

    /** The query's parameters, each with its values (repeated keys and comma-separated values). */
    static Filters of(String query) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        if (query != null && !query.isEmpty()) {
            for (String parameter : query.split("&")) {
                int equals = parameter.indexOf('=');
                String name = URLDecoder.decode(equals < 0 ? parameter : parameter.substring(0, equals), StandardCharsets.UTF_8);
                String value = equals < 0 ? "" : URLDecoder.decode(parameter.substring(equals + 1), StandardCharsets.UTF_8);
                List<String> values = parameters.computeIfAbsent(name, key -> new ArrayList<>());
                for (String one : value.split(",")) {
                    if (!one.isBlank()) {
                        values.add(one.trim());
                    }
                }
            }
        }
        return new Filters(parameters);
    }

    /** The same query with one more parameter (replacing any of that name). */
    Filters with(String name, String value) {
        Map<String, List<String>> more = new LinkedHashMap<>(parameters);
        more.put(name, List.of(value));
        return new Filters(more);
    }

    java.util.Set<String> names() {
        return parameters.keySet();
    }

    List<String> values(String name) {
        return parameters.getOrDefault(name, List.of());
    }

    String first(String name) {
        List<String> values = values(name);
        return values.isEmpty() ? null : values.get(0);
    }

    boolean has(String name) {
        return parameters.containsKey(name);
    }

    /** {@code count}, bounded, or the default. */
    int count(int fallback, int max) throws ApiException {
        String count = first("count");
        if (count == null) {
            return fallback;
        }
        try {
            return Math.max(1, Math.min(max, Integer.parseInt(count)));
        } catch (NumberFormatException e) {
            throw new ApiException(400, "count must be a number, got " + count);
        }
    }

    /** Refuses a parameter that is not one of the common filters, paging or {@code extra}. */
    void only(Set<String> extra) throws ApiException {
        for (String name : parameters.keySet()) {
            if (!COMMON.contains(name) && !PAGING.contains(name) && !extra.contains(name)) {
                throw new ApiException(400, "unknown query parameter " + name);
            }
        }
    }

    /** A date parameter (Unix ms), or the fallback when absent. */
    long date(String name, long fallback) throws ApiException {
        String value = first(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ApiException(400, name + " must be Unix milliseconds, got " + value);
        }
    }

    private boolean any(String name, String value) {
        List<String> wanted = values(name);
        return wanted.isEmpty() || value != null && wanted.contains(value);
    }

    private boolean common(Publication publication, String url, long time, long from, long to) {
        return any("url", url) && any("topicName", publication.topicName()) && any("urlGroup", publication.topicName())
                && any("scheduleId", publication.scheduleId()) && any("queueName", publication.queueName())
                && any("callerIp", publication.callerIp()) && any("callerIP", publication.callerIp())
                && (values("label").isEmpty() || publication.labels() != null && publication.labels().stream().anyMatch(values("label")::contains))
                && any("flowControlKey", publication.flowControl() == null ? null : publication.flowControl().key())
                && time >= from && time <= to;
    }

    Predicate<Message> messages() throws ApiException {
        only(Set.of("messageIds", "host", "path"));
        long from = date("fromDate", Long.MIN_VALUE);
        long to = date("toDate", Long.MAX_VALUE);
        return message -> {
            URI uri = uri(message.url());
            return any("messageIds", message.messageId()) && common(message.publication(), message.url(), message.createdAt(), from, to)
                    && any("host", uri == null ? null : uri.getHost()) && any("path", uri == null ? null : uri.getPath());
        };
    }

    Predicate<DeadLetter> deadLetters() throws ApiException {
        only(Set.of("dlqIds", "messageId", "responseStatus", "source", "workflowRunId", "workflowUrl", "workflowCreatedAt"));
        long from = date("fromDate", Long.MIN_VALUE);
        long to = date("toDate", Long.MAX_VALUE);
        // source=workflow (as @upstash/workflow lists its DLQ): the messages of workflow runs
        boolean workflowOnly = values("source").contains("workflow");
        return letter -> any("dlqIds", letter.dlqId()) && any("messageId", letter.message().messageId())
                && (!workflowOnly || Workflows.runIdOf(letter.message()) != null)
                && any("workflowRunId", Workflows.runIdOf(letter.message())) && any("workflowUrl", Workflows.workflowUrlOf(letter.message()))
                && any("workflowCreatedAt", String.valueOf(Workflows.runCreatedAtOf(letter.message())))
                && any("responseStatus", letter.responseStatus() == null ? null : letter.responseStatus().toString())
                && common(letter.message().publication(), letter.message().url(), letter.failedAt(), from, to);
    }

    Predicate<Event> events() throws ApiException {
        only(Set.of("messageId", "messageIds", "state", "host", "path"));
        long from = date("fromDate", Long.MIN_VALUE);
        long to = date("toDate", Long.MAX_VALUE);
        List<String> states = values("state").stream().map(state -> state.toUpperCase(Locale.ROOT).equals("CANCELED") ? "CANCELLED"
                : state.toUpperCase(Locale.ROOT)).toList();
        return event -> {
            URI uri = uri(event.url());
            return (states.isEmpty() || states.contains(event.state()) || states.contains("IN_PROGRESS") && IN_PROGRESS.contains(event.state()))
                    && any("messageId", event.messageId()) && any("messageIds", event.messageId())
                    && any("url", event.url()) && any("topicName", event.topicName()) && any("urlGroup", event.topicName())
                    && any("scheduleId", event.scheduleId()) && any("queueName", event.queueName())
                    && any("callerIp", event.callerIp()) && any("callerIP", event.callerIp())
                    && (values("label").isEmpty() || event.labels() != null && event.labels().stream().anyMatch(values("label")::contains))
                    && any("flowControlKey", event.flowControlKey()) && event.time() >= from && event.time() <= to
                    && any("host", uri == null ? null : uri.getHost()) && any("path", uri == null ? null : uri.getPath());
        };
    }

    private static URI uri(String url) {
        try {
            return URI.create(url);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
