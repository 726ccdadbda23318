// @upstash/workflow against Larder: workflow apps written with the SDK, served by a plain Node HTTP server on
// 127.0.0.1 that verifies every request's signature (the SDK's own Receiver, from the signing keys), run by
// Larder's QStash. Each run's result is checked through the SDK's Client and its logs.
// Usage: node upstash-workflow.mjs '{"url":"http://127.0.0.1:PORT","token":"..."}'
import { spawnSync } from "node:child_process";
import { Client, WorkflowNonRetryableError } from "@upstash/workflow";
import { createWorkflow, serveMany } from "@upstash/workflow/cloudflare";
import { checks } from "./checks.mjs";
import { serveOnLoopback } from "./workflow-app.mjs";

const config = JSON.parse(process.argv[2]);
const { check, ok, finish } = checks("upstash-workflow");
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const keys = await (await fetch(`${config.url}/v2/keys`, { headers: { Authorization: `Bearer ${config.token}` } })).json();
const env = {
  QSTASH_URL: config.url,
  QSTASH_TOKEN: config.token,
  QSTASH_CURRENT_SIGNING_KEY: keys.current,
  QSTASH_NEXT_SIGNING_KEY: keys.next,
  UPSTASH_DISABLE_TELEMETRY: "1",
};
const client = new Client({ baseUrl: config.url, token: config.token });
const tag = Date.now().toString(36); // event ids of this run only, however often the script runs against one database

// what the steps did, counted where they ran (a step's side effect)
const effects = {};
const effect = (name) => (effects[name] = (effects[name] ?? 0) + 1);
const failures = [];
let flakyCalls = 0;
let broken = true;

const child = createWorkflow(async (context) => {
  const doubled = await context.run("double", () => context.requestPayload.n * 2);
  return { doubled };
});

const workflows = {
  // three steps with a sleep between: the benchmark's shape too
  steps: createWorkflow(async (context) => {
    const a = await context.run("first", () => {
      effect("steps-first");
      return context.requestPayload.start + 1;
    });
    await context.sleep("pause", 1);
    const b = await context.run("second", () => a * 10);
    // at least a second away (the next whole second may be 1 ms away, and the test wants both sleeps to take 1.5 s)
    await context.sleepUntil("until", Math.floor(Date.now() / 1000) + 2);
    return await context.run("third", () => {
      effect("steps-third");
      return { result: b, header: context.headers.get("x-trigger-header") };
    });
  }),
  // fails twice, then succeeds: retried by QStash with the trigger's retry delay
  flaky: createWorkflow(async (context) => {
    return await context.run("flaky step", () => {
      flakyCalls++;
      if (flakyCalls < 3) throw new Error(`failure ${flakyCalls}`);
      return "made it";
    });
  }),
  // fails for good: the failure function is told
  doomed: createWorkflow(
    async (context) => {
      await context.run("ok step", () => "fine");
      await context.run("bad step", () => {
        throw new WorkflowNonRetryableError("this step cannot work");
      });
    },
    {
      failureFunction: async ({ context, failStatus, failResponse }) => {
        failures.push({ runId: context.workflowRunId, failStatus, failResponse, payload: context.requestPayload });
        return "failure handled";
      },
    },
  ),
  // waits for an event (notified by another process), then one that times out
  waiter: createWorkflow(async (context) => {
    const first = await context.waitForEvent("first event", `evt-${context.requestPayload.id}`, { timeout: "60s" });
    const second = await context.waitForEvent("second event", `never-${context.requestPayload.id}`, { timeout: "1s" });
    return { first, second };
  }),
  // notifies the waiter from a step of its own
  notifier: createWorkflow(async (context) => {
    const { notifyResponse } = await context.notify("tell", `evt-${context.requestPayload.id}`, { from: "workflow" });
    return notifyResponse.length;
  }),
  // calls a local endpoint through QStash; the answer comes back in the callback
  caller: createWorkflow(async (context) => {
    const { status, body } = await context.call("echo", {
      url: `${base}/echo`,
      method: "POST",
      body: { hello: "call" },
      headers: { "x-call": "yes" },
    });
    return { status, body };
  }),
  // parallel steps, sleeps among them
  parallel: createWorkflow(async (context) => {
    const results = await Promise.all([
      context.run("left", () => "L"),
      context.run("right", () => "R"),
      context.sleep("nap", 1),
    ]);
    return results.slice(0, 2).join("");
  }),
  // invokes another workflow of this app and returns what it returned
  invoker: createWorkflow(async (context) => {
    const { body, isFailed, isCanceled } = await context.invoke("child", { workflow: child, body: { n: 21 } });
    return { body, isFailed, isCanceled };
  }),
  child,
  // fails at its second step while the app is "broken": into the DLQ, resumed or restarted from there
  recovering: createWorkflow(async (context) => {
    await context.run("first", () => effect(`recovering-first-${context.requestPayload.name}`));
    return await context.run("second", () => {
      if (broken) throw new Error("broken for now");
      return `recovered ${context.requestPayload.name}`;
    });
  }),
  // waits long enough to be cancelled
  cancellable: createWorkflow(async (context) => {
    await context.run("before", () => effect("cancellable-before"));
    await context.sleep("long", 3600);
    await context.run("after", () => effect("cancellable-after"));
  }),
};

