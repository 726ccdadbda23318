package dev.larder.storage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Changes collected for one {@link KeyValueTable#write(WriteBatch)}. Not thread-safe. */
public final class WriteBatch {

    /** One change: a put when {@code value} is non-null, otherwise a remove. */
    public record Change(int slot, byte[] key, byte[] value) {
        public boolean isRemove() {
            return value == null;
        }
    }

    private final List<Change> changes = new ArrayList<>();

    public WriteBatch put(int slot, byte[] key, byte[] value) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null; use remove");
        }
        changes.add(new Change(slot, key, value));
        return this;
    }

    public WriteBatch remove(int slot, byte[] key) {
        changes.add(new Change(slot, key, null));
        return this;
    }

    public List<Change> changes() {
        return Collections.unmodifiableList(changes);
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    public int size() {
        return changes.size();
    }
}
