package dev.larder.qstash.delivery;

import dev.larder.qstash.store.FlowSettings;
import dev.larder.qstash.store.Publication.FlowControl;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Upstash's flow control on this node: the messages of a key (across URLs) are delivered at most
 * {@code parallelism} at once and at most {@code rate} starts a period; a due message beyond that waits in the
 * key's list, in the order it came due. A key takes the limits of its latest message unless they are pinned;
 * a paused key starts nothing (its period keeps running). A pause and pins are handed to a listener that keeps
 * them, and {@link #restore restored} at start.
 *
 * <p>A key's list holds at most {@code maxWaiting} ids: past it (and while any are), a due message that may wait
 * elsewhere is {@linkplain Admission#LEFT_OUT left out}: it waits in the grid, and once the list has room again
 * {@link #refills} says how many of the key's earliest may come back.
 */
public final class FlowControls {

    /** A key's state, as {@code GET /v2/flowControl/<key>} shows it. */
    public record Info(String key, int waitListSize, int parallelismMax, int parallelismCount, int rateMax, int rateCount, int ratePeriod,
            long ratePeriodStart, boolean paused, boolean pinnedParallelism, boolean pinnedRate) {
    }

    /** A waiting message its key let start now (counted as in flight there). */
    public record Started(int database, String key, String messageId) {
    }

    /** What {@link #admit} made of a due message. */
    public enum Admission {
        /** It may start now (counted as started and in flight). */
        START,
        /** It waits in the key's list. */
        WAIT,
        /** The key's list is full: the message waits in the grid until the key {@linkplain #refills has room}. */
        LEFT_OUT
    }

    /** A key whose list has room for {@code room} of the messages left out. */
    public record Refill(int database, String key, int room) {
    }

    private static final class Key {
        final int database;
        final String name;
        final ArrayDeque<String> waiting = new ArrayDeque<>();
        int inGrid; // how many of the key's due messages were left out and not taken back yet
        int parallelism;
        int rate;
        int periodSeconds = 1;
        int inFlight;
        int started;
        long periodStart = System.currentTimeMillis();
        boolean paused;
        boolean pinnedParallelism;
        boolean pinnedRate;

        Key(int database, String name) {
            this.database = database;
            this.name = name;
        }

        void roll(long now) {
            if (now - periodStart >= periodSeconds * 1000L) {
                periodStart = now - (now - periodStart) % (periodSeconds * 1000L);
                started = 0;
            }
        }

        boolean room(long now) {
            roll(now);
            return !paused && (parallelism <= 0 || inFlight < parallelism) && (rate <= 0 || started < rate);
        }
    }

    private final Map<String, Key> keys = new ConcurrentHashMap<>();
    private final Consumer<FlowSettings> changed;
    private final int maxWaiting;

    /**
     * @param changed    told of a key's new settings (under the key's lock, so in the order they were made)
     * @param maxWaiting the most ids a key's list holds in memory
     */
    public FlowControls(Consumer<FlowSettings> changed, int maxWaiting) {
        this.changed = changed;
        this.maxWaiting = maxWaiting;
    }

    /** A key's settings as kept (at start, before its messages come due). */
    public void restore(FlowSettings settings) {
        Key key = key(settings.database(), settings.key());
        synchronized (key) {
            key.paused = settings.paused();
            if (settings.parallelism() != null) {
                key.parallelism = settings.parallelism();
                key.pinnedParallelism = true;
            }
            if (settings.rate() != null) {
                key.rate = settings.rate();
                key.pinnedRate = true;
                key.periodSeconds = settings.periodSeconds() == null ? 1 : settings.periodSeconds();
            }
        }
    }

    private void changed(Key key) {
        changed.accept(new FlowSettings(key.database, key.name, key.paused, key.pinnedParallelism ? key.parallelism : null,
                key.pinnedRate ? key.rate : null, key.pinnedRate ? key.periodSeconds : null));
    }

    private static String id(int database, String key) {
        return database + "/" + key;
    }

    private Key key(int database, String name) {
        return keys.computeIfAbsent(id(database, name), id -> new Key(database, name));
    }

    /**
     * A due message of a key: it may start now, or waits in the key's list, or (when the list is full and
     * {@code mayLeaveOut}) in the grid. The message's limits become the key's unless pinned.
     */
    public Admission admit(int database, FlowControl flow, String messageId, boolean mayLeaveOut) {
        Key key = key(database, flow.key());
        synchronized (key) {
            if (!key.pinnedParallelism && flow.parallelism() != null) {
                key.parallelism = flow.parallelism();
            }
            if (!key.pinnedRate && flow.rate() != null) {
                key.rate = flow.rate();
                key.periodSeconds = flow.periodSeconds() == null ? 1 : Math.max(1, flow.periodSeconds());
            }
            if (key.waiting.isEmpty() && key.room(System.currentTimeMillis())) {
                key.inFlight++;
                key.started++;
                return Admission.START;
            }
            if (mayLeaveOut && (key.inGrid > 0 || key.waiting.size() >= maxWaiting)) {
                key.inGrid++;
                return Admission.LEFT_OUT;
            }
            key.waiting.addLast(messageId);
            return Admission.WAIT;
        }
    }

    /** Whether some of the key's messages wait only in the grid (they come back through {@link #refills}). */
    public boolean leftOut(int database, String name) {
        Key key = keys.get(id(database, name));
        if (key == null) {
            return false;
        }
        synchronized (key) {
            return key.inGrid > 0;
        }
    }

    /** The keys with messages left out whose lists are at most half full. */
    public List<Refill> refills() {
        List<Refill> due = new ArrayList<>();
        for (Key key : keys.values()) {
            synchronized (key) {
                if (key.inGrid > 0 && key.waiting.size() <= maxWaiting / 2) {
                    due.add(new Refill(key.database, key.name, maxWaiting - key.waiting.size()));
                }
            }
        }
        return due;
    }

    /** {@code taken} of the key's messages left out were taken back (to come due again). */
    public void tookBack(int database, String name, int taken) {
        Key key = keys.get(id(database, name));
        if (key != null) {
            synchronized (key) {
                key.inGrid = Math.max(0, key.inGrid - taken);
            }
        }
    }

    /** A message of the key is done; the waiting ones that may start now (already counted). */
    public List<Started> finished(int database, String name) {
        Key key = keys.get(id(database, name));
        if (key == null) {
            return List.of();
        }
        synchronized (key) {
            key.inFlight = Math.max(0, key.inFlight - 1);
            return startable(key);
        }
    }

    /** The waiting messages that may start now, over all keys (a new rate period, a resumed key). */
    public List<Started> startable() {
        List<Started> all = new ArrayList<>();
        for (Key key : keys.values()) {
            synchronized (key) {
                if (!key.waiting.isEmpty()) {
                    all.addAll(startable(key));
                }
            }
        }
        return all;
    }

    private static List<Started> startable(Key key) {
        List<Started> starting = new ArrayList<>();
        long now = System.currentTimeMillis();
        while (!key.waiting.isEmpty() && key.room(now)) {
            starting.add(new Started(key.database, key.name, key.waiting.pollFirst()));
            key.inFlight++;
            key.started++;
        }
        return starting;
    }

    /** Drops a cancelled message from its key's list (one left out stays counted until it is taken back and found gone). */
    public void forget(int database, String name, String messageId) {
        Key key = keys.get(id(database, name));
        if (key != null) {
            synchronized (key) {
                key.waiting.remove(messageId);
            }
        }
    }

    public Info info(int database, String name) {
        Key key = keys.get(id(database, name));
        if (key == null) {
            return null;
        }
        synchronized (key) {
            key.roll(System.currentTimeMillis());
            return new Info(key.name, key.waiting.size() + key.inGrid, key.parallelism, key.inFlight, key.rate, key.started, key.periodSeconds,
                    key.periodStart / 1000, key.paused, key.pinnedParallelism, key.pinnedRate);
        }
    }

    public List<Info> infos(int database, String search) {
        List<Info> all = new ArrayList<>();
        String prefix = database + "/";
        keys.forEach((id, key) -> {
            if (id.startsWith(prefix) && (search == null || key.name.contains(search))) {
                all.add(info(database, key.name));
            }
        });
        all.sort(java.util.Comparator.comparing(Info::key));
        return all;
    }

    /** Pauses or resumes a key; false when it is unknown. */
    public boolean pause(int database, String name, boolean paused) {
        Key key = keys.get(id(database, name));
        if (key == null) {
            return false;
        }
        synchronized (key) {
            key.paused = paused;
            changed(key);
        }
        return true;
    }

    /** A new rate period now, with nothing started in it; false when the key is unknown. */
    public boolean resetRate(int database, String name) {
        Key key = keys.get(id(database, name));
        if (key == null) {
            return false;
        }
        synchronized (key) {
            key.started = 0;
            key.periodStart = System.currentTimeMillis();
        }
        return true;
    }

    /** Fixes limits (null: leave that one), ignoring the messages' own until unpinned; resets the rate. */
    public boolean pin(int database, String name, Integer parallelism, Integer rate, Integer periodSeconds) {
        Key key = keys.get(id(database, name));
        if (key == null) {
            return false;
        }
        synchronized (key) {
            if (parallelism != null) {
                key.parallelism = parallelism;
                key.pinnedParallelism = true;
            }
            if (rate != null) {
                key.rate = rate;
                key.pinnedRate = true;
            }
            if (periodSeconds != null) {
                key.periodSeconds = Math.max(1, periodSeconds);
            }
            key.started = 0;
            key.periodStart = System.currentTimeMillis();
            changed(key);
        }
        return true;
    }

    /** Lets messages set the limit again (it keeps its value until one does). */
    public boolean unpin(int database, String name, boolean parallelism, boolean rate) {
        Key key = keys.get(id(database, name));
        if (key == null) {
            return false;
        }
        synchronized (key) {
            key.pinnedParallelism &= !parallelism;
            key.pinnedRate &= !rate;
            changed(key);
        }
        return true;
    }
}