const app = serveMany(workflows);
let unsigned = 0;
const { server, base } = await serveOnLoopback(app, env, (request, body, response) => {
  if (request.url === "/echo") {
    effect("echo");
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ echoed: JSON.parse(body.toString()), header: request.headers["x-call"] }));
    return true;
  }
  if (!request.headers["upstash-signature"]) unsigned++;
  return false;
});
const url = (id) => `${base}/workflows/${id}`;

async function finished(runId, ms = 30000) {
  const deadline = Date.now() + ms;
  let run;
  while (Date.now() < deadline) {
    const { runs } = await client.logs({ workflowRunId: runId });
    run = runs[0];
    if (run && run.workflowState !== "RUN_STARTED" && (run.workflowState !== "RUN_FAILED" || run.failureFunction?.state !== "CALLBACK_INPROGRESS")) {
      return run;
    }
    await sleep(100);
  }
  ok(`run ${runId} ends within ${ms} ms (last seen ${run?.workflowState})`, false);
  return run ?? {};
}
const steps = (run) => run.steps.flatMap((group) => group.steps.map((step) => ({ ...step, group: group.type })));

// 1. three steps, two sleeps, a forwarded header
const { workflowRunId: stepsRun } = await client.trigger({
  url: url("steps"),
  body: { start: 4 },
  headers: { "x-trigger-header": "kept" },
});
ok("trigger gives a wfr_ id", /^wfr_/.test(stepsRun), stepsRun);
// 2. retried twice
const { workflowRunId: flakyRun } = await client.trigger({ url: url("flaky"), body: "x", retries: 3, retryDelay: "200" });
// 3. failure function
const { workflowRunId: doomedRun } = await client.trigger({ url: url("doomed"), body: { why: "test" } });
// 4. waits, notified from another process
const { workflowRunId: waiterRun } = await client.trigger({ url: url("waiter"), body: { id: `a-${tag}` } });
// 5. call, parallel, invoke, cancel
const { workflowRunId: callerRun } = await client.trigger({ url: url("caller"), body: {} });
const { workflowRunId: parallelRun } = await client.trigger({ url: url("parallel"), body: {} });
const { workflowRunId: invokerRun } = await client.trigger({ url: url("invoker"), body: {} });
const { workflowRunId: cancelRun } = await client.trigger({ url: url("cancellable"), body: {}, workflowRunId: `to-cancel-${tag}` });
check("a given run id gets the prefix", cancelRun, `wfr_to-cancel-${tag}`);
const again = await client.trigger({ url: url("cancellable"), body: {}, workflowRunId: `to-cancel-${tag}` });
check("a second trigger of an active run id starts nothing new", again.workflowRunId, cancelRun);

const stepsLog = await finished(stepsRun);
check("three steps: state", stepsLog.workflowState, "RUN_SUCCESS");
check("three steps: result", JSON.parse(stepsLog.workflowRunResponse ?? "null"), { result: 50, header: "kept" });
check("three steps: each side effect once", [effects["steps-first"], effects["steps-third"]], [1, 1]);
check(
  "three steps: the steps in the log",
  steps(stepsLog).map((step) => `${step.stepType}:${step.stepName}:${step.state}`),
  ["Initial:init:STEP_SUCCESS", "Run:first:STEP_SUCCESS", "SleepFor:pause:STEP_SUCCESS", "Run:second:STEP_SUCCESS",
    "SleepUntil:until:STEP_SUCCESS", "Run:third:STEP_SUCCESS"],
);
check("three steps: the initial payload in the log", steps(stepsLog)[0].out, JSON.stringify({ start: 4 }));
ok("three steps: took the sleeps", stepsLog.workflowRunCompletedAt - stepsLog.workflowRunCreatedAt >= 1500,
  `${stepsLog.workflowRunCompletedAt - stepsLog.workflowRunCreatedAt} ms`);

