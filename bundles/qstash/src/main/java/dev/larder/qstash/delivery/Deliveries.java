package dev.larder.qstash.delivery;

import dev.larder.qstash.store.DeadLetter;
import dev.larder.qstash.store.Event;
import dev.larder.qstash.store.Message;
import dev.larder.qstash.store.MessageStore;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the messages of this node's partitions: each is due at its {@code nextDeliveryTime}, sent by Jetty's
 * non-blocking HTTP client (no thread waits on a destination; connections reused, a bound per destination),
 * signed with its database's current key. The outcome is stored before the next step: a delivered message is
 * removed, a failed attempt stores its next attempt's time (the message's retry-delay expression, the wait the
 * destination asked for, or Upstash's backoff), the last failure moves it to the dead-letter queue. A crash
 * between an attempt and its outcome's write means the attempt is made again: at least once.
 */
public final class Deliveries implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.qstash");
    private static final List<String> DELAY_HEADERS = List.of("Retry-After", "X-RateLimit-Reset", "X-RateLimit-Reset-Requests",
            "X-RateLimit-Reset-Tokens");

    private final MessageStore store;
    private final IntFunction<String> signingKey;
    private final int maxResponseBytes;
    private final HttpClient client;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("qstash-timer").daemon().factory());
    private final ExecutorService outcomes = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("qstash-outcome-", 0).daemon().factory());
    private final Map<String, ScheduledFuture<?>> due = new ConcurrentHashMap<>();
    private final AtomicLong deadLetterSequence = new AtomicLong();

    /** @param signingKey the current signing key of a database, by its id */
    public Deliveries(MessageStore store, Destinations destinations, IntFunction<String> signingKey, int maxConnectionsPerDestination,
            int maxResponseBytes) throws Exception {
        this.store = store;
        this.signingKey = signingKey;
        this.maxResponseBytes = maxResponseBytes;
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("qstash-http");
        threads.setDaemon(true);
        ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler("qstash-http-timeouts", true);
        client = new HttpClient();
        client.setExecutor(threads);
        client.setScheduler(scheduler);
        client.setMaxConnectionsPerDestination(maxConnectionsPerDestination);
        client.setMaxRequestsQueuedPerDestination(Integer.MAX_VALUE); // the messages wait in the grid; this queue only holds due ones
        client.setFollowRedirects(false);
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "Upstash-QStash"));
        client.setSocketAddressResolver(destinations.resolver(new SocketAddressResolver.Async(threads, scheduler, 10_000)));
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(HttpClient.class.getClassLoader()); // Jetty finds its parts through ServiceLoader
        try {
            client.start();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /** Schedules every message of this node's partitions, as stored (at start); a queue's in the order they came. */
    public int resume() {
        List<Message> waiting = new ArrayList<>();
        store.eachLocalMessage(waiting::add);
        waiting.sort(java.util.Comparator.comparingLong(Message::createdAt).thenComparing(Message::messageId));
        waiting.forEach(this::schedule);
        return waiting.size();
    }

    /** What a queue holds on this node: its messages not yet started, in order, and how many are being delivered. */
    private static final class QueueState {
        final java.util.ArrayDeque<Message> waiting = new java.util.ArrayDeque<>();
        final java.util.Set<String> active = new java.util.HashSet<>();
        int parallelism = 1;
        boolean paused;
    }

    private final Map<String, QueueState> queues = new ConcurrentHashMap<>();

    private static String queueKey(int database, String name) {
        return database + "/" + name;
    }

    private QueueState queueState(int database, String name) {
        return queues.computeIfAbsent(queueKey(database, name), key -> {
            QueueState state = new QueueState();
            dev.larder.qstash.store.Queue stored = store.queue(database, name);
            if (stored != null) {
                state.parallelism = stored.parallelism();
                state.paused = stored.paused();
            }
            return state;
        });
    }

    /** A queue's settings changed: more may start now, or none (paused). */
    public void queueChanged(dev.larder.qstash.store.Queue queue) {
        QueueState state = queueState(queue.database(), queue.name());
        synchronized (state) {
            state.parallelism = queue.parallelism();
            state.paused = queue.paused();
        }
        dispatch(state);
    }

    /** Messages of a queue not delivered yet: waiting and being delivered. */
    public int lag(int database, String name) {
        QueueState state = queues.get(queueKey(database, name));
        if (state == null) {
            return 0;
        }
        synchronized (state) {
            return state.waiting.size() + state.active.size();
        }
    }

    /** Cancels every message of a deleted queue. */
    public void queueDeleted(int database, String name) {
        QueueState state = queues.remove(queueKey(database, name));
        if (state != null) {
            List<String> doomed = new ArrayList<>();
            synchronized (state) {
                state.waiting.forEach(message -> doomed.add(message.messageId()));
                doomed.addAll(state.active);
                state.waiting.clear();
                state.active.clear();
            }
            doomed.forEach(this::cancel);
        }
    }

    /** Starts the queue's next messages while it has room. */
    private void dispatch(QueueState state) {
        List<Message> starting = new ArrayList<>();
        synchronized (state) {
            while (!state.paused && state.active.size() < state.parallelism && !state.waiting.isEmpty()) {
                Message next = state.waiting.pollFirst();
                state.active.add(next.messageId());
                starting.add(next);
            }
        }
        starting.forEach(this::timed);
    }

    /** A queue's message is done (delivered, dead or cancelled): its place goes to the next. */
    private void finished(Message message) {
        if (message.queueName() == null) {
            return;
        }
        QueueState state = queues.get(queueKey(message.database(), message.queueName()));
        if (state != null) {
            boolean freed;
            synchronized (state) {
                freed = state.active.remove(message.messageId()) || state.waiting.removeIf(waiting -> waiting.messageId().equals(message.messageId()));
            }
            if (freed) {
                dispatch(state);
            }
        }
    }

    /** Waiting messages scheduled on this node. */
    public int pending() {
        return due.size();
    }

    /** Makes the message's next attempt at its time; a queue's message waits for its turn first. */
    public void schedule(Message message) {
        if (message.queueName() != null) {
            QueueState state = queueState(message.database(), message.queueName());
            synchronized (state) {
                if (!state.active.contains(message.messageId())) {
                    state.waiting.addLast(message);
                }
            }
            dispatch(state);
            return;
        }
        timed(message);
    }

    private void timed(Message message) {
        long delay = Math.max(0, message.nextDeliveryTime() - System.currentTimeMillis());
        ScheduledFuture<?> previous = due.put(message.messageId(), timer.schedule(() -> attempt(message.messageId()), delay, TimeUnit.MILLISECONDS));
        if (previous != null) {
            previous.cancel(false);
        }
    }

    /** Cancels a waiting message; whether it was waiting. */
    public boolean cancel(String messageId) {
        ScheduledFuture<?> scheduled = due.remove(messageId);
        if (scheduled != null) {
            scheduled.cancel(false);
        }
        Message message = store.message(messageId);
        boolean removed = store.remove(messageId);
        if (removed && message != null) {
            store.log(new Event(System.currentTimeMillis(), "CANCELLED", messageId, message.database(), message.url(), null, null, null));
            finished(message);
        }
        return removed;
    }

    private void attempt(String messageId) {
        Message message = store.message(messageId);
        if (message == null) {
            due.remove(messageId);
            return; // cancelled meanwhile (which freed its queue's place)
        }
        try {
            store.log(new Event(System.currentTimeMillis(), "ACTIVE", messageId, message.database(), message.url(), null, null, null));
            byte[] body = message.body() == null ? new byte[0] : message.body();
            Request request = client.newRequest(message.url()).method(message.method()).timeout(message.timeoutMillis(), TimeUnit.MILLISECONDS);
            String contentType = null;
            HttpFields.Mutable headers = HttpFields.build();
            if (message.header() != null) {
                for (Map.Entry<String, List<String>> header : message.header().entrySet()) {
                    if (header.getKey().equalsIgnoreCase("Content-Type")) {
                        contentType = header.getValue().isEmpty() ? null : header.getValue().get(0);
                    } else {
                        header.getValue().forEach(value -> headers.add(header.getKey(), value));
                    }
                }
            }
            headers.put("Upstash-Message-Id", messageId);
            headers.put("Upstash-Retried", Integer.toString(message.retried()));
            if (message.callerIp() != null) {
                headers.put("Upstash-Caller-Ip", message.callerIp());
            }
            headers.put("Upstash-Signature", Signer.sign(signingKey.apply(message.database()), message.url(), body, Instant.now()));
            request.headers(mutable -> mutable.add(headers));
            if (body.length > 0 || contentType != null) {
                request.body(new BytesRequestContent(contentType, body));
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            request.send(new Response.Listener() {
                @Override
                public void onContent(Response response, ByteBuffer content) {
                    int room = maxResponseBytes - answer.size();
                    if (room > 0) {
                        byte[] bytes = new byte[Math.min(room, content.remaining())];
                        content.get(bytes);
                        answer.writeBytes(bytes);
                    }
                }

                @Override
                public void onComplete(Result result) {
                    outcomes.execute(() -> settle(message, result, answer.toByteArray()));
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("QStash message {} to {} could not be sent: {}", messageId, message.url(), e.toString());
            outcomes.execute(() -> failed(message, 0, null, null, e.getMessage()));
        }
    }

    private void settle(Message message, Result result, byte[] answer) {
        try {
            Response response = result.getResponse();
            int status = response == null ? 0 : response.getStatus();
            boolean answered = status > 0 && result.getResponseFailure() == null && result.getRequestFailure() == null;
            if (answered && status >= 200 && status < 300) {
                due.remove(message.messageId());
                store.remove(message.messageId());
                store.log(new Event(System.currentTimeMillis(), "DELIVERED", message.messageId(), message.database(), message.url(), null,
                        null, status));
                callBack(message, message.callback(), status, headersOf(response.getHeaders()), answer, null);
                finished(message);
                return;
            }
            Map<String, List<String>> headers = answered ? headersOf(response.getHeaders()) : null;
            String error = answered ? "HTTP status " + status : String.valueOf(result.getFailure().getMessage());
            if (answered && status == 489 && "true".equalsIgnoreCase(response.getHeaders().get("Upstash-NonRetryable-Error"))) {
                deadLetter(message, status, headers, answer, "the destination answered 489 with Upstash-NonRetryable-Error");
                return;
            }
            Duration asked = null;
            if (answered) {
                for (String name : DELAY_HEADERS) {
                    Duration wait = Durations.destinationDelay(response.getHeaders().get(name), Instant.now());
                    if (wait != null) {
                        asked = wait;
                        break;
                    }
                }
            }
            failed(message, answered ? status : 0, headers, answered ? answer : null, error, asked);
        } catch (RuntimeException e) {
            LOG.error("QStash message {}: its outcome could not be stored; it is tried again", message.messageId(), e);
            timed(message.retriedAt(System.currentTimeMillis() + 1000));
        }
    }

    private void failed(Message message, int status, Map<String, List<String>> headers, byte[] answer, String error) {
        failed(message, status, headers, answer, error, null);
    }

    private void failed(Message message, int status, Map<String, List<String>> headers, byte[] answer, String error, Duration asked) {
        callBack(message, message.callback(), status == 0 ? null : status, headers, answer, null);
        if (message.retried() >= message.maxRetries()) {
            deadLetter(message, status == 0 ? null : status, headers, answer, error);
            return;
        }
        Duration wait = message.retryDelayExpression() != null && asked == null
                ? RetryDelay.parse(message.retryDelayExpression()).after(message.retried())
                : Backoff.retryDelay(asked, message.retried() + 1);
        long next = System.currentTimeMillis() + wait.toMillis();
        Message retried = message.retriedAt(next);
        store.save(List.of(retried));
        store.log(new Event(System.currentTimeMillis(), "RETRY", message.messageId(), message.database(), message.url(), next, error,
                status == 0 ? null : status));
        timed(retried); // a queue's message keeps its place while it is retried
    }

    private void deadLetter(Message message, Integer status, Map<String, List<String>> headers, byte[] answer, String error) {
        due.remove(message.messageId());
        long now = System.currentTimeMillis();
        String dlqId = now + "-" + deadLetterSequence.getAndIncrement();
        store.toDeadLetters(new DeadLetter(dlqId, message, status, headers, answer, error, now));
        store.log(new Event(now, "FAILED", message.messageId(), message.database(), message.url(), null, error, status));
        callBack(message, message.failureCallback(), status, headers, answer, dlqId);
        finished(message);
    }

    /** Sends the attempt's outcome to a callback URL (none: nothing), as a message of its own. */
    private void callBack(Message source, String url, Integer status, Map<String, List<String>> headers, byte[] answer, String dlqId) {
        if (url == null) {
            return;
        }
        Message callback = Callbacks.about(source, url, status, headers, answer, dlqId);
        store.save(List.of(callback));
        store.log(new Event(callback.createdAt(), "CREATED", callback.messageId(), callback.database(), url, null, null, null));
        timed(callback);
    }

    /** Makes a dead letter's message wait for delivery again, from its first attempt. */
    public Message retry(DeadLetter letter) {
        Message original = letter.message();
        Message again = new Message(MessageStore.newId("msg_"), original.database(), original.url(), original.method(), original.header(),
                original.body(), original.maxRetries(), 0, original.retryDelayExpression(), original.notBefore(), System.currentTimeMillis(),
                original.timeoutMillis(), original.callback(), original.failureCallback(), original.labels(), original.callerIp(),
                System.currentTimeMillis(), original.queueName());
        store.save(List.of(again));
        store.removeDeadLetter(letter.dlqId());
        store.log(new Event(System.currentTimeMillis(), "CREATED", again.messageId(), again.database(), again.url(), null, null, null));
        schedule(again);
        return again;
    }

    private static Map<String, List<String>> headersOf(HttpFields fields) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField field : fields) {
            headers.computeIfAbsent(field.getName(), name -> new ArrayList<>()).add(field.getValue());
        }
        return headers;
    }

    @Override
    public void close() throws Exception {
        timer.shutdownNow();
        client.stop();
        outcomes.shutdown();
        outcomes.awaitTermination(5, TimeUnit.SECONDS);
    }
}
