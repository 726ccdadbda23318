package dev.larder.qstash.http;

import dev.larder.qstash.delivery.Durations;
import dev.larder.qstash.delivery.RetryDelay;
import dev.larder.qstash.service.QStashSettings;
import dev.larder.qstash.store.Publication;
import dev.larder.qstash.store.Publication.FlowControl;
import dev.larder.qstash.store.Publication.Target;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Reads what a publisher asks for from its {@code Upstash-*} headers (from a request, a batch entry or
 * {@code upstash-*} query parameters; names in lower case): method, retries and their delay, timeout, delay or
 * not-before, labels, deduplication, forwarded headers, callbacks with their own settings, redacted fields and
 * flow control. Each malformed value is refused with the header's name.
 */
final class PublishRequests {

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "connection", "authorization", "transfer-encoding",
            "accept-encoding", "keep-alive", "upgrade", "te", "trailer", "expect");

    /**
     * A publication, when its first attempt is due and the deduplication id it was given or has by content (null:
     * none); for a message of a workflow run, its {@code upstash-workflow-*} and {@code upstash-feature-set} headers
     * (lower-case names; null: not a workflow's).
     */
    record Parsed(Publication publication, long notBefore, String deduplicationId, Map<String, String> workflow) {
    }

    private final QStashSettings settings;
    private final Consumer<String> urlCheck;

    /** @param urlCheck refuses (IllegalArgumentException) a URL the server must not call */
    PublishRequests(QStashSettings settings, Consumer<String> urlCheck) {
        this.settings = settings;
        this.urlCheck = urlCheck;
    }

    /**
     * @param headers     every header of the request, lower-case names (Upstash's and the publisher's own)
     * @param destination a URL (checked) or a URL group's name
     */
    Parsed parse(Map<String, List<String>> headers, String destination, byte[] body, String callerIp, String queueName, long now)
            throws ApiException {
        Map<String, String> upstash = new LinkedHashMap<>();
        Map<String, List<String>> forwarded = new LinkedHashMap<>();
        boolean forwardAll = "true".equalsIgnoreCase(first(headers, "upstash-header-forward"));
        headers.forEach((name, values) -> {
            if (name.startsWith("upstash-forward-")) {
                forwarded.computeIfAbsent(canonical(name.substring("upstash-forward-".length())), key -> new ArrayList<>()).addAll(values);
            } else if (name.startsWith("upstash-")) {
                upstash.put(name, String.join(",", values));
            } else if (name.equals("content-type")) {
                forwarded.computeIfAbsent("Content-Type", key -> new ArrayList<>()).addAll(values);
            } else if (forwardAll && !NOT_FORWARDED.contains(name)) {
                forwarded.computeIfAbsent(canonical(name), key -> new ArrayList<>()).addAll(values);
            }
        });
        if (isUrl(destination)) {
            checked(destination);
        }
        String method = upstash.getOrDefault("upstash-method", "POST").trim().toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw new ApiException(400, "invalid Upstash-Method " + method + ": use GET, POST, PUT, PATCH or DELETE");
        }
        Integer retries = retries(upstash.get("upstash-retries"), "Upstash-Retries");
        String retryDelay = retryDelay(upstash.get("upstash-retry-delay"), "Upstash-Retry-Delay");
        long notBefore = now;
        if (upstash.containsKey("upstash-not-before")) {
            try {
                notBefore = Long.parseLong(upstash.get("upstash-not-before").trim()) * 1000;
            } catch (NumberFormatException e) {
                throw new ApiException(400, "invalid Upstash-Not-Before: Unix seconds expected, got " + upstash.get("upstash-not-before"));
            }
        } else if (upstash.containsKey("upstash-delay")) {
            notBefore = now + duration(upstash.get("upstash-delay"), "Upstash-Delay");
        }
        Long timeout = timeout(upstash.get("upstash-timeout"), "Upstash-Timeout");
        List<String> labels = upstash.containsKey("upstash-label")
                ? Arrays.stream(upstash.get("upstash-label").split(",")).map(String::trim).filter(label -> !label.isEmpty()).toList()
                : List.of();
        List<String> redact = upstash.containsKey("upstash-redact-fields") ? redacted(upstash.get("upstash-redact-fields")) : null;
        String deduplicationId = upstash.get("upstash-deduplication-id");
        if (deduplicationId == null && "true".equalsIgnoreCase(upstash.getOrDefault("upstash-content-based-deduplication", "").trim())) {
            deduplicationId = contentHash(destination, body, forwarded);
        }
        Publication publication = new Publication(destination, method, forwarded, body, retries == null ? settings.defaultRetries() : retries,
                retryDelay, timeout == null ? settings.maxTimeoutSeconds() * 1000L : timeout,
                target(headers, upstash, "upstash-callback"), target(headers, upstash, "upstash-failure-callback"),
                labels.isEmpty() ? null : labels, callerIp, queueName, null, null, null, flowControl(upstash), redact);
        return new Parsed(publication, notBefore, deduplicationId, workflowHeaders(upstash));
    }

    private static Map<String, String> workflowHeaders(Map<String, String> upstash) {
        if (!upstash.containsKey("upstash-workflow-runid")) {
            return null;
        }
        Map<String, String> workflow = new LinkedHashMap<>();
        upstash.forEach((name, value) -> {
            if (name.startsWith("upstash-workflow-") || name.equals("upstash-feature-set")) {
                workflow.put(name, value.trim());
            }
        });
        return workflow;
    }

    static boolean isUrl(String destination) {
        return dev.larder.qstash.delivery.Deliveries.isUrl(destination);
    }

    private void checked(String url) throws ApiException {
        try {
            urlCheck.accept(url);
        } catch (IllegalArgumentException refused) {
            throw new ApiException(400, refused.getMessage());
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private Integer retries(String value, String header) throws ApiException {
        if (value == null) {
            return null;
        }
        int retries;
        try {
            retries = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ApiException(400, "invalid " + header + ": " + value);
        }
        if (retries < 0 || retries > settings.maxRetries()) {
            throw new ApiException(400, "invalid " + header + " " + retries + ": at most " + settings.maxRetries());
        }
        return retries;
    }

    private static String retryDelay(String value, String header) throws ApiException {
        if (value != null) {
            try {
                RetryDelay.parse(value);
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "invalid " + header + ": " + e.getMessage());
            }
        }
        return value;
    }

    private Long timeout(String value, String header) throws ApiException {
        return value == null ? null : Math.min(settings.maxTimeoutSeconds() * 1000L, Math.max(1, duration(value, header)));
    }

    static long duration(String value, String header) throws ApiException {
        try {
            return Durations.parse(value).toMillis();
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ApiException(400, "invalid " + header + " '" + value + "': use a number with a unit, as 10s, 5m, 1h or 1d");
        }
    }

    /** A callback's URL ({@code upstash-callback}) and its own settings ({@code upstash-callback-retries} …), or null. */
    private Target target(Map<String, List<String>> headers, Map<String, String> upstash, String prefix) throws ApiException {
        String url = upstash.get(prefix);
        if (url == null) {
            return null;
        }
        if (!isUrl(url)) {
            throw new ApiException(400, "invalid " + canonical(prefix) + " url: endpoint has invalid scheme, add http:// or https://");
        }
        checked(url);
        String method = upstash.get(prefix + "-method");
        if (method != null) {
            method = method.trim().toUpperCase(Locale.ROOT);
            if (!METHODS.contains(method)) {
                throw new ApiException(400, "invalid " + canonical(prefix) + "-Method " + method + ": use GET, POST, PUT, PATCH or DELETE");
            }
        }
        Map<String, List<String>> forwarded = new LinkedHashMap<>();
        String forward = prefix + "-forward-";
        String workflow = prefix + "-workflow-"; // a workflow's run id and the rest, sent as Upstash-Workflow-* to the callback
        headers.forEach((name, values) -> {
            if (name.startsWith(forward)) {
                forwarded.computeIfAbsent(canonical(name.substring(forward.length())), key -> new ArrayList<>()).addAll(values);
            } else if (name.startsWith(workflow)) {
                forwarded.computeIfAbsent(canonical("upstash-" + name.substring(prefix.length() + 1)), key -> new ArrayList<>()).addAll(values);
            }
        });
        String delay = upstash.get(prefix + "-delay");
        return new Target(url, method, retries(upstash.get(prefix + "-retries"), canonical(prefix) + "-Retries"),
                timeout(upstash.get(prefix + "-timeout"), canonical(prefix) + "-Timeout"),
                retryDelay(upstash.get(prefix + "-retry-delay"), canonical(prefix) + "-Retry-Delay"),
                delay == null ? null : duration(delay, canonical(prefix) + "-Delay"), forwarded.isEmpty() ? null : forwarded);
    }

    /** {@code body}, {@code header}, {@code header[Name]} (or the docs' {@code headers…}), comma-separated. */
    private static List<String> redacted(String value) throws ApiException {
        List<String> fields = new ArrayList<>();
        for (String part : value.split(",")) {
            String field = part.trim();
            if (field.isEmpty()) {
                continue;
            }
            if (field.equals("headers") || field.startsWith("headers[")) {
                field = "header" + field.substring("headers".length());
            }
            if (!field.equals("body") && !field.equals("header") && !field.matches("header\\[[^\\]]+\\]")) {
                throw new ApiException(400, "invalid Upstash-Redact-Fields '" + field + "': use body, header or header[Name]");
            }
            fields.add(field);
        }
        return fields.isEmpty() ? null : fields;
    }

    /** What a workflow DLQ resume or restart changes of the run's messages: its retries and flow control (null: kept). */
    record RunChanges(Integer retries, FlowControl flowControl) {
    }

    /** @param headers the request's headers, lower-case names ({@code Upstash-Retries}, {@code Upstash-Flow-Control-Key} and its value) */
    RunChanges runChanges(Map<String, List<String>> headers) throws ApiException {
        Map<String, String> upstash = new LinkedHashMap<>();
        headers.forEach((name, values) -> {
            if (name.startsWith("upstash-")) {
                upstash.put(name, String.join(",", values));
            }
        });
        return new RunChanges(retries(upstash.get("upstash-retries"), "Upstash-Retries"), flowControl(upstash));
    }

    /** {@code Upstash-Flow-Control-Key} and its {@code -Value}: {@code parallelism=<n>, rate=<n>, period=<duration>}. */
    private static FlowControl flowControl(Map<String, String> upstash) throws ApiException {
        String key = upstash.get("upstash-flow-control-key");
        if (key == null) {
            return null;
        }
        if (key.isBlank() || key.length() > 200) {
            throw new ApiException(400, "invalid Upstash-Flow-Control-Key: 1 to 200 characters");
        }
        Integer parallelism = null;
        Integer rate = null;
        Integer period = null;
        String value = upstash.get("upstash-flow-control-value");
        if (value != null) {
            for (String part : value.split(",")) {
                String[] pair = part.trim().split("=", 2);
                if (pair.length != 2) {
                    if (part.isBlank()) {
                        continue;
                    }
                    throw new ApiException(400, "invalid Upstash-Flow-Control-Value '" + value + "': use parallelism=<n>, rate=<n>, period=<duration>");
                }
                String name = pair[0].trim().toLowerCase(Locale.ROOT);
                String setting = pair[1].trim();
                switch (name) {
                    case "parallelism" -> parallelism = positive(setting, "parallelism");
                    case "rate" -> rate = positive(setting, "rate");
                    case "period" -> {
                        long millis = setting.matches("\\d+") ? Long.parseLong(setting) * 1000 : duration(setting, "Upstash-Flow-Control-Value period");
                        if (millis < 1000 || millis > 7 * 86_400_000L) {
                            throw new ApiException(400, "invalid Upstash-Flow-Control-Value period " + setting + ": from 1s to 1 week");
                        }
                        period = (int) (millis / 1000);
                    }
                    default -> throw new ApiException(400, "invalid Upstash-Flow-Control-Value: unknown setting " + name
                            + " (use parallelism, rate and period)");
                }
            }
        }
        return new FlowControl(key.trim(), parallelism, rate, period);
    }

    private static int positive(String value, String name) throws ApiException {
        try {
            int number = Integer.parseInt(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ApiException(400, "invalid Upstash-Flow-Control-Value " + name + " " + value + ": a whole number above 0");
    }

    /** Upstash's content-based id: the destination, the body, its Content-Type and the forwarded headers. */
    private static String contentHash(String destination, byte[] body, Map<String, List<String>> forwarded) {
        try {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            digest.update(destination.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(body);
            new TreeMap<>(forwarded).forEach((name, values) -> {
                digest.update((byte) 0);
                digest.update((name + ":" + String.join(",", values)).getBytes(StandardCharsets.UTF_8));
            });
            return "content:" + java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code x-my-header} as {@code X-My-Header}, as QStash stores header names. */
    static String canonical(String name) {
        StringBuilder canonical = new StringBuilder(name.length());
        boolean upper = true;
        for (char c : name.toCharArray()) {
            canonical.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
            upper = c == '-';
        }
        return canonical.toString();
    }
}
