// Workflow runs through a crash of the server: RUNS runs of a three-step @upstash/workflow app are triggered at
// once; the test kills the server (kill -9) while they run and restarts it. Every run must end with its result,
// and each step's side effect may repeat only where a delivery repeated (at least once), which is counted.
// Usage: node workflow-crash.mjs '{"url":"http://127.0.0.1:PORT","token":"...","runs":1000,"progress":"file"}'
// Writes the number of side effects so far to the progress file (the test kills the server at a third).
import fs from "node:fs";
import { Client } from "@upstash/workflow";
import { createWorkflow, serveMany } from "@upstash/workflow/cloudflare";
import { checks } from "./checks.mjs";
import { serveOnLoopback } from "./workflow-app.mjs";

const config = JSON.parse(process.argv[2]);
const { check, ok, finish } = checks("workflow-crash");
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function retried(call) {
  for (;;) {
    try {
      return await call();
    } catch (e) {
      await sleep(250); // the server is down or starting
    }
  }
}

const keys = await retried(async () => (await fetch(`${config.url}/v2/keys`, { headers: { Authorization: `Bearer ${config.token}` } })).json());
const env = {
  QSTASH_URL: config.url,
  QSTASH_TOKEN: config.token,
  QSTASH_CURRENT_SIGNING_KEY: keys.current,
  QSTASH_NEXT_SIGNING_KEY: keys.next,
};
const client = new Client({ baseUrl: config.url, token: config.token });

const effects = new Map(); // run id → [count of step 1, 2, 3]
let total = 0;
function effect(runId, step) {
  const counts = effects.get(runId) ?? [0, 0, 0];
  counts[step]++;
  effects.set(runId, counts);
  total++;
}
const deliveries = new Map(); // message id → how often it arrived
const app = serveMany({
  crash: createWorkflow(async (context) => {
    const id = context.workflowRunId;
    const a = await context.run("one", () => (effect(id, 0), context.requestPayload.n));
    const b = await context.run("two", () => (effect(id, 1), a + 1));
    return await context.run("three", () => (effect(id, 2), b * 2));
  }),
});
const { server, base } = await serveOnLoopback(app, env, (request) => {
  const messageId = request.headers["upstash-message-id"];
  deliveries.set(messageId, (deliveries.get(messageId) ?? 0) + 1);
  return false;
});
const triggered = [];
for (let i = 0; i < config.runs; i += 100) {
  const batch = [];
  for (let n = i; n < Math.min(config.runs, i + 100); n++) batch.push({ url: `${base}/workflows/crash`, body: { n } });
  for (const { workflowRunId } of await client.trigger(batch)) triggered.push(workflowRunId);
}
console.log(`workflow crash: ${triggered.length} runs triggered`);
// the kill comes only once every run is triggered: a trigger that failed while the server was down would end the script
const progress = setInterval(() => fs.writeFileSync(config.progress, String(total)), 50);

const deadline = Date.now() + 240_000;
let done = new Map();
while (Date.now() < deadline && done.size < triggered.length) {
  const { runs } = await retried(() => client.logs({ count: 1000, filter: { state: "RUN_SUCCESS" } }));
  done = new Map(runs.map((run) => [run.workflowRunId, run.workflowRunResponse]));
  if (done.size < triggered.length) await sleep(500);
}
clearInterval(progress);
ok("every run ended with its result", done.size === triggered.length, `${done.size} of ${triggered.length}`);
for (const runId of triggered.filter((id) => !done.has(id)).slice(0, 5)) { // what a run that did not end shows
  const [run] = (await retried(() => client.logs({ workflowRunId: runId }))).runs;
  console.log(`not ended: ${runId} ${run?.workflowState}, side effects ${JSON.stringify(effects.get(runId))}, steps `
    + JSON.stringify(run?.steps.map((group) => group.steps.map((step) => [step.stepName, step.state, step.messageId, step.retries]))));
}
let wrong = 0;
let missingEffects = 0;
let repeatedEffects = 0;
for (const [index, runId] of triggered.entries()) {
  if (done.has(runId) && done.get(runId) !== String((index + 1) * 2)) wrong++;
  for (const count of effects.get(runId) ?? [0, 0, 0]) {
    if (count === 0) missingEffects++;
    repeatedEffects += Math.max(0, count - 1);
  }
}
const repeatedDeliveries = [...deliveries.values()].reduce((sum, count) => sum + count - 1, 0);
ok("each run's result is its own", wrong === 0, `${wrong} wrong`);
ok("every step ran", missingEffects === 0, `${missingEffects} steps never ran`);
ok("a step ran again only where a delivery was repeated", repeatedEffects <= repeatedDeliveries,
  `${repeatedEffects} repeated side effects, ${repeatedDeliveries} repeated deliveries`);
console.log(`workflow crash: ${triggered.length} runs, ${done.size} ended, ${deliveries.size} step messages delivered, `
  + `${repeatedDeliveries} delivered again, ${repeatedEffects} step side effects repeated`);
server.close();
finish();
