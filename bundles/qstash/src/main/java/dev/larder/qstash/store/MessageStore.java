package dev.larder.qstash.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.larder.storage.KeyValueTable;
import dev.larder.storage.StorageNode;
import dev.larder.storage.WriteBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * QStash's records in the grid: messages waiting for delivery (partitioned by message id), dead letters (by DLQ
 * id), each database's signing keys and its log of events. Every change a delivery depends on is on disk
 * before the call returns (one write-ahead log fsync), so an acknowledged message survives a crash.
 */
public final class MessageStore {

    static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private final StorageNode storage;
    private final KeyValueTable messages;
    private final KeyValueTable deadLetters;
    private final KeyValueTable keys;
    private final KeyValueTable events;
    private final KeyValueTable queues;
    private final KeyValueTable deduplication;
    private final AtomicLong eventSequence = new AtomicLong(System.nanoTime());

    public MessageStore(StorageNode storage) {
        this.storage = storage;
        this.messages = storage.table("qstash-messages");
        this.deadLetters = storage.table("qstash-dlq");
        this.keys = storage.table("qstash-keys");
        this.events = storage.table("qstash-events");
        this.queues = storage.table("qstash-queues");
        this.deduplication = storage.table("qstash-dedup");
    }

    /** A random id with a prefix, as QStash's ({@code msg_…}). */
    public static String newId(String prefix) {
        return newId(prefix, 24);
    }

