package dev.larder.itests.qstash;

import static org.junit.Assert.assertTrue;

import dev.larder.itests.Browsers;
import dev.larder.itests.NodeScripts;
import dev.larder.itests.resp.ServerProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * Upstash Workflow end to end on a server process: workflow apps written with the @upstash/workflow SDK from npm,
 * served by a plain Node HTTP server on 127.0.0.1, run by Larder's QStash; their results read back through the
 * SDK's Client, the console and the web console.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class WorkflowIT {

    private static final int PORT_BASE = 47700;
    private static final String ADMIN_PASSWORD = "workflow web console";
    private static final String BASE = "http://127.0.0.1:" + (PORT_BASE + 60);
    static final List<String> PACKAGES = List.of("@upstash/workflow@1.3.3", "@upstash/qstash@2.12.0");
    private static ServerProcesses.Larder larder;

    @BeforeClass
    public static void start() throws Exception {
        larder = ServerProcesses.Larder.install("workflow-it", PORT_BASE);
        Files.writeString(larder.home.resolve("config/dev.larder.admin.cfg"), "password=" + ADMIN_PASSWORD + "\n");
        Files.writeString(larder.home.resolve("config/dev.larder.qstash.cfg"), "allowPrivateDestinations=true\n");
        larder.start();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (larder != null) {
            larder.close();
        }
    }

    private static String token(String database) throws Exception {
        Matcher matcher = Pattern.compile("(?m)^Full token:? +(\\S+)").matcher(larder.console("larder:db-create " + database));
        assertTrue(matcher.find());
        return matcher.group(1);
    }

    @Test
    public void a_workflowAppsWrittenWithTheSdkRunEveryContextMethod() throws Exception {
        String token = token("flows");
        String output = NodeScripts.run("upstash-workflow.mjs", PACKAGES, Map.of("UPSTASH_DISABLE_TELEMETRY", "1"),
                "{\"url\":\"" + BASE + "\",\"token\":\"" + token + "\"}");
        Matcher left = Pattern.compile("left for the page: (\\S+)").matcher(output);
        assertTrue(output, left.find());

        String runs = larder.console("larder:workflow-runs flows");
        assertTrue(runs, runs.startsWith("RUN ") && runs.contains(" RUN_SUCCESS ") && runs.contains(" RUN_FAILED ") && runs.contains(" RUN_CANCELED "));
        Matcher failed = Pattern.compile("(?m)^(wfr_\\S+) +RUN_FAILED .*/workflows/doomed$").matcher(runs);
        assertTrue(runs, failed.find());
        String shown = larder.console("larder:workflow-run flows " + failed.group(1));
        assertTrue(shown, shown.contains("State: RUN_FAILED") && shown.contains("ok step") && shown.contains("STEP_FAILED")
                && shown.contains("Failure function: CALLBACK_SUCCESS"));
        assertTrue(runs, runs.matches("(?s).*" + Pattern.quote(left.group(1)) + " +RUN_STARTED .*"));
        String unknown = larder.console("larder:workflow-run flows wfr_nosuch");
        assertTrue(larder.console("larder:workflow-cancel flows " + failed.group(1)).contains("has ended already: RUN_FAILED"));
        assertTrue(unknown, unknown.contains("Error: No workflow run 'wfr_nosuch'"));

        String page = "{\"url\":\"http://127.0.0.1:" + (PORT_BASE + 81) + "\",\"user\":\"admin\",\"password\":\"" + ADMIN_PASSWORD
                + "\",\"db\":\"flows\",\"run\":\"" + failed.group(1) + "\",\"sleeping\":\"" + left.group(1) + "\",\"chromium\":\"" + Browsers.chromium() + "\",\"screenshot\":\""
                + Paths.get("target", "workflow-run.png").toAbsolutePath() + "\"}";
        NodeScripts.run("web-workflow-run.mjs", List.of("playwright-core@1.65.2"), Map.of(), page);
    }

    /**
     * Runs survive a crash: 1,000 three-step runs started at once, the server killed with SIGKILL once a third of
     * their steps ran, and restarted; every run ends with its own result, a step ran again only where QStash
     * delivered its message again, and the repeats are reported.
     */
    @Test
    public void b_killMinus9InTheMiddleOf1000RunsLosesNone() throws Exception {
        String token = token("crash");
        Path progress = Paths.get("target", "workflow-crash.progress").toAbsolutePath();
        Files.deleteIfExists(progress);
        String config = "{\"url\":\"" + BASE + "\",\"token\":\"" + token + "\",\"runs\":1000,\"progress\":\"" + progress + "\"}";
        CompletableFuture<String> script = CompletableFuture.supplyAsync(() -> {
            try {
                return NodeScripts.run("workflow-crash.mjs", PACKAGES, Map.of("UPSTASH_DISABLE_TELEMETRY", "1"), config);
            } catch (Exception | AssertionError e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        int steps = 0;
        while (steps < 1000 && System.nanoTime() < deadline && !script.isDone()) {
            Thread.sleep(20);
            String written = Files.exists(progress) ? Files.readString(progress).trim() : "";
            steps = written.isEmpty() ? 0 : Integer.parseInt(written);
        }
        assertTrue("a third of the steps ran before the kill: " + steps, steps >= 1000);
        larder.kill9();
        larder.start();
        String output = script.get(300, TimeUnit.SECONDS);
        Matcher report = Pattern.compile("workflow crash: 1000 runs, 1000 ended, (\\d+) step messages delivered, (\\d+) delivered again, "
                + "(\\d+) step side effects repeated").matcher(output);
        assertTrue(output, report.find());
        System.out.printf("Workflow kill -9 at %d of 3,000 steps: 1,000 runs ended, %s step messages delivered, %s delivered again, "
                + "%s step side effects repeated%n", steps, report.group(1), report.group(2), report.group(3));
    }
}
