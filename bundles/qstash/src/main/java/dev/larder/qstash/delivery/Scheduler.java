package dev.larder.qstash.delivery;

import dev.larder.qstash.store.Message;
import dev.larder.qstash.store.MessageStore;
import dev.larder.qstash.store.Schedule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires the schedules of this node's partitions: at each time a schedule's cron names, its publication becomes
 * messages (stored before the schedule records the firing, so a crash in between fires it again rather than not
 * at all). Firings missed while the server was down are made up by one firing at start, not a burst.
 */
public final class Scheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.qstash");

    private final MessageStore store;
    private final Deliveries deliveries;
    private final Map<String, Schedule> local = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("qstash-schedules").daemon().factory());

    public Scheduler(MessageStore store, Deliveries deliveries) {
        this.store = store;
        this.deliveries = deliveries;
        deliveries.addListener((message, state, letter) -> settled(message, state));
    }

    /** Loads this node's schedules, fires those that came due while the server was down (once each) and starts ticking. */
    public int start() {
        store.schedules(schedule -> true).forEach(schedule -> local.put(schedule.scheduleId(), schedule));
        ticker.scheduleWithFixedDelay(this::tick, 0, 250, TimeUnit.MILLISECONDS);
        return local.size();
    }

    /** Stores a new or replaced schedule and fires it from now on. */
    public void upsert(Schedule schedule) {
        store.saveSchedule(schedule);
        local.put(schedule.scheduleId(), schedule);
    }

    public boolean remove(String scheduleId) {
        local.remove(scheduleId);
        return store.removeSchedule(scheduleId);
    }

    public void pause(Schedule schedule, boolean paused) {
        long next = Crons.parse(schedule.cron()).nextAfter(System.currentTimeMillis());
        upsert(schedule.paused(paused, next));
    }

    private synchronized void tick() {
        long now = System.currentTimeMillis();
        for (Schedule schedule : local.values()) {
            if (!schedule.paused() && schedule.nextScheduleTime() <= now) {
                try {
                    fire(schedule, now);
                } catch (RuntimeException e) {
                    LOG.error("QStash schedule {} could not fire; it is tried again", schedule.scheduleId(), e);
                }
            }
        }
    }

    private void fire(Schedule schedule, long now) {
        Crons.Cron cron = Crons.parse(schedule.cron());
        Map<String, String> states = new LinkedHashMap<>();
        try {
            List<Message> made = deliveries.publish(schedule.database(), schedule.publication().fromSchedule(schedule.scheduleId()),
                    now + schedule.delayMillis());
            made.forEach(message -> states.put(message.messageId(), "IN_PROGRESS"));
        } catch (java.util.NoSuchElementException noGroup) {
            LOG.warn("QStash schedule {}: {}; nothing sent", schedule.scheduleId(), noGroup.getMessage());
        }
        long next = cron.nextAfter(schedule.nextScheduleTime());
        if (next <= now) {
            next = cron.nextAfter(now); // behind (the server was down): one firing made up, then on time again
        }
        Schedule fired = schedule.fired(now, next, states);
        if (local.replace(schedule.scheduleId(), schedule, fired)) {
            store.saveSchedule(fired);
        }
    }

    /** A message of a schedule ended: the schedule's last firing shows how it went. */
    private synchronized void settled(Message message, String state) {
        String id = message.publication().scheduleId();
        Schedule schedule = id == null ? null : local.get(id);
        if (schedule == null || schedule.lastScheduleStates() == null || !schedule.lastScheduleStates().containsKey(message.messageId())) {
            return;
        }
        Map<String, String> states = new LinkedHashMap<>(schedule.lastScheduleStates());
        states.put(message.messageId(), state.equals("DELIVERED") ? "SUCCESS" : "FAIL");
        Schedule changed = schedule.fired(schedule.lastScheduleTime(), schedule.nextScheduleTime(), states);
        if (local.replace(id, schedule, changed)) {
            store.saveSchedule(changed);
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
