package dev.larder.qstash.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larder.qstash.store.Message;
import dev.larder.qstash.store.Publication;
import dev.larder.qstash.workflow.WorkflowRun.Attempt;
import dev.larder.qstash.workflow.WorkflowRun.Step;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A run's log groups its steps as @upstash/workflow's logs read them: the initial payload first, sequential steps
 * one a group, parallel results together (their plans left out), a call's URL on its Call step, and the messages
 * still on their way (or the one that failed) last, as the {@code next} group with their failed attempts.
 */
class WorkflowRunsTest {

    private static final Publication TEMPLATE = new Publication("http://127.0.0.1:1/workflow", "POST", Map.of(), null, 3, null, 30_000, null,
            null, List.of("nightly"), "127.0.0.1", null, null, null, null, null, null);

    private static Step step(String id, String json) {
        return new Step(id, "step", Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)), 1000, null, null, null);
    }

    private static WorkflowRun run() {
        WorkflowRun run = new WorkflowRun("wfr_test", 0, TEMPLATE.url(), 1000, List.of("LazyFetch"), TEMPLATE, null, null);
        run.steps.add(step("msg_init", "{\"order\":7}"));
        run.steps.add(step("msg_1", "{\"stepId\":1,\"stepName\":\"first\",\"stepType\":\"Run\",\"out\":\"5\",\"concurrent\":1}"));
        run.steps.add(step("msg_plan_a", "{\"stepId\":0,\"stepName\":\"left\",\"stepType\":\"Run\",\"concurrent\":2,\"targetStep\":2}"));
        run.steps.add(step("msg_plan_b", "{\"stepId\":0,\"stepName\":\"right\",\"stepType\":\"Run\",\"concurrent\":2,\"targetStep\":3}"));
        run.steps.add(step("msg_2", "{\"stepId\":2,\"stepName\":\"left\",\"stepType\":\"Run\",\"out\":\"\\\"L\\\"\",\"concurrent\":2}"));
        run.steps.add(step("msg_3", "{\"stepId\":3,\"stepName\":\"right\",\"stepType\":\"Run\",\"out\":\"\\\"R\\\"\",\"concurrent\":2}"));
        run.steps.add(new Step("msg_call", "toCallback", Base64.getEncoder().encodeToString("{}".getBytes(StandardCharsets.UTF_8)), 1000,
                "http://127.0.0.1:2/api", "POST", null));
        run.steps.add(step("msg_4", "{\"stepId\":4,\"stepName\":\"api\",\"stepType\":\"Call\",\"out\":\"{}\",\"concurrent\":1}"));
        return run;
    }

    private static List<String> shape(ObjectNode log) {
        List<String> shape = new ArrayList<>();
        for (JsonNode group : log.path("steps")) {
            List<String> steps = new ArrayList<>();
            group.path("steps").forEach(step -> steps.add(step.has("stepName") ? step.path("stepName").asText() + ":" + step.path("state").asText()
                    : step.path("messageId").asText() + ":" + step.path("state").asText() + ":" + step.path("retries").asInt()));
            shape.add(group.path("type").asText() + " " + steps);
        }
        return shape;
    }

    @Test
    void aRunningRunShowsItsStepsAndTheMessageOnItsWay() {
        WorkflowRun run = run();
        run.failedAttempts.put("msg_4", new ArrayList<>(List.of(new Attempt(500, "HTTP status 500", 2000))));
        Message waiting = new Message("msg_4", 0, TEMPLATE, 0, 1000, 1, 5000, 1);
        ObjectNode log = WorkflowRuns.log(run, id -> id.equals("msg_4") ? waiting : null);
        assertEquals(List.of("sequential [init:STEP_SUCCESS]", "sequential [first:STEP_SUCCESS]", "parallel [left:STEP_SUCCESS, right:STEP_SUCCESS]",
                "sequential [api:STEP_SUCCESS]", "next [msg_4:STEP_RETRY:1]"), shape(log));
        assertEquals("{\"order\":7}", log.path("steps").get(0).path("steps").get(0).path("out").asText(), "the initial payload, decoded");
        JsonNode call = log.path("steps").get(3).path("steps").get(0);
        assertEquals("http://127.0.0.1:2/api POST", call.path("callUrl").asText() + " " + call.path("callMethod").asText());
        assertEquals(500, log.path("steps").get(4).path("steps").get(0).path("errors").get(0).path("status").asInt());
        assertEquals("RUN_STARTED nightly", log.path("workflowState").asText() + " " + log.path("label").asText());
    }

    @Test
    void aFailedRunShowsTheMessageThatFailedAndNoLongerLooksForWaitingOnes() {
        WorkflowRun run = run();
        run.end(WorkflowRun.FAILED, null, 3000);
        run.failedMessageId = "msg_4";
        run.failedAttempts.put("msg_4", new ArrayList<>(List.of(new Attempt(500, "HTTP status 500", 2000), new Attempt(489, "non-retryable", 3000))));
        ObjectNode log = WorkflowRuns.log(run, id -> {
            throw new AssertionError("an ended run's messages are not looked up: " + id);
        });
        assertEquals("next [msg_4:STEP_FAILED:1]", shape(log).get(shape(log).size() - 1));
        assertEquals(3000, log.path("workflowRunCompletedAt").asLong());
    }
}
