package dev.larder.redis.api.types;

import java.util.Arrays;
import java.util.Random;
import java.util.function.BiConsumer;

/**
 * A chained hash table with a power-of-two number of buckets, like Redis's dict. What HashMap cannot
 * give: a SCAN cursor that stays valid while the table grows or shrinks between calls (Redis's
 * reverse-binary cursor over bucket indexes), and a random entry in expected constant time. Not
 * thread-safe.
 */
public final class ScanTable<V> {

    private static final int MIN_BUCKETS = 16;

    /** The key's bytes and hash, not a {@link Bytes}: one object less for every entry. */
    private static final class Node<V> {
        final byte[] key;
        final int hash;
        V value;
        Node<V> next;

        Node(Bytes key, V value, Node<V> next) {
            this.key = key.bytes();
            this.hash = key.hashCode();
            this.value = value;
            this.next = next;
        }

        boolean holds(Bytes other) {
            return hash == other.hashCode() && Arrays.equals(key, other.bytes());
        }

        Bytes bytesKey() {
            return new Bytes(key, hash);
        }
    }

    @SuppressWarnings("unchecked")
    private Node<V>[] buckets = new Node[MIN_BUCKETS];
    private int size;

    public int size() {
        return size;
    }

    public V get(Bytes key) {
        for (Node<V> node = buckets[index(key, buckets.length)]; node != null; node = node.next) {
            if (node.holds(key)) {
                return node.value;
            }
        }
        return null;
    }

    /** @return the value it replaced, or null */
    public V put(Bytes key, V value) {
        int bucket = index(key, buckets.length);
        for (Node<V> node = buckets[bucket]; node != null; node = node.next) {
            if (node.holds(key)) {
                V previous = node.value;
                node.value = value;
                return previous;
            }
        }
        buckets[bucket] = new Node<>(key, value, buckets[bucket]);
        size++;
        if (size > buckets.length) {
            resize(buckets.length * 2);
        }
        return null;
    }

    /** @return the removed value, or null */
    public V remove(Bytes key) {
        int bucket = index(key, buckets.length);
        Node<V> previous = null;
        for (Node<V> node = buckets[bucket]; node != null; previous = node, node = node.next) {
            if (node.holds(key)) {
                if (previous == null) {
                    buckets[bucket] = node.next;
                } else {
                    previous.next = node.next;
                }
                size--;
                if (buckets.length > MIN_BUCKETS && size < buckets.length / 8) {
                    resize(buckets.length / 2);
                }
                return node.value;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    public void clear() {
        buckets = new Node[MIN_BUCKETS];
        size = 0;
    }

    public void forEach(BiConsumer<Bytes, V> action) {
        for (Node<V> head : buckets) {
            for (Node<V> node = head; node != null; node = node.next) {
                action.accept(node.bytesKey(), node.value);
            }
        }
    }

    /**
     * Visits the entries of the bucket the cursor names and returns the next cursor, 0 after the last
     * bucket. An entry present for a whole iteration (cursor 0 back to 0) is visited at least once,
     * however the table was resized in between; an entry may be visited twice.
     */
    public long scan(long cursor, BiConsumer<Bytes, V> action) {
        long mask = buckets.length - 1;
        for (Node<V> node = buckets[(int) (cursor & mask)]; node != null; node = node.next) {
            action.accept(node.bytesKey(), node.value);
        }
        long next = cursor | ~mask;
        next = Long.reverse(next);
        next++;
        return Long.reverse(next);
    }

    /** A random key, or null when empty: a random non-empty bucket, then a random node of its chain. */
    public Bytes randomKey(Random random) {
        if (size == 0) {
            return null;
        }
        Node<V> head;
        do {
            head = buckets[random.nextInt(buckets.length)];
        } while (head == null);
        int length = 0;
        for (Node<V> node = head; node != null; node = node.next) {
            length++;
        }
        Node<V> chosen = head;
        for (int skip = random.nextInt(length); skip > 0; skip--) {
            chosen = chosen.next;
        }
        return chosen.bytesKey();
    }

    @SuppressWarnings("unchecked")
    private void resize(int bucketCount) {
        Node<V>[] resized = new Node[bucketCount];
        for (Node<V> head : buckets) {
            Node<V> node = head;
            while (node != null) {
                Node<V> next = node.next;
                int bucket = index(node.hash, bucketCount);
                node.next = resized[bucket];
                resized[bucket] = node;
                node = next;
            }
        }
        buckets = resized;
    }

    private static int index(Bytes key, int bucketCount) {
        return index(key.hashCode(), bucketCount);
    }

    private static int index(int h, int bucketCount) {
        return (h ^ (h >>> 16)) & (bucketCount - 1);
    }
}
