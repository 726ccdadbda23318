package dev.larder.qstash.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.larder.qstash.delivery.FlowControls.Admission.LEFT_OUT;
import static dev.larder.qstash.delivery.FlowControls.Admission.START;
import static dev.larder.qstash.delivery.FlowControls.Admission.WAIT;

import dev.larder.qstash.store.FlowSettings;
import dev.larder.qstash.store.Publication.FlowControl;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cron with time zones and flow control's limits, as Upstash documents them. */
class SchedulingRulesTest {

    private static long at(String time) {
        return ZonedDateTime.parse(time).toInstant().toEpochMilli();
    }

    @Test
    void cronFiresInUtcOrInTheZoneItNames() {
        assertEquals(at("2026-03-01T09:00:00Z"), Crons.parse("0 9 * * *").nextAfter(at("2026-03-01T08:59:59Z")));
        assertEquals(at("2026-03-01T09:05:00Z"), Crons.parse("*/5 * * * *").nextAfter(at("2026-03-01T09:00:00Z")));
        // 09:00 in Istanbul (UTC+3) is 06:00 UTC
        assertEquals(at("2026-03-02T06:00:00Z"), Crons.parse("CRON_TZ=Europe/Istanbul 0 9 * * *").nextAfter(at("2026-03-01T07:00:00Z")));
        // New York moves its clocks on 2026-03-08: 09:00 is 14:00 UTC before, 13:00 UTC after
        Crons.Cron newYork = Crons.parse("CRON_TZ=America/New_York 0 9 * * *");
        assertEquals(at("2026-03-07T14:00:00Z"), newYork.nextAfter(at("2026-03-07T00:00:00Z")));
        assertEquals(at("2026-03-09T13:00:00Z"), newYork.nextAfter(at("2026-03-08T14:00:00Z")));
        assertEquals(at("2026-03-02T09:00:00Z"), Crons.parse("0 9 * * 1").nextAfter(at("2026-02-28T00:00:00Z")), "Monday");
    }

    @Test
    void aCronThatDoesNotParseIsRefusedWithWhatIsWrong() {
        assertEquals("Invalid cron expression empty spec string", assertThrows(IllegalArgumentException.class, () -> Crons.parse(" ")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Crons.parse("* * *")).getMessage().contains("expected exactly 5 fields"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Crons.parse("61 * * * *")).getMessage().startsWith("Invalid cron expression"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Crons.parse("CRON_TZ=Mars/Olympus 0 9 * * *")).getMessage()
                .contains("unknown time zone Mars/Olympus"));
    }

    @Test
    void flowControlHoldsParallelismAndRateAndReleasesInOrder() {
        FlowControls flows = new FlowControls(settings -> { }, 100);
        FlowControl twoAtOnce = new FlowControl("k", 2, null, null);
        assertEquals(START, flows.admit(1, twoAtOnce, "a", true));
        assertEquals(START, flows.admit(1, twoAtOnce, "b", true));
        assertEquals(WAIT, flows.admit(1, twoAtOnce, "c", true));
        assertEquals(WAIT, flows.admit(1, twoAtOnce, "d", true));
        assertEquals(START, flows.admit(2, twoAtOnce, "other database", true), "keys are per database");
        assertEquals(List.of("c"), flows.finished(1, "k").stream().map(FlowControls.Started::messageId).toList());
        FlowControls.Info info = flows.info(1, "k");
        assertEquals(List.of(1, 2, 2), List.of(info.waitListSize(), info.parallelismMax(), info.parallelismCount()));
        flows.pause(1, "k", true);
        assertEquals(List.of(), flows.finished(1, "k"), "a paused key starts nothing");
        flows.pause(1, "k", false);
        assertEquals(List.of("d"), flows.startable().stream().map(FlowControls.Started::messageId).toList());

        FlowControl threeAMinute = new FlowControl("r", null, 3, 60);
        for (String id : List.of("1", "2", "3")) {
            assertEquals(START, flows.admit(1, threeAMinute, id, true));
        }
        assertEquals(WAIT, flows.admit(1, threeAMinute, "4", true), "the fourth start in the period waits");
        flows.finished(1, "r");
        assertEquals(List.of(), flows.startable(), "finishing frees no rate");
        flows.resetRate(1, "r");
        assertEquals(List.of("4"), flows.startable().stream().map(FlowControls.Started::messageId).toList());
        flows.pin(1, "r", null, 1, null);
        assertEquals(START, flows.admit(1, new FlowControl("r", null, 100, 60), "5", true), "pinning starts a new period");
        assertEquals(WAIT, flows.admit(1, new FlowControl("r", null, 100, 60), "6", true), "a pinned rate ignores the message's own");
        assertEquals(1, flows.info(1, "r").rateMax());
    }

