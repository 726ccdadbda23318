package dev.larder.qstash.delivery;

import dev.larder.http.OutboundHttp;
import dev.larder.qstash.store.DeadLetter;
import dev.larder.qstash.store.Event;
import dev.larder.qstash.store.Message;
import dev.larder.qstash.store.MessageStore;
import dev.larder.qstash.store.Publication;
import dev.larder.qstash.store.Publication.Target;
import dev.larder.qstash.store.Queue;
import dev.larder.qstash.store.UrlGroup;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
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
 * Delivers the messages of this node's partitions: each is due at its {@code nextDeliveryTime} (a queue's when its
 * turn comes, a flow-control key's when the key has room), sent by Jetty's non-blocking HTTP client (no thread
 * waits on a destination; connections reused, a bound per destination), signed with its database's current key. The outcome is stored before the next step: a delivered message is
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
    private final Timeline timeline;
    // being attempted, or waiting for a flow-control key or the global parallelism: not to be scheduled again
    private final java.util.Set<String> taken = ConcurrentHashMap.newKeySet();
    // messages due within FRESH_MILLIS of being scheduled, as stored: their attempt needs no read of the grid
    private static final long FRESH_MILLIS = 10_000;
    private static final int FRESH_MAX = 50_000;
    private final Map<String, Message> fresh = new ConcurrentHashMap<>();
    private final ExecutorService starts = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("qstash-start-", 0).daemon().factory());
    // outcomes wait for the write-ahead log's fsync, which the threads waiting together share
    private final ExecutorService outcomes = Executors.newFixedThreadPool(32, Thread.ofPlatform().name("qstash-outcome-", 0).daemon().factory());
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("qstash-flow-control").daemon().factory());
    private final FlowControls flows;
    private final Map<String, QueueState> queues = new ConcurrentHashMap<>();
    private final AtomicLong deadLetterSequence = new AtomicLong();
    private final int globalParallelism;
    private final java.util.ArrayDeque<Message> globalWaiting = new java.util.ArrayDeque<>();
    private int globalInFlight;
    private volatile BiConsumer<Message, String> finalStates = (message, state) -> { };

    /**
     * @param signingKey        the current signing key of a database, by its id
     * @param globalParallelism the most deliveries in flight at once on this node (0: no limit)
     * @param maxScheduled      the most waiting messages whose times are held in memory; the rest wait in the grid
     * @param trusted           the certificates https destinations are checked against (null: the JDK's)
     */
    public Deliveries(MessageStore store, Destinations destinations, IntFunction<String> signingKey, int maxConnectionsPerDestination,
            int maxResponseBytes, int globalParallelism, int maxScheduled, java.security.KeyStore trusted) throws Exception {
        this.store = store;
        this.timeline = new Timeline(maxScheduled, this::due);
        this.signingKey = signingKey;
        this.maxResponseBytes = maxResponseBytes;
        this.globalParallelism = globalParallelism;
        this.flows = new FlowControls(store::saveFlowSettings);
        store.flowSettings().forEach(flows::restore);
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("qstash-http");
        threads.setDaemon(true);
        ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler("qstash-http-timeouts", true);
        client = OutboundHttp.client(threads, scheduler, trusted);
        client.setMaxConnectionsPerDestination(maxConnectionsPerDestination);
        client.setMaxRequestsQueuedPerDestination(Integer.MAX_VALUE); // the messages wait in the grid; this queue only holds due ones
        client.setFollowRedirects(false);
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "Upstash-QStash"));
        client.setSocketAddressResolver(destinations.resolver(new SocketAddressResolver.Async(threads, scheduler, 10_000)));
        OutboundHttp.start(client);
        ticker.scheduleWithFixedDelay(() -> flows.startable().forEach(this::startAdmitted), 50, 50, TimeUnit.MILLISECONDS);
        ticker.scheduleWithFixedDelay(this::takeBackLeftOut, 250, 250, TimeUnit.MILLISECONDS); // a scan only while some are left out
    }

    /** Told of each message that ends: {@code DELIVERED}, {@code FAILED} or {@code CANCELLED}. */
    public void onFinalState(BiConsumer<Message, String> listener) {
        finalStates = listener;
    }

    public FlowControls flowControls() {
        return flows;
    }

    /** Deliveries in flight on this node, and the most there may be (0: no limit). */
    public int[] globalParallelism() {
        synchronized (globalWaiting) {
            return new int[] {globalParallelism, globalInFlight};
        }
    }

    /** Schedules every message of this node's partitions, as stored (at start); a queue's in the order they came. */
    public int resume() {
        List<Message> queued = new ArrayList<>();
        int[] count = {0};
        store.eachLocalMessage(message -> {
            count[0]++;
            if (message.queueName() != null) {
                queued.add(message);
            } else {
                due(message);
            }
        });
        queued.sort(java.util.Comparator.comparingLong(Message::createdAt).thenComparing(Message::messageId));
        queued.forEach(this::schedule);
        return count[0];
    }

    /**
     * When the timeline left messages out and has room again: the earliest due of those waiting only in the grid
     * are scheduled (one scan of this node's messages); once a scan finds room for all, none waits there.
     */
    private volatile long lastTakeBackReport;

    private void takeBackLeftOut() {
        try {
            long mark = timeline.leftOut();
            int room = timeline.room();
            if (mark == 0 || room == 0) {
                return;
            }
            java.util.PriorityQueue<Message> latestFirst = new java.util.PriorityQueue<>(
                    java.util.Comparator.comparingLong(Message::nextDeliveryTime).reversed());
            int[] found = {0};
            store.eachLocalMessage(message -> {
                if (message.queueName() != null || taken.contains(message.messageId()) || timeline.contains(message.messageId())) {
                    return;
                }
                found[0]++;
                latestFirst.add(message);
                if (latestFirst.size() > room) {
                    latestFirst.poll();
                }
            });
            if (found[0] <= room) {
                timeline.caughtUp(mark);
            }
            latestFirst.forEach(this::due);
            long now = System.currentTimeMillis();
            if (!latestFirst.isEmpty() && now - lastTakeBackReport > 60_000) {
                lastTakeBackReport = now;
                LOG.info("QStash: {} of the {} messages waiting only in the grid scheduled again (the node holds {} at most)",
                        latestFirst.size(), found[0], timeline.room() + timeline.size());
            }
        } catch (RuntimeException e) {
            LOG.warn("QStash could not take back the messages waiting in the grid; tried again", e);
        }
    }

    /** A queue's message waiting for its turn: its id and when it is due. */
    private record Turn(String messageId, long at) {
    }

    /** What a queue holds on this node: its messages not yet started, in order, and how many are being delivered. */
    private static final class QueueState {
        final java.util.ArrayDeque<Turn> waiting = new java.util.ArrayDeque<>();
        final java.util.Set<String> active = new java.util.HashSet<>();
        int parallelism = 1;
        boolean paused;
    }

    private static String queueKey(int database, String name) {
        return database + "/" + name;
    }

    private QueueState queueState(int database, String name) {
        return queues.computeIfAbsent(queueKey(database, name), key -> {
            QueueState state = new QueueState();
            Queue stored = store.queue(database, name);
            if (stored != null) {
                state.parallelism = stored.parallelism();
                state.paused = stored.paused();
            }
            return state;
        });
    }

    /** A queue's settings changed: more may start now, or none (paused). */
    public void queueChanged(Queue queue) {
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
                state.waiting.forEach(turn -> doomed.add(turn.messageId()));
                doomed.addAll(state.active);
                state.waiting.clear();
                state.active.clear();
            }
            doomed.forEach(this::cancel);
        }
    }

    /** Starts the queue's next messages while it has room. */
    private void dispatch(QueueState state) {
        List<Turn> starting = new ArrayList<>();
        synchronized (state) {
            while (!state.paused && state.active.size() < state.parallelism && !state.waiting.isEmpty()) {
                Turn next = state.waiting.pollFirst();
                state.active.add(next.messageId());
                starting.add(next);
            }
        }
        starting.forEach(turn -> timeline.at(turn.messageId(), turn.at()));
    }

    /** A message is done (delivered, dead or cancelled): its queue's place and its flow-control key's room go to the next. */
    private void finished(Message message) {
        Publication publication = message.publication();
        if (publication.queueName() != null) {
            QueueState state = queues.get(queueKey(message.database(), publication.queueName()));
            if (state != null) {
                boolean freed;
                synchronized (state) {
                    freed = state.active.remove(message.messageId())
                            || state.waiting.removeIf(turn -> turn.messageId().equals(message.messageId()));
                }
                if (freed) {
                    dispatch(state);
                }
            }
        }
    }

    /** Waiting messages scheduled on this node. */
    public int pending() {
        return timeline.size();
    }

    /** Makes the message's next attempt at its time; a queue's message waits for its turn first. */
    public void schedule(Message message) {
        if (message.queueName() != null) {
            QueueState state = queueState(message.database(), message.queueName());
            synchronized (state) {
                if (!state.active.contains(message.messageId())) {
                    state.waiting.addLast(new Turn(message.messageId(), message.nextDeliveryTime()));
                }
            }
            dispatch(state);
            return;
        }
        due(message);
    }

    /** The timeline keeps the message's time; a message due soon is also kept as it is, for its attempt. */
    private void due(Message message) {
        boolean soon = message.nextDeliveryTime() - System.currentTimeMillis() < FRESH_MILLIS && fresh.size() < FRESH_MAX;
        if (soon) {
            fresh.put(message.messageId(), message);
        }
        if (!timeline.at(message.messageId(), message.nextDeliveryTime()) && soon) {
            fresh.remove(message.messageId()); // left out: it waits in the grid
        }
    }

    /** Whether a destination is a URL (else it names a URL group). */
    public static boolean isUrl(String destination) {
        return destination.regionMatches(true, 0, "http://", 0, 7) || destination.regionMatches(true, 0, "https://", 0, 8);
    }

    /**
     * Makes the messages of a publication: one to its URL, or one per endpoint of the URL group it names
     * (NoSuchElementException when there is no such group); stored (on disk) before they are scheduled.
     */
    public List<Message> publish(int database, Publication publication, long notBefore) {
        long now = System.currentTimeMillis();
        List<Message> made = new ArrayList<>();
        if (isUrl(publication.url())) {
            made.add(Message.of(database, publication, notBefore, now));
        } else {
            UrlGroup group = store.group(database, publication.url());
            if (group == null) {
                throw new java.util.NoSuchElementException("URL group " + publication.url() + " not found");
            }
            for (UrlGroup.Endpoint endpoint : group.endpoints()) {
                made.add(Message.of(database, publication.toEndpoint(endpoint.url(), group.name(), endpoint.name()), notBefore, now));
            }
        }
        accept(made);
        return made;
    }

    /** Stores new messages (on disk when it returns), logs and schedules them; a queue they name is made if missing. */
    public void accept(List<Message> made) {
        for (Message message : made) {
            String queueName = message.queueName();
            if (queueName != null && store.queue(message.database(), queueName) == null) {
                store.saveQueue(new Queue(message.database(), queueName, message.createdAt(), message.createdAt(), 1, false));
            }
        }
        store.create(made);
        for (Message message : made) {
            store.log(Event.of(message, "CREATED"));
            schedule(message);
        }
    }

    /** Cancels a waiting message; whether it was waiting. */
    public boolean cancel(String messageId) {
        timeline.remove(messageId);
        fresh.remove(messageId);
        taken.remove(messageId);
        Message message = store.message(messageId);
        boolean removed = message != null;
        if (removed) {
            store.remove(messageId);
            store.log(Event.of(message, "CANCELLED"));
            Publication.FlowControl flow = message.publication().flowControl();
            if (flow != null) {
                flows.forget(message.database(), flow.key(), messageId);
            }
            finished(message);
            finalStates.accept(message, "CANCELLED");
        }
        return removed;
    }

    /** The timeline's thread: the message is due (read from the grid off this thread). */
    private void due(String messageId) {
        Message kept = fresh.remove(messageId);
        taken.add(messageId);
        starts.execute(() -> {
            Message message = kept != null ? kept : store.message(messageId);
            if (message == null) {
                taken.remove(messageId);
                return; // cancelled meanwhile (which freed its queue's place)
            }
            Publication.FlowControl flow = message.publication().flowControl();
            if (flow == null || flows.admit(message.database(), flow, messageId)) {
                admitted(message);
            }
        });
    }

    /** A message its flow-control key let start (already counted as in flight there). */
    private void startAdmitted(FlowControls.Started started) {
        starts.execute(() -> {
            Message message = store.message(started.messageId());
            if (message == null) { // cancelled as it left the key's list: its place goes to the next
                taken.remove(started.messageId());
                flows.finished(started.database(), started.key()).forEach(this::startAdmitted);
                return;
            }
            admitted(message);
        });
    }

    /** Sends the message now, unless the node's global parallelism is reached: then it waits for a free place. */
    private void admitted(Message message) {
        synchronized (globalWaiting) {
            if (globalParallelism > 0 && globalInFlight >= globalParallelism) {
                globalWaiting.addLast(message);
                return;
            }
            globalInFlight++;
        }
        attempt(message);
    }

    /** A delivery ended (whatever its outcome): its flow-control key and the node's global parallelism have room again. */
    private void released(Message message) {
        Publication.FlowControl flow = message.publication().flowControl();
        if (flow != null) {
            flows.finished(message.database(), flow.key()).forEach(this::startAdmitted);
        }
        Message next;
        synchronized (globalWaiting) {
            globalInFlight--;
            next = globalWaiting.pollFirst();
            if (next != null) {
                globalInFlight++;
            }
        }
        if (next != null) {
            Message waiting = next;
            starts.execute(() -> attempt(waiting));
        }
        taken.remove(message.messageId());
    }

    private void attempt(Message message) {
        String messageId = message.messageId();
        Publication publication = message.publication();
        try {
            store.log(Event.of(message, "ACTIVE"));
            byte[] body = publication.body() == null ? new byte[0] : publication.body();
            Request request = client.newRequest(publication.url()).method(publication.method())
                    .timeout(publication.timeoutMillis(), TimeUnit.MILLISECONDS);
            String contentType = null;
            HttpFields.Mutable headers = HttpFields.build();
            if (publication.header() != null) {
                for (Map.Entry<String, List<String>> header : publication.header().entrySet()) {
                    if (header.getKey().equalsIgnoreCase("Content-Type")) {
                        contentType = header.getValue().isEmpty() ? null : header.getValue().get(0);
                    } else {
                        header.getValue().forEach(value -> headers.add(header.getKey(), value));
                    }
                }
            }
            headers.put("Upstash-Message-Id", messageId);
            headers.put("Upstash-Retried", Integer.toString(message.retried()));
            if (publication.scheduleId() != null) {
                headers.put("Upstash-Schedule-Id", publication.scheduleId());
            }
            if (publication.topicName() != null) {
                headers.put("Upstash-Topic-Name", publication.topicName());
            }
            if (publication.callerIp() != null) {
                headers.put("Upstash-Caller-Ip", publication.callerIp());
            }
            headers.put("Upstash-Signature", Signer.sign(signingKey.apply(message.database()), publication.url(), body, Instant.now()));
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
            LOG.warn("QStash message {} to {} could not be sent: {}", messageId, publication.url(), e.toString());
            outcomes.execute(() -> {
                try {
                    failed(message, 0, null, null, e.getMessage(), null);
                } finally {
                    released(message);
                }
            });
        }
    }

    private void settle(Message message, Result result, byte[] answer) {
        try {
            Response response = result.getResponse();
            int status = response == null ? 0 : response.getStatus();
            boolean answered = status > 0 && result.getResponseFailure() == null && result.getRequestFailure() == null;
            if (answered && status >= 200 && status < 300) {
                store.remove(message.messageId());
                store.log(Event.of(message, "DELIVERED", null, null, status));
                callBack(message, message.publication().callback(), status, headersOf(response.getHeaders()), answer, null);
                finished(message);
                finalStates.accept(message, "DELIVERED");
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
            timeline.at(message.messageId(), System.currentTimeMillis() + 1000);
        } finally {
            released(message);
        }
    }

    private void failed(Message message, int status, Map<String, List<String>> headers, byte[] answer, String error, Duration asked) {
        Publication publication = message.publication();
        callBack(message, publication.callback(), status == 0 ? null : status, headers, answer, null);
        if (message.retried() >= publication.maxRetries()) {
            deadLetter(message, status == 0 ? null : status, headers, answer, error);
            return;
        }
        Duration wait = publication.retryDelayExpression() != null && asked == null
                ? RetryDelay.parse(publication.retryDelayExpression()).after(message.retried())
                : Backoff.retryDelay(asked, message.retried() + 1);
        long next = System.currentTimeMillis() + wait.toMillis();
        Message retried = message.retriedAt(next);
        store.save(retried);
        store.log(Event.of(message, "RETRY", next, error, status == 0 ? null : status));
        due(retried); // a queue's message keeps its place while it is retried
    }

    private void deadLetter(Message message, Integer status, Map<String, List<String>> headers, byte[] answer, String error) {
        long now = System.currentTimeMillis();
        String dlqId = now + "-" + deadLetterSequence.getAndIncrement();
        store.toDeadLetters(new DeadLetter(dlqId, message, status, headers, answer, error, now));
        store.log(Event.of(message, "FAILED", null, error, status));
        callBack(message, message.publication().failureCallback(), status, headers, answer, dlqId);
        finished(message);
        finalStates.accept(message, "FAILED");
    }

    /** Sends the attempt's outcome to a callback URL (none: nothing), as a message of its own. */
    private void callBack(Message source, Target target, Integer status, Map<String, List<String>> headers, byte[] answer, String dlqId) {
        if (target == null) {
            return;
        }
        Message callback = Callbacks.about(source, target, status, headers, answer, dlqId);
        store.create(List.of(callback));
        store.log(Event.of(callback, "CREATED"));
        due(callback);
    }

    /** Makes a dead letter's message wait for delivery again, from its first attempt. */
    public Message retry(DeadLetter letter) {
        Message original = letter.message();
        long now = System.currentTimeMillis();
        Message again = new Message(MessageStore.newId("msg_"), original.database(), original.publication(), original.notBefore(), now, 0, now);
        store.create(List.of(again));
        store.removeDeadLetter(letter.dlqId());
        store.log(Event.of(again, "CREATED"));
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
        timeline.close();
        ticker.shutdownNow();
        starts.shutdownNow();
        client.stop();
        outcomes.shutdown();
        outcomes.awaitTermination(5, TimeUnit.SECONDS);
    }
}