const flakyLog = await finished(flakyRun);
check("flaky: succeeds after two failures", [flakyLog.workflowState, flakyLog.workflowRunResponse, flakyCalls], ["RUN_SUCCESS", '"made it"', 3]);

const doomedLog = await finished(doomedRun);
check("doomed: state", doomedLog.workflowState, "RUN_FAILED");
check("doomed: failure function ran", failures.map((f) => [f.runId, f.failResponse, f.payload]), [[doomedRun, "this step cannot work", { why: "test" }]]);
check("doomed: failure function's state", doomedLog.failureFunction?.state, "CALLBACK_SUCCESS");
const next = doomedLog.steps.at(-1);
check("doomed: the failed step is the next group", [next.type, next.steps[0].state, next.steps[0].errors?.[0]?.status], ["next", "STEP_FAILED", 489]);
const dlq = await client.dlq.list();
ok("doomed: in the workflow DLQ", dlq.messages.some((message) => message.workflowRunId === doomedRun), JSON.stringify(dlq));

// the waiter: wait until it waits, then notify from another process
let waiters = [];
for (let i = 0; i < 100 && waiters.length === 0; i++) {
  waiters = await client.getWaiters({ eventId: `evt-a-${tag}` });
  if (waiters.length === 0) await sleep(100);
}
check("waiter: one waiter", waiters.length, 1);
const notify = spawnSync(process.execPath, ["--input-type=module", "-e",
  `import { Client } from "@upstash/workflow";
   const client = new Client({ baseUrl: ${JSON.stringify(config.url)}, token: ${JSON.stringify(config.token)} });
   const answer = await client.notify({ eventId: "evt-a-${tag}", eventData: { from: "process" } });
   console.log(JSON.stringify(answer));`], { cwd: new URL(".", import.meta.url).pathname, encoding: "utf8" });
const notified = JSON.parse(notify.stdout || "[]");
check("notify from another process reaches the waiter", [notified.length, /^msg_/.test(notified[0]?.messageId ?? "")], [1, true]);
const waiterLog = await finished(waiterRun);
check("waiter: event data, then the timeout", JSON.parse(waiterLog.workflowRunResponse ?? "null"),
  { first: { eventData: { from: "process" }, timeout: false }, second: { timeout: true } });

// a notify step of one run reaches another run's wait
const { workflowRunId: waiterB } = await client.trigger({ url: url("waiter"), body: { id: `b-${tag}` } });
for (let i = 0; i < 100 && (await client.getWaiters({ eventId: `evt-b-${tag}` })).length === 0; i++) await sleep(100);
const { workflowRunId: notifierRun } = await client.trigger({ url: url("notifier"), body: { id: `b-${tag}` } });
check("notifier: told one waiter", JSON.parse((await finished(notifierRun)).workflowRunResponse ?? "null"), 1);
check("notifier: the waiter got the workflow's data", JSON.parse((await finished(waiterB)).workflowRunResponse ?? "null").first,
  { eventData: { from: "workflow" }, timeout: false });

const callerLog = await finished(callerRun);
check("call: the endpoint's answer", JSON.parse(callerLog.workflowRunResponse ?? "null"),
  { status: 200, body: { echoed: { hello: "call" }, header: "yes" } });
const callStep = steps(callerLog).find((step) => step.stepType === "Call");
check("call: in the log", [callStep?.callUrl, callStep?.callMethod], [`${base}/echo`, "POST"]);

const parallelLog = await finished(parallelRun);
check("parallel: result", parallelLog.workflowRunResponse, '"LR"');
check("parallel: results grouped", parallelLog.steps.filter((group) => group.type === "parallel").map((group) => group.steps.length), [3]);

const invokerLog = await finished(invokerRun);
check("invoke: the child's result", JSON.parse(invokerLog.workflowRunResponse ?? "null"),
  { body: { doubled: 42 }, isFailed: false, isCanceled: false });
const children = (await client.logs({ workflowUrl: url("child") })).runs;
check("invoke: the child run names its invoker", children[0]?.invoker?.workflowRunId, invokerRun);

