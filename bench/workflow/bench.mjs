// Workflow runs next to plain QStash deliveries, in one run against one Larder: a Node HTTP server on 127.0.0.1
// serves a three-step @upstash/workflow app (signatures verified, as in production) and a plain sink. Phases:
// warm-up; latency at a low steady rate (a QStash message's publish-to-delivery, a workflow's step-to-step: a
// step's result published by the SDK until the next step runs); then throughput at a sustained load: messages
// published 100 a batch while fewer than 2,000 are undelivered, then one a request (as the SDK publishes a step's
// result) while fewer than 500 are, and three-step runs triggered 100 a batch while
// fewer than 500 are unfinished (a run is four deliveries), each as fast as Larder takes them; last, single
// publishes paced at the step rate the workflow reached, the reference for a step's cost; Larder's CPU time a
// delivery from /proc.
// Usage: node bench.mjs '{"url":"http://127.0.0.1:PORT","token":"...","runs":N,"rate":R,"pid":LARDER_PID,"clockTicks":100}'
import fs from "node:fs";
import { Client as QStash } from "@upstash/qstash";
import { Client } from "@upstash/workflow";
import { createWorkflow, serveMany } from "@upstash/workflow/cloudflare";
import { serveOnLoopback } from "./workflow-app.mjs";