    private static String newId(String prefix, int randomCharacters) {
        StringBuilder id = new StringBuilder(prefix);
        for (int i = 0; i < randomCharacters; i++) {
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return id.toString();
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

    private void durably(KeyValueTable table, WriteBatch batch) {
        table.write(batch).toCompletableFuture().join();
        storage.syncToDisk();
    }

    /** Stores messages (new, or with a new attempt due); returns once they are on disk. */
    public void save(List<Message> saved) {
        WriteBatch batch = new WriteBatch();
        saved.forEach(message -> batch.put(slot(message.messageId()), key(message.messageId()), encode(message)));
        durably(messages, batch);
    }

    public Message message(String id) {
        byte[] value = messages.get(slot(id), key(id));
        return value == null ? null : decode(value, Message.class);
    }

    /** Removes a message (delivered or cancelled); whether it was there. */
    public boolean remove(String id) {
        return removeDurably(messages, id);
    }

    private boolean removeDurably(KeyValueTable table, String id) {
        boolean removed = table.remove(slot(id), key(id));
        storage.syncToDisk();
        return removed;
    }

    /** Moves a message to the dead-letter queue; durable when it returns (stored there before it leaves the messages). */
    public void toDeadLetters(DeadLetter letter) {
        WriteBatch batch = new WriteBatch();
        batch.put(slot(letter.dlqId()), key(letter.dlqId()), encode(letter));
        deadLetters.write(batch).toCompletableFuture().join();
        messages.remove(slot(letter.message().messageId()), key(letter.message().messageId()));
        storage.syncToDisk();
    }

    /** The messages whose partitions this node owns, for their deliveries to be scheduled at start. */
    public void eachLocalMessage(Consumer<Message> visitor) {
        messages.scanLocal((slot, key, value) -> visitor.accept(decode(value, Message.class)));
    }

    public List<Message> messagesOf(int database, Predicate<Message> matching) {
        List<Message> found = new ArrayList<>();
        eachLocalMessage(message -> {
            if (message.database() == database && matching.test(message)) {
                found.add(message);
            }
        });
        found.sort(Comparator.comparingLong(Message::createdAt));
        return found;
    }

    public DeadLetter deadLetter(String dlqId) {
        byte[] value = deadLetters.get(slot(dlqId), key(dlqId));
        return value == null ? null : decode(value, DeadLetter.class);
    }

    public boolean removeDeadLetter(String dlqId) {
        return removeDurably(deadLetters, dlqId);
    }

    /** A database's dead letters, newest first. */
    public List<DeadLetter> deadLettersOf(int database) {
        List<DeadLetter> found = new ArrayList<>();
        deadLetters.scanLocal((slot, key, value) -> {
            DeadLetter letter = decode(value, DeadLetter.class);
            if (letter.message().database() == database) {
                found.add(letter);
            }
        });
        found.sort(Comparator.comparingLong(DeadLetter::failedAt).reversed().thenComparing(DeadLetter::dlqId));
        return found;
    }

    private static String queueKey(int database, String name) {
        return database + "/" + name;
    }

    public Queue queue(int database, String name) {
        String id = queueKey(database, name);
        byte[] value = queues.get(slot(id), key(id));
        return value == null ? null : decode(value, Queue.class);
    }

    public void saveQueue(Queue queue) {
        String id = queueKey(queue.database(), queue.name());
        WriteBatch batch = new WriteBatch();
        batch.put(slot(id), key(id), encode(queue));
        durably(queues, batch);
    }

    public boolean removeQueue(int database, String name) {
        return removeDurably(queues, queueKey(database, name));
    }

    /** A database's queues by name. */
    public List<Queue> queuesOf(int database) {
        List<Queue> found = new ArrayList<>();
        queues.scanLocal((slot, key, value) -> {
            Queue queue = decode(value, Queue.class);
            if (queue.database() == database) {
                found.add(queue);
            }
        });
        found.sort(Comparator.comparing(Queue::name));
        return found;
    }

    /** A publish already made under a deduplication id: the message it made, and when. */
    public record Published(String messageId, long at) {
    }

    /** The publish made under this deduplication id since {@code since} (Unix ms), or null. */
    public Published published(int database, String deduplicationId, long since) {
        String id = database + "/" + deduplicationId;
        byte[] value = deduplication.get(slot(id), key(id));
        Published published = value == null ? null : decode(value, Published.class);
        return published == null || published.at() < since ? null : published;
    }

    /** Remembers the message a deduplication id made (once the message is stored). */
    public void rememberPublished(int database, String deduplicationId, Published published) {
        String id = database + "/" + deduplicationId;
        WriteBatch batch = new WriteBatch();
        batch.put(slot(id), key(id), encode(published));
        deduplication.write(batch).toCompletableFuture().join();
    }

    /** A database's signing keys, made (and stored) on first use. */
    public synchronized SigningKeys signingKeys(int database) {
        String id = "db-" + database;
        byte[] value = keys.get(slot(id), key(id));
        if (value != null) {
            return decode(value, SigningKeys.class);
        }
        SigningKeys made = new SigningKeys(newKey(), newKey());
        saveKeys(id, made);
        return made;
    }

    /** The next key becomes the current one and a new next key is made. */
    public synchronized SigningKeys rotate(int database) {
        SigningKeys rotated = new SigningKeys(signingKeys(database).next(), newKey());
        saveKeys("db-" + database, rotated);
        return rotated;
    }

    public synchronized void setSigningKeys(int database, SigningKeys given) {
        saveKeys("db-" + database, given);
    }

    private void saveKeys(String id, SigningKeys signingKeys) {
        WriteBatch batch = new WriteBatch();
        batch.put(slot(id), key(id), encode(signingKeys));
        durably(keys, batch);
    }

    /** QStash's key form: {@code sig_} and 28 letters and digits (a 256-bit HMAC secret as UTF-8). */
    private static String newKey() {
        return newId("sig_", 28);
    }

    /** Appends to a database's log (not waited for: a log entry lost in a crash loses no message). */
    public void log(Event event) {
        byte[] key = ByteBuffer.allocate(20).putInt(event.database()).putLong(event.time()).putLong(eventSequence.incrementAndGet()).array();
        WriteBatch batch = new WriteBatch();
        batch.put(Math.floorMod(event.database() * 0x9E3779B9, StorageNode.SLOTS), key, encode(event));
        events.write(batch);
    }

    /** A database's events, newest first, at most {@code limit}, that {@code matching} takes. */
    public List<Event> eventsOf(int database, Predicate<Event> matching, int limit) {
        List<Event> found = new ArrayList<>();
        events.scanLocal((slot, key, value) -> {
            if (ByteBuffer.wrap(key).getInt() == database) {
                Event event = decode(value, Event.class);
                if (matching.test(event)) {
                    found.add(event);
                }
            }
        });
        found.sort(Comparator.comparingLong(Event::time).reversed());
        return found.size() > limit ? new ArrayList<>(found.subList(0, limit)) : found;
    }
}
