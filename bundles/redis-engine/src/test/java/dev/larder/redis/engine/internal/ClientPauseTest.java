package dev.larder.redis.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larder.redis.api.CommandFlag;
import dev.larder.redis.api.CommandSpec;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClientPauseTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ClientPause pause = new ClientPause(timer);
    private final List<String> ran = new CopyOnWriteArrayList<>();
    private static final CommandSpec SET = CommandSpec.command("set", -3).flags(CommandFlag.WRITE).keys(1, 1, 1).build();
    private static final CommandSpec GET = CommandSpec.command("get", 2).flags(CommandFlag.READONLY).keys(1, 1, 1).build();
    private static final CommandSpec PUBLISH = CommandSpec.command("publish", 3).build();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void aWritePauseHoldsWritesUntilItEnds() throws Exception {
        assertFalse(pause.hold(SET, () -> ran.add("before")), "no pause, nothing held");
        pause.pause(System.currentTimeMillis() + 300, true);
        assertTrue(pause.hold(SET, () -> ran.add("set")));
        assertTrue(pause.hold(PUBLISH, () -> ran.add("publish")), "PUBLISH may reach other clients: held under WRITE");
        assertFalse(pause.hold(GET, () -> ran.add("get")), "reads go on");
        assertEquals(List.of(), ran);
        long deadline = System.currentTimeMillis() + 5000;
        while (ran.size() < 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of("set", "publish"), ran, "held commands run in arrival order once the pause ends");
        assertFalse(pause.hold(SET, () -> ran.add("after")));
    }

    @Test
    void unpauseReleasesAtOnceAndAllHoldsReads() {
        pause.pause(System.currentTimeMillis() + 60_000, false);
        assertTrue(pause.hold(GET, () -> ran.add("get")));
        pause.pause(System.currentTimeMillis() + 60_000, true);
        assertTrue(pause.hold(GET, () -> ran.add("get again")), "a pause of all stays one of all while it lasts");
        pause.unpause();
        assertEquals(List.of("get", "get again"), ran);
        assertFalse(pause.hold(GET, () -> ran.add("later")));
    }
}
