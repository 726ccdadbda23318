package dev.larder.qstash.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * A schedule of a database: at every time its cron names (in its time zone), a message of its publication is
 * made, {@code delayMillis} later due.
 *
 * @param lastScheduleTime   Unix ms of the last firing (null: none yet)
 * @param nextScheduleTime   Unix ms of the next firing
 * @param lastScheduleStates the messages of the last firing and how they went
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Schedule(String scheduleId, int database, String cron, Publication publication, long delayMillis, boolean paused,
        long createdAt, Long lastScheduleTime, long nextScheduleTime, Map<String, String> lastScheduleStates) {

    public Schedule paused(boolean paused, long next) {
        return new Schedule(scheduleId, database, cron, publication, delayMillis, paused, createdAt, lastScheduleTime, next, lastScheduleStates);
    }

    public Schedule fired(long at, long next, Map<String, String> states) {
        return new Schedule(scheduleId, database, cron, publication, delayMillis, paused, createdAt, at, next, states);
    }
}
