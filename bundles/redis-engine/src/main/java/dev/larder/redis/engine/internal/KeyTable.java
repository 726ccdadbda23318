package dev.larder.redis.engine.internal;

import java.util.Random;
import java.util.function.BiConsumer;

/**
 * The keys of one logical database in one shard: a chained hash table with a power-of-two number of
 * buckets, like Redis's dict. What HashMap cannot give: a SCAN cursor that stays valid while the table
 * grows or shrinks between calls (Redis's reverse-binary cursor over bucket indexes), and a random key
 * in expected constant time. Not thread-safe: used under the shard lock.
 */
final class KeyTable {

    private static final int MIN_BUCKETS = 16;

    private static final class Node {
        final ByteKey key;
        Entry entry;
        Node next;

        Node(ByteKey key, Entry entry, Node next) {
            this.key = key;
            this.entry = entry;
            this.next = next;
        }
    }

    private Node[] buckets = new Node[MIN_BUCKETS];
    private int size;

    int size() {
        return size;
    }

    Entry get(ByteKey key) {
        for (Node node = buckets[index(key, buckets.length)]; node != null; node = node.next) {
            if (node.key.equals(key)) {
                return node.entry;
            }
        }
        return null;
    }

    void put(ByteKey key, Entry entry) {
        int bucket = index(key, buckets.length);
        for (Node node = buckets[bucket]; node != null; node = node.next) {
            if (node.key.equals(key)) {
                node.entry = entry;
                return;
            }
        }
        buckets[bucket] = new Node(key, entry, buckets[bucket]);
        size++;
        if (size > buckets.length) {
            resize(buckets.length * 2);
        }
    }

    Entry remove(ByteKey key) {
        int bucket = index(key, buckets.length);
        Node previous = null;
        for (Node node = buckets[bucket]; node != null; previous = node, node = node.next) {
            if (node.key.equals(key)) {
                if (previous == null) {
                    buckets[bucket] = node.next;
                } else {
                    previous.next = node.next;
                }
                size--;
                if (buckets.length > MIN_BUCKETS && size < buckets.length / 8) {
                    resize(buckets.length / 2);
                }
                return node.entry;
            }
        }
        return null;
    }

    void clear() {
        buckets = new Node[MIN_BUCKETS];
        size = 0;
    }

    void forEach(BiConsumer<ByteKey, Entry> action) {
        for (Node head : buckets) {
            for (Node node = head; node != null; node = node.next) {
                action.accept(node.key, node.entry);
            }
        }
    }

    /**
     * Visits the keys of the bucket the cursor names and returns the next cursor, 0 after the last bucket.
     * A key present for a whole iteration (cursor 0 back to 0) is visited at least once, however the
     * table was resized in between; a key may be visited twice.
     */
    long scan(long cursor, BiConsumer<ByteKey, Entry> action) {
        long mask = buckets.length - 1;
        for (Node node = buckets[(int) (cursor & mask)]; node != null; node = node.next) {
            action.accept(node.key, node.entry);
        }
        long next = cursor | ~mask;
        next = Long.reverse(next);
        next++;
        return Long.reverse(next);
    }

    /** A random key, or null when empty: a random non-empty bucket, then a random node of its chain. */
    ByteKey randomKey(Random random) {
        if (size == 0) {
            return null;
        }
        Node head;
        do {
            head = buckets[random.nextInt(buckets.length)];
        } while (head == null);
        int length = 0;
        for (Node node = head; node != null; node = node.next) {
            length++;
        }
        Node chosen = head;
        for (int skip = random.nextInt(length); skip > 0; skip--) {
            chosen = chosen.next;
        }
        return chosen.key;
    }

    private void resize(int bucketCount) {
        Node[] resized = new Node[bucketCount];
        for (Node head : buckets) {
            Node node = head;
            while (node != null) {
                Node next = node.next;
                int bucket = index(node.key, bucketCount);
                node.next = resized[bucket];
                resized[bucket] = node;
                node = next;
            }
        }
        buckets = resized;
    }

    private static int index(ByteKey key, int bucketCount) {
        int h = key.hashCode();
        return (h ^ (h >>> 16)) & (bucketCount - 1);
    }
}
