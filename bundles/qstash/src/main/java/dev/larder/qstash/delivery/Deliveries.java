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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Delivers the messages of this node's partitions: each is due at its {@code nextDeliveryTime} (a queue's when its
 * turn comes, a flow-control key's when the key has room), sent by Jetty's non-blocking HTTP client (no thread
 * waits on a destination; connections reused, a bound per destination), signed with its database's current key. The outcome is stored before the next step: a delivered message is
 * removed, a failed attempt stores its next attempt's time (the message's retry-delay expression, the wait the
 * destination asked for, or Upstash's backoff), the last failure moves it to the dead-letter queue. A crash
 * between an attempt and its outcome's write means the attempt is made again: at least once.
 *
 * <p>Memory stays bounded however many messages wait: the timeline holds at most {@code maxScheduled} due times,
 * a queue and a flow-control key at most a tenth of that many ids each (all queues together at most
 * {@code maxScheduled}), and at most {@code maxInFlight} deliveries are started and unsettled. What does not fit
 * waits only in the grid, noted in {@link LeftOut}, and {@link #takeBackLeftOut one pass} over those notes takes
 * back the earliest of each place that has room again (a queue's in their order).
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
    private final Set<String> taken = ConcurrentHashMap.newKeySet();
    // messages due within FRESH_MILLIS of being scheduled, as stored: their attempt needs no read of the grid
    private static final long FRESH_MILLIS = 10_000;
    private static final int FRESH_MAX = 50_000;
    private static final long FRESH_MAX_BYTES = 64L << 20;
    private final Map<String, Message> fresh = new ConcurrentHashMap<>();
    private final AtomicLong freshBytes = new AtomicLong();
    // started (handed on by the timeline or a flow-control key) and not yet settled
    private final AtomicInteger inFlight = new AtomicInteger();
    /** deliveries may start (see {@link #open}) */
    private volatile boolean open;
    private final int maxInFlight;
    private final int maxHeldPerQueue;
    private final int maxHeldTurns;
    private final AtomicInteger heldTurns = new AtomicInteger();
    private final ExecutorService starts = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("qstash-start-", 0).daemon().factory());
    // outcomes wait for the write-ahead log's fsync, which the threads waiting together share
    private final ExecutorService outcomes = Executors.newFixedThreadPool(32, Thread.ofPlatform().name("qstash-outcome-", 0).daemon().factory());
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("qstash-flow-control").daemon().factory());
    // scans of the grid for messages left out there: on a thread of their own, as one may take seconds
    private final ScheduledExecutorService takeBacks = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("qstash-take-back").daemon().factory());
    private final LeftOut leftOut;
    private final FlowControls flows;
    private final Map<String, QueueState> queues = new ConcurrentHashMap<>();
    private final AtomicLong deadLetterSequence = new AtomicLong();
    private final int globalParallelism;
    private final ArrayDeque<Message> globalWaiting = new ArrayDeque<>();
    private int globalInFlight;
    private final List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Told how deliveries go (on the thread that settled the attempt: keep it short). */
    public interface Listener {
        /**
         * The message ended: {@code DELIVERED}, {@code FAILED} (with its dead letter) or {@code CANCELLED}.
         */
        void ended(Message message, String state, DeadLetter letter);

        /** An attempt failed ({@code status} null: no answer) and the next is due at {@code nextAttempt} (Unix ms). */
        default void retrying(Message message, Integer status, String error, long nextAttempt) {
        }

        /**
         * Why a 2xx answer is not the message taken but a failure not to retry (null: it is taken), judged by the
         * answer's headers: the destination is not what the message was meant for.
         */
        default String refused(Message message, java.util.function.Function<String, String> answerHeader) {
            return null;
        }
    }

    /**
     * @param signingKey        the current signing key of a database, by its id
     * @param globalParallelism the most deliveries in flight at once on this node (0: no limit)
     * @param maxScheduled      the most waiting messages whose times are held in memory; the rest wait in the grid
     * @param maxInFlight       the most deliveries started and not yet settled on this node
     * @param trusted           the certificates https destinations are checked against (null: the JDK's)
     */
    public Deliveries(MessageStore store, Destinations destinations, IntFunction<String> signingKey, int maxConnectionsPerDestination,
            int maxResponseBytes, int globalParallelism, int maxScheduled, int maxInFlight, java.security.KeyStore trusted) throws Exception {
        this.store = store;
        this.maxInFlight = maxInFlight;
        this.leftOut = new LeftOut(store.dataDirectory());
        this.timeline = new Timeline(maxScheduled, this::due, () -> open && inFlight.get() < this.maxInFlight,
                (id, at) -> leftOut.add(new LeftOut.Entry(LeftOut.Place.TIMELINE, "", id, at, 0, 0)));
        this.maxHeldPerQueue = Math.max(10, maxScheduled / 10);
        this.maxHeldTurns = maxScheduled;
        this.signingKey = signingKey;
        this.maxResponseBytes = maxResponseBytes;
        this.globalParallelism = globalParallelism;
        this.flows = new FlowControls(store::saveFlowSettings, Math.max(10, maxScheduled / 10));
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
        takeBacks.scheduleWithFixedDelay(this::takeBackLeftOut, 250, 250, TimeUnit.MILLISECONDS); // a scan only while some are left out
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    private void ended(Message message, String state, DeadLetter letter) {
        for (Listener listener : listeners) {
            try {
                listener.ended(message, state, letter);
            } catch (RuntimeException e) {
                LOG.warn("QStash: a listener failed on message {} ending {}", message.messageId(), state, e);
            }
        }
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

    /**
     * Schedules every message of this node's partitions, as stored (at start); a queue's are taken back in the
     * order they came by the scan that fills queues.
     */
    public int resume() {
        int[] count = {0};
        store.eachLocalWaiting(message -> {
            count[0]++;
            if (message.queueName() != null) {
                QueueState state = queueState(message.database(), message.queueName());
                synchronized (state) {
                    leaveOut(state, message.messageId(), message.nextDeliveryTime(), message.createdAt(), message.sequence());
                }
            } else {
                timeline.at(message.messageId(), message.nextDeliveryTime());
            }
        });
        takeBackLeftOut();
        return count[0];
    }

    /**
     * Takes back messages left out of memory, for every place that has room again: the timeline (the earliest due;
     * also when one left out is due before one it holds, which then makes room), a queue (the next in its order)
     * and a flow-control key (its earliest due). One pass over what {@link LeftOut} holds serves them all.
     */
    private volatile long lastTakeBackReport;

    private synchronized void takeBackLeftOut() {
        try {
            long began = System.currentTimeMillis();
            long earliestLeftOut = leftOut.earliestOnTimeline();
            // room for a quarter, or one left out is due and the timeline holds one due after it (which makes room)
            boolean timelineWants = leftOut.count(LeftOut.Place.TIMELINE, "") > 0 && (timeline.room() >= Math.max(1, timeline.capacity() / 4)
                    || (earliestLeftOut <= began && earliestLeftOut < timeline.latestDue()));
            TakeBack timelineRefill = timelineWants ? new TakeBack(Math.max(timeline.room(), Math.max(1, timeline.capacity() / 10)), TIME_ORDER) : null;
            Map<String, TakeBack> queueRefills = new HashMap<>();
            queues.forEach((key, state) -> {
                synchronized (state) {
                    int room = Math.min(maxHeldPerQueue - state.waiting.size(), maxHeldTurns - heldTurns.get());
                    if (state.inGrid > 0 && state.waiting.size() <= maxHeldPerQueue / 2 && room > 0) {
                        queueRefills.put(key, new TakeBack(room, QUEUE_ORDER));
                    }
                }
            });
            Map<String, TakeBack> flowRefills = new HashMap<>();
            for (FlowControls.Refill refill : flows.refills()) {
                flowRefills.put(refill.database() + "/" + refill.key(), new TakeBack(refill.room(), TIME_ORDER));
            }
            if (timelineRefill == null && queueRefills.isEmpty() && flowRefills.isEmpty()) {
                return;
            }
            int[] taken = {0};
            leftOut.takeBack(entry -> {
                TakeBack refill = switch (entry.place()) {
                    case TIMELINE -> timelineRefill;
                    case QUEUE -> queueRefills.get(entry.key());
                    case FLOW -> flowRefills.get(entry.key());
                };
                if (refill != null) {
                    refill.offer(Turn.of(entry));
                }
            }, () -> chosenOf(timelineRefill, queueRefills, flowRefills), entry -> {
                taken[0]++;
                switch (entry.place()) {
                    case TIMELINE, FLOW -> timeline.at(entry.messageId(), entry.at());
                    case QUEUE -> {
                        QueueState state = queues.get(entry.key());
                        if (state != null) {
                            synchronized (state) {
                                state.inGrid--;
                                // a message cancelled while it was left out is gone from the grid: it holds no place
                                if (!state.holds(entry.messageId()) && store.message(entry.messageId()) != null) {
                                    state.hold(Turn.of(entry));
                                    heldTurns.incrementAndGet();
                                }
                            }
                        }
                    }
                }
            });
            flowRefills.forEach((key, refill) -> {
                int slash = key.indexOf('/');
                flows.tookBack(Integer.parseInt(key.substring(0, slash)), key.substring(slash + 1), refill.taken().size());
            });
            queueRefills.keySet().forEach(key -> {
                QueueState state = queues.get(key);
                if (state != null) {
                    dispatch(state);
                }
            });
            long now = System.currentTimeMillis();
            if (taken[0] > 0 && now - lastTakeBackReport > 60_000) {
                lastTakeBackReport = now;
                LOG.info("QStash: messages left out of memory taken back in {} ms: {} to the timeline, {} to {} queues, {} to {} flow-control keys",
                        now - began, timelineRefill == null ? 0 : timelineRefill.taken().size(),
                        queueRefills.values().stream().mapToInt(refill -> refill.taken().size()).sum(), queueRefills.size(),
                        flowRefills.values().stream().mapToInt(refill -> refill.taken().size()).sum(), flowRefills.size());
            }
        } catch (RuntimeException | java.io.IOException e) {
            LOG.warn("QStash could not take back the messages left out of memory; tried again", e);
        }
    }

    /** What the first pass chose, named as {@link LeftOut#chosenKey} names entries. */
    private static Set<String> chosenOf(TakeBack timelineRefill, Map<String, TakeBack> queueRefills, Map<String, TakeBack> flowRefills) {
        Set<String> chosen = new HashSet<>();
        if (timelineRefill != null) {
            timelineRefill.taken().forEach(turn -> chosen.add(LeftOut.chosenKey(LeftOut.Place.TIMELINE, turn.messageId())));
        }
        queueRefills.values().forEach(refill -> refill.taken().forEach(turn -> chosen.add(LeftOut.chosenKey(LeftOut.Place.QUEUE, turn.messageId()))));
        flowRefills.values().forEach(refill -> refill.taken().forEach(turn -> chosen.add(LeftOut.chosenKey(LeftOut.Place.FLOW, turn.messageId()))));
        return chosen;
    }

    private static final Comparator<Turn> TIME_ORDER = Comparator.comparingLong(Turn::at).thenComparing(Turn::messageId);
    private static final Comparator<Turn> QUEUE_ORDER = Comparator.comparingLong(Turn::createdAt).thenComparingLong(Turn::sequence)
            .thenComparing(Turn::messageId); // Message.CREATION_ORDER

    /** The first {@code room} messages, in an order, of those a pass offers. */
    private static final class TakeBack {
        private final int room;
        private final Comparator<Turn> order;
        private final PriorityQueue<Turn> lastFirst;
        private List<Turn> taken;

        TakeBack(int room, Comparator<Turn> order) {
            this.room = room;
            this.order = order;
            this.lastFirst = new PriorityQueue<>(order.reversed());
        }

        void offer(Turn turn) {
            lastFirst.add(turn);
            if (lastFirst.size() > room) {
                lastFirst.poll();
            }
        }

        List<Turn> taken() {
            if (taken == null) {
                taken = new ArrayList<>(lastFirst);
                taken.sort(order);
            }
            return taken;
        }
    }

    /** A message waiting for its turn or to be taken back: its id, when it is due and when (in what order) it was made. */
    private record Turn(String messageId, long at, long createdAt, long sequence) {
        static Turn of(LeftOut.Entry entry) {
            return new Turn(entry.messageId(), entry.at(), entry.createdAt(), entry.sequence());
        }
    }

    /**
     * What a queue holds on this node: the first of its messages not yet started, in order (at most
     * {@code maxHeldPerQueue}; the rest wait in the grid), and those being delivered.
     */
    private static final class QueueState {
        final String key;
        final ArrayDeque<Turn> waiting = new ArrayDeque<>();
        final Set<String> waitingIds = new HashSet<>();
        final Set<String> active = new HashSet<>();
        int inGrid; // how many were left out (they wait only in the grid) and not taken back yet
        int parallelism = 1;
        boolean paused;

        boolean holds(String id) {
            return waitingIds.contains(id) || active.contains(id);
        }

        void hold(Turn turn) {
            waiting.addLast(turn);
            waitingIds.add(turn.messageId());
        }

        Turn next() {
            Turn next = waiting.pollFirst();
            waitingIds.remove(next.messageId());
            return next;
        }

        boolean drop(String id) {
            return waitingIds.remove(id) && waiting.removeIf(turn -> turn.messageId().equals(id));
        }

        QueueState(String key) {
            this.key = key;
        }
    }

    /** The queue has no room for the message (or holds some left out before it): it waits in the grid, noted in {@link #leftOut}. */
    private void leaveOut(QueueState state, String messageId, long at, long createdAt, long sequence) {
        state.inGrid++;
        leftOut.add(new LeftOut.Entry(LeftOut.Place.QUEUE, state.key, messageId, at, createdAt, sequence));
    }

    private static String queueKey(int database, String name) {
        return database + "/" + name;
    }

    private QueueState queueState(int database, String name) {
        return queues.computeIfAbsent(queueKey(database, name), key -> {
            QueueState state = new QueueState(key);
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
            return state.waiting.size() + state.active.size() + state.inGrid;
        }
    }

    /** Cancels every message of a deleted queue, those waiting only in the grid too. */
    public void queueDeleted(int database, String name) {
        QueueState state = queues.remove(queueKey(database, name));
        Set<String> doomed = new java.util.LinkedHashSet<>();
        if (state != null) {
            synchronized (state) {
                heldTurns.addAndGet(-state.waiting.size());
                state.waiting.forEach(turn -> doomed.add(turn.messageId()));
                doomed.addAll(state.active);
                state.waiting.clear();
                state.waitingIds.clear();
                state.active.clear();
            }
        }
        store.eachLocalWaiting(message -> {
            if (message.database() == database && name.equals(message.queueName())) {
                doomed.add(message.messageId());
            }
        });
        doomed.forEach(this::cancel);
    }

    /** Starts the queue's next messages while it has room. */
    private void dispatch(QueueState state) {
        List<Turn> starting = new ArrayList<>();
        synchronized (state) {
            while (!state.paused && state.active.size() < state.parallelism && !state.waiting.isEmpty()) {
                Turn next = state.next();
                heldTurns.decrementAndGet();
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
                    freed = state.active.remove(message.messageId());
                    if (!freed && state.drop(message.messageId())) {
                        heldTurns.decrementAndGet();
                        freed = true;
                    }
                }
                if (freed) {
                    dispatch(state);
                }
            }
        }
    }

    /**
     * A message gone before its attempt: the place it held in its queue goes to the next. A cancel frees it
     * itself, unless the message was being taken back into its queue as it was cancelled.
     */
    private void freeQueuePlace(String messageId) {
        for (QueueState state : queues.values()) {
            boolean freed;
            synchronized (state) {
                freed = state.active.remove(messageId);
            }
            if (freed) {
                dispatch(state);
                return;
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
                if (!state.holds(message.messageId())) {
                    if (state.inGrid > 0 || state.waiting.size() >= maxHeldPerQueue || heldTurns.get() >= maxHeldTurns) {
                        // after those already in the grid: taken back in order
                        leaveOut(state, message.messageId(), message.nextDeliveryTime(), message.createdAt(), message.sequence());
                    } else {
                        state.hold(new Turn(message.messageId(), message.nextDeliveryTime(), message.createdAt(), message.sequence()));
                        heldTurns.incrementAndGet();
                    }
                }
            }
            dispatch(state);
            return;
        }
        due(message);
    }

    /**
     * A message due now starts on this thread while deliveries may start and none waits before it (handing it to the
     * timeline's thread and then to a start thread cost more than starting it); else the timeline keeps its time,
     * and a message due soon is also kept as it is, for its attempt.
     */
    private void due(Message message) {
        long now = System.currentTimeMillis();
        // (a retry waits for the timeline: its attempt before may not have settled yet)
        if (open && message.retried() == 0 && message.nextDeliveryTime() <= now && timeline.nothingDueBy(now)
                && inFlight.getAndUpdate(count -> count < maxInFlight ? count + 1 : count) < maxInFlight) {
            taken.add(message.messageId());
            start(message.messageId(), message);
            return;
        }
        boolean soon = message.nextDeliveryTime() - now < FRESH_MILLIS && fresh.size() < FRESH_MAX
                && freshBytes.get() < FRESH_MAX_BYTES;
        if (soon && fresh.put(message.messageId(), message) == null) {
            freshBytes.addAndGet(size(message));
        }
        if (!timeline.at(message.messageId(), message.nextDeliveryTime()) && soon) {
            takeFresh(message.messageId()); // left out: it waits in the grid
        }
    }

    private Message takeFresh(String messageId) {
        Message kept = fresh.remove(messageId);
        if (kept != null) {
            freshBytes.addAndGet(-size(kept));
        }
        return kept;
    }

    private static long size(Message message) {
        return 256 + (message.publication().body() == null ? 0 : message.publication().body().length);
    }

    /** One delivery fewer in flight (settled, cancelled, or waiting in its key's list): the timeline may hand on another. */
    private void notInFlight() {
        inFlight.decrementAndGet();
        timeline.wake();
    }

    /**
     * Deliveries may start: the API that destinations call back (a workflow app publishes each step's result) is
     * served. Until then due messages wait, as when too many are in flight.
     */
    public void open() {
        open = true;
        timeline.wake();
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
        List<Message> made = messagesOf(database, publication, notBefore);
        accept(made);
        return made;
    }

    /** The messages a publication makes, not stored yet (see {@link #publish}); {@link #accept} stores several publications' at once. */
    public List<Message> messagesOf(int database, Publication publication, long notBefore) {
        long now = System.currentTimeMillis();
        List<Message> made = new ArrayList<>();
        if (isUrl(publication.url())) {
            made.add(Message.of(database, publication, notBefore, now));
        } else {
            UrlGroup group = store.group(database, publication.url());
            if (group == null) {
                throw new NoSuchElementException("URL group " + publication.url() + " not found");
            }
            for (UrlGroup.Endpoint endpoint : group.endpoints()) {
                made.add(Message.of(database, publication.toEndpoint(endpoint.url(), group.name(), endpoint.name()), notBefore, now));
            }
        }
        return made;
    }

    /** Stores new messages (on disk when it returns), logs and schedules them; a queue they name is made if missing. */
    public void accept(List<Message> made) {
        if (made.isEmpty()) {
            return;
        }
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
        takeFresh(messageId);
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
            ended(message, "CANCELLED", null);
        }
        return removed;
    }

    /** The timeline's thread: the message is due (read from the grid off this thread); it counts as in flight. */
    private void due(String messageId) {
        Message kept = takeFresh(messageId);
        taken.add(messageId);
        inFlight.incrementAndGet();
        starts.execute(() -> start(messageId, kept));
    }

    /** Starts a due message counted in flight (read from the grid unless kept), as its flow-control key admits it. */
    private void start(String messageId, Message kept) {
        Message message = kept != null ? kept : store.message(messageId);
        if (message == null) { // cancelled meanwhile
            taken.remove(messageId);
            notInFlight();
            freeQueuePlace(messageId);
            return;
        }
        Publication.FlowControl flow = message.publication().flowControl();
        FlowControls.Admission admission = flow == null ? FlowControls.Admission.START
                : flows.admit(message.database(), flow, messageId, message.queueName() == null);
        switch (admission) {
            case START -> admitted(message);
            case WAIT -> notInFlight(); // in its key's list, which starts it later
            case LEFT_OUT -> { // the key's list is full: it waits in the grid until the key takes it back
                leftOut.add(new LeftOut.Entry(LeftOut.Place.FLOW, message.database() + "/" + flow.key(), messageId,
                        message.nextDeliveryTime(), 0, 0));
                taken.remove(messageId);
                notInFlight();
            }
        }
    }

    /** A message its flow-control key let start (already counted as in flight there). */
    private void startAdmitted(FlowControls.Started started) {
        inFlight.incrementAndGet();
        starts.execute(() -> {
            Message message = store.message(started.messageId());
            if (message == null) { // cancelled as it left the key's list: its place goes to the next
                taken.remove(started.messageId());
                notInFlight();
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
        notInFlight();
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
                    if (takenWithNothingToStore(message, result)) {
                        settle(message, result, answer.toByteArray()); // handing it to another thread cost as much as settling it
                    } else {
                        outcomes.execute(() -> settle(message, result, answer.toByteArray()));
                    }
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

    /**
     * Whether settling the delivery waits for nothing (no fsync, no callback to store, no schedule's state), so it
     * may run on the HTTP client's thread.
     */
    private static boolean takenWithNothingToStore(Message message, Result result) {
        return taken(result) && message.publication().callback() == null && message.publication().scheduleId() == null;
    }

    /** Whether the destination answered with a 2xx. */
    private static boolean taken(Result result) {
        Response response = result.getResponse();
        return !result.isFailed() && response != null && response.getStatus() >= 200 && response.getStatus() < 300;
    }

    private void settle(Message message, Result result, byte[] answer) {
        try {
            Response response = result.getResponse();
            int status = response == null ? 0 : response.getStatus();
            boolean answered = status > 0 && result.getResponseFailure() == null && result.getRequestFailure() == null;
            if (taken(result)) {
                String refused = refusal(message, response);
                if (refused != null) {
                    deadLetter(message, status, headersOf(response.getHeaders()), answer, refused);
                    return;
                }
                store.delivered(message.messageId());
                store.log(Event.of(message, "DELIVERED", null, null, status));
                callBack(message, message.publication().callback(), status, headersOf(response.getHeaders()), answer, null);
                finished(message);
                ended(message, "DELIVERED", null);
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

    private String refusal(Message message, Response response) {
        for (Listener listener : listeners) {
            String refused = listener.refused(message, response.getHeaders()::get);
            if (refused != null) {
                return refused;
            }
        }
        return null;
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
        for (Listener listener : listeners) {
            listener.retrying(message, status == 0 ? null : status, error, next);
        }
        due(retried); // a queue's message keeps its place while it is retried
    }

    private void deadLetter(Message message, Integer status, Map<String, List<String>> headers, byte[] answer, String error) {
        long now = System.currentTimeMillis();
        String dlqId = now + "-" + deadLetterSequence.getAndIncrement();
        DeadLetter letter = new DeadLetter(dlqId, message, status, headers, answer, error, now);
        store.toDeadLetters(letter);
        store.log(Event.of(message, "FAILED", null, error, status));
        callBack(message, message.publication().failureCallback(), status, headers, answer, dlqId);
        finished(message);
        ended(message, "FAILED", letter);
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
        return retry(letter, letter.message().publication());
    }

    /** As {@link #retry(DeadLetter)}, sent as {@code publication} says (a workflow resume may change its retries or flow control). */
    public Message retry(DeadLetter letter, Publication publication) {
        Message original = letter.message();
        long now = System.currentTimeMillis();
        Message again = Message.of(original.database(), publication, original.notBefore(), now);
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
        takeBacks.shutdownNow();
        leftOut.close();
        starts.shutdownNow();
        client.stop();
        outcomes.shutdown();
        outcomes.awaitTermination(5, TimeUnit.SECONDS);
    }
}