    @Test
    void aKeysPauseAndPinsAreKeptAndRestored() {
        List<FlowSettings> kept = new ArrayList<>();
        FlowControls flows = new FlowControls(kept::add, 100);
        flows.admit(1, new FlowControl("k", 5, 10, 60), "a", true);
        flows.pause(1, "k", true);
        flows.pin(1, "k", 2, null, null);
        assertEquals(List.of(new FlowSettings(1, "k", true, null, null, null), new FlowSettings(1, "k", true, 2, null, null)), kept);
        flows.pin(1, "k", null, 3, 30);
        flows.unpin(1, "k", true, false);
        assertEquals(new FlowSettings(1, "k", true, null, 3, 30), kept.get(kept.size() - 1), "unpinned parallelism is the message's again");

        FlowControls restarted = new FlowControls(settings -> { }, 100);
        restarted.restore(kept.get(kept.size() - 1));
        assertEquals(WAIT, restarted.admit(1, new FlowControl("k", 5, 100, 1), "b", true), "still paused after a restart");
        FlowControls.Info info = restarted.info(1, "k");
        assertEquals(List.of(5, 3, 30), List.of(info.parallelismMax(), info.rateMax(), info.ratePeriod()), "the rate stays pinned");
        restarted.pause(1, "k", false);
        assertEquals(List.of("b"), restarted.startable().stream().map(FlowControls.Started::messageId).toList());
        assertTrue(new FlowSettings(1, "k", false, null, null, null).none(), "a resumed, unpinned key needs nothing kept");
    }

    @Test
    void aFullKeyLeavesDueMessagesInTheGridUntilItsListHasRoom() {
        FlowControls flows = new FlowControls(settings -> { }, 4);
        FlowControl one = new FlowControl("k", 1, null, null);
        assertEquals(START, flows.admit(1, one, "0", true));
        for (String id : List.of("1", "2", "3", "4")) {
            assertEquals(WAIT, flows.admit(1, one, id, true));
        }
        assertEquals(LEFT_OUT, flows.admit(1, one, "5", true), "the list holds 4");
        assertEquals(WAIT, flows.admit(1, one, "queued", false), "a queue's message (its queue bounds it) always waits");
        assertTrue(flows.leftOut(1, "k"));
        assertEquals(6, flows.info(1, "k").waitListSize(), "the wait list counts those in the grid");
        assertEquals(List.of(), flows.refills(), "no refill while the list is more than half full");
        flows.finished(1, "k");
        flows.finished(1, "k");
        flows.finished(1, "k");
        FlowControls.Refill refill = flows.refills().get(0);
        assertEquals(List.of("k", 2), List.of(refill.key(), refill.room()), "room for two: two of the 4 wait");
        assertEquals(LEFT_OUT, flows.admit(1, one, "6", true), "while some are in the grid, newer ones go there too");
        flows.tookBack(1, "k", 1);
        assertTrue(flows.leftOut(1, "k"), "one of the two is still in the grid");
        flows.tookBack(1, "k", 1);
        assertFalse(flows.leftOut(1, "k"));
        assertEquals(WAIT, flows.admit(1, one, "7", true));
    }
}