const config = JSON.parse(process.argv[2]);
const RUNS = config.runs;
const RATE = config.rate;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// Larder's CPU time so far (ms): its process's user and system time from /proc
function larderCpuMillis() {
  const fields = fs.readFileSync(`/proc/${config.pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / config.clockTicks;
}
const keys = await (await fetch(`${config.url}/v2/keys`, { headers: { Authorization: `Bearer ${config.token}` } })).json();
const env = {
  QSTASH_URL: config.url,
  QSTASH_TOKEN: config.token,
  QSTASH_CURRENT_SIGNING_KEY: keys.current,
  QSTASH_NEXT_SIGNING_KEY: keys.next,
};
const qstash = new QStash({ baseUrl: config.url, token: config.token });
const client = new Client({ baseUrl: config.url, token: config.token });

// when each run's steps ran (ms, performance.now()), by run id; a run is done when its third step ran
const stepTimes = new Map();
let doneRuns = 0;
let onRunDone = () => {};
function stepRan(runId, step) {
  const times = stepTimes.get(runId) ?? [];
  times[step] ??= performance.now();
  stepTimes.set(runId, times);
  if (step === 2) {
    doneRuns++;
    onRunDone();
  }
}
const app = serveMany({
  bench: createWorkflow(async (context) => {
    const id = context.workflowRunId;
    const a = await context.run("one", () => (stepRan(id, 0), context.requestPayload.n));
    const b = await context.run("two", () => (stepRan(id, 1), a + 1));
    return await context.run("three", () => (stepRan(id, 2), b + 1));
  }),
});
const sent = new Map(); // message body → when published (for the QStash latency)
const latencies = [];
let delivered = 0;
let onDelivered = () => {};
const { server, base } = await serveOnLoopback(app, env, (request, body, response) => {
  if (request.url !== "/sink") return false;
  const at = sent.get(body.toString());
  if (at !== undefined) latencies.push(performance.now() - at);
  delivered++;
  onDelivered();
  response.writeHead(200);
  response.end();
  return true;
});
server.keepAliveTimeout = 60_000;
const workflowUrl = `${base}/workflows/bench`;

function until(test, ms, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
    const check = () => {
      if (test()) {
        clearTimeout(timer);
        resolve();
      }
    };
    onRunDone = check;
    onDelivered = check;
    check();
  });
}
function percentile(sorted, p) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const ms = (value) => `${value.toFixed(2)} ms`;

// a sustained load: batches of 100 started while fewer than `outstanding` are unfinished (a backlog in the grid
// costs its own: QStash writes what waits over a second to Ignite, see docs/runtime.md)
async function sustained(count, outstanding, unfinished, start) {
  for (let i = 0; i < count; i += 100) {
    await until(() => unfinished(i) < outstanding, 600_000, "room under the outstanding bound");
    await start(i, Math.min(100, count - i));
  }
}
const triggerRuns = (count, from, outstanding = 500) => sustained(count, outstanding, (started) => started - doneRuns,
  (i, n) => client.trigger(Array.from({ length: n }, (_, k) => ({ url: workflowUrl, body: { n: from + i + k } }))));
const publishMessages = (count, tag, outstanding = 2000) => sustained(count, outstanding, (started) => started - delivered,
  (i, n) => qstash.batch(Array.from({ length: n }, (_, k) => ({ url: `${base}/sink`, body: `${tag}-${i + k}` }))));
// one message a request, as the SDK publishes each step's result: 100 requests at once while fewer than 500 wait
const publishSingly = (count, tag) => sustained(count, 500, (started) => started - delivered,
  (i, n) => Promise.all(Array.from({ length: n }, (_, k) => qstash.publish({ url: `${base}/sink`, body: `${tag}-${i + k}` }))));

// warm-up: every path, a quarter of the runs (after a tenth, the JIT still compiled during the workflow burst: a
// tenth of a step's CPU, which the phases after it did not pay)
const warm = Math.max(100, Math.floor(RUNS / 4));
await publishMessages(warm * 4, "warm");
await publishSingly(warm * 2, "warm-single");
await until(() => delivered >= warm * 6, 300_000, "the warm-up's messages");
await triggerRuns(warm, 0);
await until(() => doneRuns >= warm, 300_000, "the warm-up's runs");
console.log(`warm-up: ${warm} runs and ${warm * 6} messages`);

// latency at a low steady rate: one message and one run started every 1/RATE s, for 10 s
const lowCount = RATE * 10;
stepTimes.clear();
doneRuns = 0;
delivered = 0;
latencies.length = 0;
const lowStart = performance.now();
for (let i = 0; i < lowCount; i++) {
  const due = lowStart + (i * 1000) / RATE;
  await sleep(Math.max(0, due - performance.now()));
  const body = `low-${i}`;
  sent.set(body, performance.now());
  qstash.publish({ url: `${base}/sink`, body });
  client.trigger({ url: workflowUrl, body: { n: i } });
}
await until(() => doneRuns >= lowCount && delivered >= lowCount, 120_000, "the low-rate phase");
const gaps = [];
for (const times of stepTimes.values()) {
  gaps.push(times[1] - times[0], times[2] - times[1]);
}
gaps.sort((a, b) => a - b);
latencies.sort((a, b) => a - b);
console.log(`latency at ${RATE}/s: QStash publish-to-delivery p50 ${ms(percentile(latencies, 50))} p99 ${ms(percentile(latencies, 99))}; `
  + `workflow step-to-step p50 ${ms(percentile(gaps, 50))} p99 ${ms(percentile(gaps, 99))} (${gaps.length} steps)`);

// throughput: the same number of deliveries each way (a run is 4 deliveries: its start and three step results)
delivered = 0;
let began = performance.now();
let cpu = larderCpuMillis();
await publishMessages(RUNS * 4, "burst");
await until(() => delivered >= RUNS * 4, 600_000, "the QStash burst");
const qstashPerSecond = (RUNS * 4) / ((performance.now() - began) / 1000);
const qstashCpu = (larderCpuMillis() - cpu) / (RUNS * 4);
delivered = 0;
began = performance.now();
cpu = larderCpuMillis();
await publishSingly(RUNS * 2, "single");
await until(() => delivered >= RUNS * 2, 600_000, "the single publishes");
const singlePerSecond = (RUNS * 2) / ((performance.now() - began) / 1000);
const singleCpu = (larderCpuMillis() - cpu) / (RUNS * 2);
doneRuns = 0;
began = performance.now();
cpu = larderCpuMillis();
await triggerRuns(RUNS, 0);
await until(() => doneRuns >= RUNS, 600_000, "the workflow burst");
const runsPerSecond = RUNS / ((performance.now() - began) / 1000);
const stepCpu = (larderCpuMillis() - cpu) / (RUNS * 4);
// the fair reference for a step's cost: single publishes paced at the workflow's own step rate (Larder's CPU per
// delivery falls as the rate rises: part of it is spent per second, not per message)
const stepRate = runsPerSecond * 4;
const pacedCount = Math.round(Math.min(RUNS * 2, stepRate * 30));
delivered = 0;
cpu = larderCpuMillis();
began = performance.now();
for (let i = 0; i < pacedCount;) {
  await sleep(Math.max(0, began + (i * 1000) / stepRate - performance.now()));
  const due = Math.min(pacedCount, Math.floor(((performance.now() - began) * stepRate) / 1000) + 1);
  for (; i < due; i++) qstash.publish({ url: `${base}/sink`, body: `paced-${i}` });
}
await until(() => delivered >= pacedCount, 600_000, "the paced single publishes");
const pacedPerSecond = pacedCount / ((performance.now() - began) / 1000);
const pacedCpu = (larderCpuMillis() - cpu) / pacedCount;
const ratio = ((runsPerSecond * 4) / qstashPerSecond).toFixed(2);
const singleRatio = ((runsPerSecond * 4) / singlePerSecond).toFixed(2);
console.log(`throughput: QStash batched ${qstashPerSecond.toFixed(0)} deliveries/s, Larder ${qstashCpu.toFixed(3)} ms CPU each; QStash single `
  + `publishes ${singlePerSecond.toFixed(0)}/s, ${singleCpu.toFixed(3)} ms each; workflow ${runsPerSecond.toFixed(0)} runs/s = `
  + `${(runsPerSecond * 4).toFixed(0)} step deliveries/s (${ratio}x batched, ${singleRatio}x single), Larder ${stepCpu.toFixed(3)} ms CPU each `
  + `(${(stepCpu / qstashCpu).toFixed(2)}x a batched delivery's, ${(stepCpu / singleCpu).toFixed(2)}x a single publish's); `
  + `single publishes paced at the step rate: ${pacedPerSecond.toFixed(0)}/s, Larder ${pacedCpu.toFixed(3)} ms CPU each `
  + `(a step costs ${(stepCpu / pacedCpu).toFixed(2)}x one of them)`);
console.log(`| ${RUNS} runs | ${runsPerSecond.toFixed(0)} runs/s | ${(runsPerSecond * 4).toFixed(0)} step deliveries/s | `
  + `${qstashPerSecond.toFixed(0)} batched / ${singlePerSecond.toFixed(0)} single deliveries/s | ${ratio}x / ${singleRatio}x | `
  + `${stepCpu.toFixed(3)} / ${qstashCpu.toFixed(3)} / ${singleCpu.toFixed(3)} ms | `
  + `${pacedCpu.toFixed(3)} ms at ${pacedPerSecond.toFixed(0)}/s (${(stepCpu / pacedCpu).toFixed(2)}x) | `
  + `step-to-step p50 ${ms(percentile(gaps, 50))} p99 ${ms(percentile(gaps, 99))} | publish-to-delivery p50 ${ms(percentile(latencies, 50))} `
  + `p99 ${ms(percentile(latencies, 99))} |`);
server.close();
process.exit(0);
