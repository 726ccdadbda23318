package dev.larder.qstash.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.larder.storage.KeyValueTable;
import dev.larder.storage.StorageNode;
import dev.larder.storage.WriteBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * QStash's records in the grid: messages waiting for delivery (partitioned by message id), dead letters (by DLQ
 * id), queues, schedules, URL groups, each database's signing keys and its log of events. Every change a
 * delivery depends on is on disk before the call returns (in the {@link Journal}, whose fsync the writers
 * waiting together share), so an acknowledged message survives a crash.
 */
public final class MessageStore implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /**
     * One generator a thread: the default one (NativePRNG) shares one lock and one /dev/urandom buffer among all
     * its instances, and every publishing thread waited on it.
     */
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(MessageStore::newRandom);
    /** QStash's tables share one group in the grid: most are small, and an empty table costs megabytes. */
    private static final String GROUP = "qstash";
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private final StorageNode storage;
    private final KeyValueTable messages;
    private final KeyValueTable deadLetters;
    private final KeyValueTable keys;
    private final EventLog events;
    private final KeyValueTable queues;
    private final KeyValueTable deduplication;
    private final KeyValueTable schedules;
    private final KeyValueTable groups;
    private final KeyValueTable flowSettings;
    private final KeyValueTable workflowRuns;
    private final KeyValueTable workflowWaiters;
    private final Journal journal;
    private final WriteBehind unwritten;
    private final Map<KeyValueTable, Byte> journaled = new java.util.IdentityHashMap<>();
    private final Map<Integer, CachedKeys> signing = new java.util.concurrent.ConcurrentHashMap<>();

    public MessageStore(StorageNode storage) {
        this.storage = storage;
        this.messages = storage.table("qstash-messages", GROUP);
        this.deadLetters = storage.table("qstash-dlq", GROUP);
        this.keys = storage.table("qstash-keys", GROUP);
        this.events = new EventLog(storage.table("qstash-event-chunks", GROUP));
        this.queues = storage.table("qstash-queues", GROUP);
        this.deduplication = storage.table("qstash-dedup", GROUP);
        this.schedules = storage.table("qstash-schedules", GROUP);
        this.groups = storage.table("qstash-groups", GROUP);
        this.flowSettings = storage.table("qstash-flow-controls", GROUP);
        this.workflowRuns = storage.table("qstash-workflow-runs", GROUP);
        this.workflowWaiters = storage.table("qstash-workflow-waiters", GROUP);
        Map<Byte, KeyValueTable> byByte = new java.util.LinkedHashMap<>();
        // a table's place is its byte in the journal: new tables go at the end
        KeyValueTable[] durable = {messages, deadLetters, keys, queues, deduplication, schedules, groups, flowSettings, workflowRuns,
            workflowWaiters};
        for (int i = 0; i < durable.length; i++) {
            byByte.put((byte) (i + 1), durable[i]);
            journaled.put(durable[i], (byte) (i + 1));
        }
        this.unwritten = new WriteBehind(byByte.values());
        this.journal = new Journal(storage, byByte, unwritten::flushAll);
    }

    /** Where this node keeps its own files (null: memory only). */
    public java.nio.file.Path dataDirectory() {
        return storage.dataDirectory();
    }

    /** Applies the journal's changes a crash kept from the grid; how many (call once, before anything is read). */
    public long recover() {
        return journal.replay();
    }

    /** Moves what the journal holds into the grid's own durability (called every few seconds). */
    public void checkpoint() {
        journal.checkpoint();
    }

    /**
     * Writes the changes pending for over a second to the grid, in one batch a table (called every few ms): most
     * messages are delivered and removed before then and never written; past 20,000 pending, all are written.
     */
    public void flushWrites() {
        unwritten.flushOlder(System.currentTimeMillis() - 1000, 20_000);
    }

    @Override
    public void close() throws IOException {
        unwritten.flushAll();
        journal.close();
    }

    /** A random id with a prefix, as QStash's ({@code msg_…}). */
    public static String newId(String prefix) {
        return newId(prefix, 24);
    }

    private static String newId(String prefix, int randomCharacters) {
        byte[] random = new byte[randomCharacters];
        RANDOM.get().nextBytes(random);
        StringBuilder id = new StringBuilder(prefix.length() + randomCharacters).append(prefix);
        for (byte b : random) {
            // 62 does not divide 256: the first 8 characters are a little likelier (5 in 256 against 4), which
            // leaves over 140 bits of randomness in 24 characters
            id.append(ALPHABET.charAt((b & 0xff) % ALPHABET.length()));
        }
        return id.toString();
    }

    private static SecureRandom newRandom() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    private static int slot(String id) {
        return Math.floorMod(id.hashCode() * 0x9E3779B9, StorageNode.SLOTS);
    }

    private static byte[] key(String id) {
        return id.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] encode(Object record) {
        try {
            return JSON.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> T decode(byte[] value, Class<T> type) {
        try {
            return JSON.readValue(value, type);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable " + type.getSimpleName(), e);
        }
    }

    /** Adds the change to the unwritten ones and to the journal's batch (in that order: see {@link WriteBehind}). */
    private void put(KeyValueTable table, String id, Object record, boolean created, WriteBatch journaling) {
        byte[] value = encode(record);
        unwritten.put(table, id, slot(id), value, created);
        journaling.put(slot(id), key(id), value);
    }

    private void remove(KeyValueTable table, String id, WriteBatch journaling) {
        unwritten.remove(table, id, slot(id));
        journaling.remove(slot(id), key(id));
    }

    /** Journals the batch; returns once it is on disk. */
    private void durably(KeyValueTable table, WriteBatch journaling) {
        journal.append(journaled.get(table), journaling);
        journal.sync();
    }

    private void putDurably(KeyValueTable table, String id, Object record) {
        WriteBatch batch = new WriteBatch();
        put(table, id, record, false, batch);
        durably(table, batch);
    }

    /** A journaled record's newest value: its change not yet in the grid, else the grid's. */
    private byte[] current(KeyValueTable table, String id) {
        return unwritten.read(table, id, () -> table.get(slot(id), key(id)));
    }

    private <T> T read(KeyValueTable table, String id, Class<T> type) {
        byte[] value = journaled.containsKey(table) ? current(table, id) : table.get(slot(id), key(id));
        return value == null ? null : decode(value, type);
    }

    /** The records of this node's partitions that {@code matching} takes, in {@code order}. */
    private <T> List<T> list(KeyValueTable table, Class<T> type, Predicate<T> matching, Comparator<T> order) {
        unwritten.flush(table);
        List<T> found = new ArrayList<>();
        table.scanLocal((slot, key, value) -> {
            T record = decode(value, type);
            if (matching.test(record)) {
                found.add(record);
            }
        });
        found.sort(order);
        return found;
    }

    /**
     * Records of a part built on QStash (Workflow's runs and waiters), kept as messages are: journaled, partitioned
     * by their id, in the grid behind the journal.
     */
    public final class Records<T> {
        private final KeyValueTable table;
        private final Class<T> type;

        private Records(KeyValueTable table, Class<T> type) {
            this.table = table;
            this.type = type;
        }

        public T get(String id) {
            return read(table, id, type);
        }

        /** Stores the record; returns once it is on disk. */
        public void put(String id, T record) {
            putDurably(table, id, record);
        }

        /**
         * Journals the record without waiting for its fsync: it is on disk once the next durable write of this
         * store (a message's, made right after it) returns.
         */
        public void putBefore(String id, T record) {
            WriteBatch batch = new WriteBatch();
            MessageStore.this.put(table, id, record, false, batch);
            journal.append(journaled.get(table), batch);
        }

        /** Removes the record (on disk when it returns); whether it was there. */
        public boolean remove(String id) {
            return removeIfPresent(table, id);
        }

        /** The records of this node's partitions that {@code matching} takes, in {@code order}. */
        public List<T> list(Predicate<T> matching, Comparator<T> order) {
            return MessageStore.this.list(table, type, matching, order);
        }
    }

    public <T> Records<T> workflowRuns(Class<T> type) {
        return new Records<>(workflowRuns, type);
    }

    public <T> Records<T> workflowWaiters(Class<T> type) {
        return new Records<>(workflowWaiters, type);
    }

    /** Stores new messages (their ids just made); returns once they are on disk. */
    public void create(List<Message> made) {
        WriteBatch batch = new WriteBatch();
        made.forEach(message -> put(messages, message.messageId(), message, true, batch));
        durably(messages, batch);
    }

    /** Stores a message with a new attempt due; returns once it is on disk. */
    public void save(Message message) {
        WriteBatch batch = new WriteBatch();
        put(messages, message.messageId(), message, false, batch);
        durably(messages, batch);
    }

    public Message message(String id) {
        return read(messages, id, Message.class);
    }

    /** Removes a message (delivered or cancelled); returns once that is on disk. */
    public void remove(String id) {
        removeDurably(messages, id);
    }

    /**
     * Removes a message its destination took: journaled, and on disk with the next publish's fsync or within 10 ms,
     * which this does not wait for (a crash before then delivers it once more, as at-least-once allows; waiting cost
     * the delivery threads more than the rest of settling it, and an fsync of its own doubled a delivery's).
     */
    public void delivered(String id) {
        WriteBatch batch = new WriteBatch();
        remove(messages, id, batch);
        journal.append(journaled.get(messages), batch);
        journal.syncSoon();
    }

    private void removeDurably(KeyValueTable table, String id) {
        WriteBatch batch = new WriteBatch();
        remove(table, id, batch);
        durably(table, batch);
    }

    /** Removes a record; whether it was there. */
    private boolean removeIfPresent(KeyValueTable table, String id) {
        boolean present = current(table, id) != null;
        removeDurably(table, id);
        return present;
    }

    /** Moves a message to the dead-letter queue; durable when it returns (stored there before it leaves the messages). */
    public void toDeadLetters(DeadLetter letter) {
        WriteBatch letters = new WriteBatch();
        put(deadLetters, letter.dlqId(), letter, true, letters);
        journal.append(journaled.get(deadLetters), letters);
        WriteBatch removed = new WriteBatch();
        remove(messages, letter.message().messageId(), removed);
        durably(messages, removed);
    }

    /** Where and when each message of this node's partitions waits (for scheduling them), read without bodies. */
    public void eachLocalWaiting(Consumer<Waiting> visitor) {
        unwritten.flush(messages);
        messages.scanLocal((slot, key, value) -> visitor.accept(decode(value, Waiting.class)));
    }

    public List<Message> messagesOf(int database, Predicate<Message> matching) {
        return list(messages, Message.class, message -> message.database() == database && matching.test(message),
                Message.CREATION_ORDER);
    }

    public DeadLetter deadLetter(String dlqId) {
        return read(deadLetters, dlqId, DeadLetter.class);
    }

    public boolean removeDeadLetter(String dlqId) {
        return removeIfPresent(deadLetters, dlqId);
    }

    /** A database's dead letters, newest first. */
    public List<DeadLetter> deadLettersOf(int database, Predicate<DeadLetter> matching) {
        return list(deadLetters, DeadLetter.class, letter -> letter.message().database() == database && matching.test(letter),
                Comparator.comparingLong(DeadLetter::failedAt).reversed().thenComparing(DeadLetter::dlqId));
    }

    private static String queueKey(int database, String name) {
        return database + "/" + name;
    }

    public Queue queue(int database, String name) {
        return read(queues, queueKey(database, name), Queue.class);
    }

    public void saveQueue(Queue queue) {
        putDurably(queues, queueKey(queue.database(), queue.name()), queue);
    }

    public boolean removeQueue(int database, String name) {
        return removeIfPresent(queues, queueKey(database, name));
    }

    /** A database's queues by name. */
    public List<Queue> queuesOf(int database) {
        return list(queues, Queue.class, queue -> queue.database() == database, Comparator.comparing(Queue::name));
    }

    public Schedule schedule(String id) {
        return read(schedules, id, Schedule.class);
    }

    public void saveSchedule(Schedule schedule) {
        putDurably(schedules, schedule.scheduleId(), schedule);
    }

    public boolean removeSchedule(String id) {
        return removeIfPresent(schedules, id);
    }

    /** The schedules of this node's partitions that {@code matching} takes, oldest first. */
    public List<Schedule> schedules(Predicate<Schedule> matching) {
        return list(schedules, Schedule.class, matching, Comparator.comparingLong(Schedule::createdAt).thenComparing(Schedule::scheduleId));
    }

    public UrlGroup group(int database, String name) {
        return read(groups, queueKey(database, name), UrlGroup.class);
    }

    public void saveGroup(UrlGroup group) {
        putDurably(groups, queueKey(group.database(), group.name()), group);
    }

    public boolean removeGroup(int database, String name) {
        return removeIfPresent(groups, queueKey(database, name));
    }

    public List<UrlGroup> groupsOf(int database) {
        return list(groups, UrlGroup.class, group -> group.database() == database, Comparator.comparing(UrlGroup::name));
    }

    /** Keeps what was set on a flow-control key (nothing set: forgets it); durable when it returns. */
    public void saveFlowSettings(FlowSettings settings) {
        String id = queueKey(settings.database(), settings.key());
        if (settings.none()) {
            removeDurably(flowSettings, id);
        } else {
            putDurably(flowSettings, id, settings);
        }
    }

    /** What was set on the flow-control keys of this node's partitions. */
    public List<FlowSettings> flowSettings() {
        return list(flowSettings, FlowSettings.class, settings -> true, Comparator.comparingInt(FlowSettings::database).thenComparing(FlowSettings::key));
    }

    /** A publish already made under a deduplication id: the messages it made (one per URL), and when. */
    public record Published(List<String> messageIds, List<String> urls, long at) {
    }

    /** The publish made under this deduplication id since {@code since} (Unix ms), or null. */
    public Published published(int database, String deduplicationId, long since) {
        Published published = read(deduplication, database + "/" + deduplicationId, Published.class);
        return published == null || published.at() < since ? null : published;
    }

    /** Remembers the message a deduplication id made (once the message is stored). */
    public void rememberPublished(int database, String deduplicationId, Published published) {
        String id = database + "/" + deduplicationId;
        WriteBatch batch = new WriteBatch();
        batch.put(slot(id), key(id), encode(published));
        deduplication.write(batch).toCompletableFuture().join();
    }

    /** Signing keys as read, kept for a second: every delivery is signed, and another node may rotate them. */
    private record CachedKeys(SigningKeys keys, long until) {
    }

    /** A database's signing keys, made (and stored) on first use. */
    public SigningKeys signingKeys(int database) {
        CachedKeys cached = signing.get(database);
        if (cached != null && cached.until() > System.currentTimeMillis()) {
            return cached.keys();
        }
        synchronized (this) {
            SigningKeys stored = read(keys, "db-" + database, SigningKeys.class);
            if (stored == null) {
                stored = new SigningKeys(newKey(), newKey());
                putDurably(keys, "db-" + database, stored);
            }
            signing.put(database, new CachedKeys(stored, System.currentTimeMillis() + 1000));
            return stored;
        }
    }

    /** The next key becomes the current one and a new next key is made. */
    public synchronized SigningKeys rotate(int database) {
        SigningKeys stored = read(keys, "db-" + database, SigningKeys.class); // not the cached ones: another node may have rotated
        SigningKeys rotated = new SigningKeys((stored != null ? stored : signingKeys(database)).next(), newKey());
        setSigningKeys(database, rotated);
        return rotated;
    }

    public synchronized void setSigningKeys(int database, SigningKeys given) {
        putDurably(keys, "db-" + database, given);
        signing.put(database, new CachedKeys(given, System.currentTimeMillis() + 1000));
    }

    /** QStash's key form: {@code sig_} and 28 letters and digits (a 256-bit HMAC secret as UTF-8). */
    private static String newKey() {
        return newId("sig_", 28);
    }

    /** Appends to a database's log (written to the grid by the next {@link #flushEvents}; not waited for). */
    public void log(Event event) {
        events.log(event);
    }

    /** Writes the events logged since the last call to the grid, in one batch. */
    public void flushEvents() {
        events.flush();
    }

    /** A page of a listing and the cursor of the next one (null: this was the last). */
    public record Page<T>(List<T> items, String cursor) {
    }

    /** A database's events that {@code matching} takes, newest first, at most {@code limit}, after the cursor's. */
    public Page<Event> eventsOf(int database, Predicate<Event> matching, int limit, String cursor) {
        return events.eventsOf(database, matching, limit, cursor);
    }

    /** A cursor ({@code <ms>-<sequence>}, as event cursors and DLQ ids are) as its two numbers. */
    public static long[] cursorParts(String cursor) {
        int dash = cursor.indexOf('-');
        try {
            return new long[] {Long.parseLong(cursor.substring(0, dash)), Long.parseLong(cursor.substring(dash + 1))};
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid cursor " + cursor);
        }
    }

    /** Drops the events older than {@code before} (Unix ms); how many. */
    public int pruneEvents(long before) {
        return events.prune(before);
    }

    /** Forgets the deduplication ids used before {@code before} (Unix ms); how many. */
    public int pruneDeduplication(long before) {
        return prune(deduplication, (key, value) -> decode(value, Published.class).at() < before);
    }

    private int prune(KeyValueTable table, java.util.function.BiPredicate<byte[], byte[]> old) {
        WriteBatch batch = new WriteBatch();
        int[] count = {0};
        table.scanLocal((slot, key, value) -> {
            if (old.test(key, value)) {
                batch.remove(slot, key);
                count[0]++;
            }
        });
        if (count[0] > 0) {
            table.write(batch).toCompletableFuture().join();
        }
        return count[0];
    }
}