for (let i = 0; i < 100 && !effects["cancellable-before"]; i++) await sleep(100);
await sleep(300);
check("cancel: one run", await client.cancel({ ids: [cancelRun] }), { cancelled: 1 });
check("cancel: again, nothing", await client.cancel({ ids: [cancelRun] }), { cancelled: 0 });
const cancelLog = (await client.logs({ workflowRunId: cancelRun })).runs[0];
check("cancel: state", cancelLog.workflowState, "RUN_CANCELED");
await sleep(500);
check("cancel: the step after the sleep never ran", effects["cancellable-after"], undefined);

// the workflow DLQ: resume from the failed step, restart from the start, the failure function again
const { workflowRunId: resumedRun } = await client.trigger({ url: url("recovering"), body: { name: "resumed" }, retries: 0 });
const { workflowRunId: restartedRun } = await client.trigger({ url: url("recovering"), body: { name: "restarted" }, retries: 0 });
check("recovering: both fail while broken", [(await finished(resumedRun)).workflowState, (await finished(restartedRun)).workflowState],
  ["RUN_FAILED", "RUN_FAILED"]);
const letters = (await client.dlq.list()).messages;
const letterOf = (runId) => letters.find((message) => message.workflowRunId === runId)?.dlqId;
broken = false;
// the SDK's resume and restart options become the run's: its messages from then on go under the flow-control key
const resumed = await client.dlq.resume({ dlqId: letterOf(resumedRun), retries: 2, flowControl: { key: `resumed-${tag}`, parallelism: 1 } });
check("resume names the run", resumed.workflowRunId, resumedRun);
const restarted = await client.dlq.restart({ dlqId: letterOf(restartedRun), retries: 1, flowControl: { key: `restarted-${tag}`, rate: 50 } });
check("restart names the run", restarted.workflowRunId, restartedRun);
check("resumed: goes on from the failed step", [(await finished(resumedRun)).workflowRunResponse, effects["recovering-first-resumed"]],
  ['"recovered resumed"', 1]);
check("restarted: starts over", [(await finished(restartedRun)).workflowRunResponse, effects["recovering-first-restarted"]],
  ['"recovered restarted"', 2]);
const flowKey = async (key) => {
  const answer = await fetch(`${config.url}/v2/flowControl/${key}`, { headers: { Authorization: `Bearer ${config.token}` } });
  return answer.ok ? await answer.json() : answer.status;
};
check("resumed: its messages went under the flow-control key it was given", (await flowKey(`resumed-${tag}`)).parallelismMax, 1);
check("restarted: likewise, with a rate", (await flowKey(`restarted-${tag}`)).rateMax, 50);
const refused = await fetch(`${config.url}/v2/workflows/dlq/resume/${letterOf(doomedRun) ?? "none"}`,
  { method: "POST", headers: { Authorization: `Bearer ${config.token}`, "Upstash-Retries": "lots" } });
check("resume with a bad Upstash-Retries: refused", refused.status, 400);
const calledAgain = await client.dlq.retryFailureFunction({ dlqId: letterOf(doomedRun) ?? dlq.messages.find((m) => m.workflowRunId === doomedRun)?.dlqId });
check("the failure function again", calledAgain.workflowRunId, doomedRun);
for (let i = 0; i < 100 && failures.length < 2; i++) await sleep(100);
check("the failure function ran twice", failures.length, 2);

// WF_DetectTrigger (in the SDK's feature set): a run triggered at something that is not a workflow fails at once
const { workflowRunId: notWorkflowRun } = await client.trigger({ url: `${base}/echo`, body: { not: "a workflow" } });
const notWorkflow = await finished(notWorkflowRun);
const failedStep = notWorkflow.steps.find((group) => group.type === "next")?.steps[0];
check("a trigger at a non-workflow endpoint: the run fails with Upstash's error", [notWorkflow.workflowState, failedStep?.state,
  failedStep?.errors?.[0]?.error], ["RUN_FAILED", "STEP_FAILED",
  "detected a non-workflow destination for trigger/invoke. make sure you are sending the request to the correct endpoint"]);

// one run left sleeping for the web console's cancel button (the test's next script)
const before = effects["cancellable-before"];
await client.trigger({ url: url("cancellable"), body: {}, workflowRunId: `for-the-page-${tag}` });
for (let i = 0; i < 100 && effects["cancellable-before"] === before; i++) await sleep(100);
console.log(`left for the page: wfr_for-the-page-${tag}`);

const all = await client.logs({ count: 100 });
ok("logs list every run", all.runs.length >= 13, `${all.runs.length}`);
check("every delivery was signed", unsigned, 0);

server.close();
finish();
