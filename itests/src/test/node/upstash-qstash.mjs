// @upstash/qstash against Larder: publish to a sink on 127.0.0.1 that checks every delivery's signature with the
// client's own Receiver, retries and their delays, the dead-letter queue, messages, keys and logs.
// Usage: node upstash-qstash.mjs '{"url":"http://127.0.0.1:PORT","token":"...","tls":{"key":"key.pem","cert":"cert.pem"}}'
// (tls: a certificate for 127.0.0.1 that the server under test trusts, for its https sinks)
import fs from "node:fs";
import http from "node:http";
import http2 from "node:http2";
import https from "node:https";
import { Client, Receiver } from "@upstash/qstash";
import { checks } from "./checks.mjs";

const config = JSON.parse(process.argv[2]);
const { check, ok, finish } = checks("upstash-qstash");
async function refused(name, promise, text) {
  try {
    await promise;
    ok(`${name} refused`, false);
  } catch (e) {
    ok(`${name}: ${e.message}`, String(e.message).includes(text), `(want ${text})`);
  }
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(name, test, ms = 15000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await test();
    if (value) return value;
    await sleep(50);
  }
  ok(`${name} within ${ms} ms`, false);
  return undefined;
}

const client = new Client({ token: config.token, baseUrl: config.url });
const keys = await (await fetch(`${config.url}/v2/keys`, { headers: { Authorization: `Bearer ${config.token}` } })).json();
ok("signing keys look like QStash's", /^sig_\w{28}$/.test(keys.current) && /^sig_\w{28}$/.test(keys.next), JSON.stringify(keys));
const receiver = new Receiver({ currentSigningKey: keys.current, nextSigningKey: keys.next });

// the sink: every delivery's signature verified by the Receiver against the URL called and the raw body
const deliveries = [];
const slowPaths = new Set();
let onSlow = () => {};
const attempts = {};
let inFlight = 0;
let maxInFlight = 0;
// a delivery's body and whether the Receiver accepts its signature for the URL called (true, or why not)
function signed(request, url) {
  return new Promise((resolve) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      try {
        resolve({ body, verified: await receiver.verify({ signature: request.headers["upstash-signature"], body, url }) });
      } catch (e) {
        resolve({ body, verified: e.message });
      }
    });
  });
}
const sink = http.createServer((request, response) => {
  const url = `http://127.0.0.1:${sink.address().port}${request.url}`;
  signed(request, url).then(async ({ body, verified }) => {
    const path = request.url.split("?")[0];
    attempts[path] = (attempts[path] ?? 0) + 1;
    deliveries.push({ path, url, method: request.method, body, headers: request.headers, verified, at: Date.now() });
    if (path === "/slow") {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep(80);
      inFlight--;
    } else if (slowPaths.has(path)) {
      onSlow(1);
      await sleep(150);
      onSlow(-1);
    }
    if (path === "/fail-twice" && attempts[path] <= 2) {
      response.writeHead(503).end("not yet");
    } else if (path === "/always-500") {
      response.writeHead(500, { "X-Why": "broken" }).end("broken for good");
    } else if (path === "/non-retryable") {
      response.writeHead(489, { "Upstash-NonRetryable-Error": "true" }).end("do not retry");
    } else if (path === "/retry-after" && attempts[path] === 1) {
      response.writeHead(429, { "Retry-After": "1" }).end("slow down");
    } else {
      response.writeHead(200).end("ok");
    }
  });
});
await new Promise((resolve) => sink.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${sink.address().port}`;
const deliveredTo = (path) => deliveries.filter((d) => d.path === path);

// publish: delivered once, signed, with the body and the forwarded headers
const published = await client.publishJSON({ url: `${base}/ok?from=test`, body: { hello: "world" }, headers: { "X-Custom": "forwarded" } });
ok("publish answers a message id", /^msg_/.test(published.messageId), JSON.stringify(published));
check("publish answers the url", published.url, `${base}/ok?from=test`);
const first = await until("the delivery", () => deliveredTo("/ok")[0]);
if (first) {
  check("the Receiver accepts the signature", first.verified, true);
  check("the body arrives as sent", first.body, '{"hello":"world"}');
  check("the query string is kept", first.url, `${base}/ok?from=test`);
  check("method", first.method, "POST");
  check("forwarded header", first.headers["x-custom"], "forwarded");
  check("content type", first.headers["content-type"], "application/json");
  check("Upstash-Message-Id", first.headers["upstash-message-id"], published.messageId);
  check("Upstash-Retried", first.headers["upstash-retried"], "0");
  check("User-Agent", first.headers["user-agent"], "Upstash-QStash");
  ok("no Upstash-Forward- prefix left", !Object.keys(first.headers).some((h) => h.startsWith("upstash-forward")));
}
await sleep(300);
check("delivered exactly once", deliveredTo("/ok").length, 1);
await refused("a delivered message", client.messages.get(published.messageId), "not found");

// raw bodies and other methods
await client.publish({ url: `${base}/put`, body: "plain text ü", method: "PUT", headers: { "Content-Type": "text/plain" } });
const put = await until("the PUT delivery", () => deliveredTo("/put")[0]);
if (put) {
  check("PUT", put.method, "PUT");
  check("a UTF-8 body", put.body, "plain text ü");
  check("signature over a UTF-8 body", put.verified, true);
}

// retries: two failures, then delivered on the third attempt, each after the retry-delay expression's wait
const retried = await client.publish({ url: `${base}/fail-twice`, body: "again", retries: 3, retryDelay: "100 * (retried + 1)" });
await until("the third attempt", () => deliveredTo("/fail-twice").length >= 3 && deliveredTo("/fail-twice")[2]);
const tries = deliveredTo("/fail-twice");
check("attempts", tries.length, 3);
check("Upstash-Retried counts up", tries.map((t) => t.headers["upstash-retried"]), ["0", "1", "2"]);
ok("the retry-delay expression spaces the attempts", tries[1].at - tries[0].at >= 90 && tries[2].at - tries[1].at >= 190,
  `${tries[1].at - tries[0].at}, ${tries[2].at - tries[1].at} ms`);
check("every attempt signed", tries.every((t) => t.verified === true), true);

// Retry-After from the destination sets the wait
await client.publish({ url: `${base}/retry-after`, body: "x", retries: 2 });
await until("the retry after Retry-After", () => deliveredTo("/retry-after").length >= 2, 10000);
const afters = deliveredTo("/retry-after");
ok("Retry-After: 1 waited about a second", afters.length === 2 && afters[1].at - afters[0].at >= 900 && afters[1].at - afters[0].at < 5000,
  afters.length === 2 ? `${afters[1].at - afters[0].at} ms` : "");

// the DLQ: retries run out; 489 with Upstash-NonRetryable-Error goes there at once
const broken = await client.publish({ url: `${base}/always-500`, body: "lost?", retries: 1, retryDelay: "50" });
const refusedForGood = await client.publish({ url: `${base}/non-retryable`, body: "no", retries: 3 });
const dlq = await until("both in the DLQ", async () => {
  const list = await client.dlq.listMessages();
  return list.messages.length >= 2 ? list : undefined;
});
if (dlq) {
  const dead = dlq.messages.find((m) => m.messageId === broken.messageId);
  const nonRetryable = dlq.messages.find((m) => m.messageId === refusedForGood.messageId);
  ok("the failed message is in the DLQ", dead, JSON.stringify(dlq));
  ok("the non-retryable one too", nonRetryable, JSON.stringify(dlq));
  if (dead) {
    check("its last answer's status", dead.responseStatus, 500);
    check("its last answer's body", dead.responseBody, "broken for good");
    check("its last answer's headers", dead.responseHeader["X-Why"], ["broken"]);
    check("its url", dead.url, `${base}/always-500`);
    check("its body", dead.body, "lost?");
    check("its retries", dead.maxRetries, 1);
    ok("a DLQ id", typeof dead.dlqId === "string" && dead.dlqId.length > 0);
  }
  check("500 tried twice (1 retry)", deliveredTo("/always-500").length, 2);
  check("489 tried once", deliveredTo("/non-retryable").length, 1);
  if (dead) {
    await client.dlq.delete(dead.dlqId);
    const after = await client.dlq.listMessages();
    ok("deleted from the DLQ", !after.messages.some((m) => m.dlqId === dead.dlqId));
    await refused("deleting it again", client.dlq.delete(dead.dlqId), "not found");
  }
}

// messages waiting: read, then cancelled before they are due
const later = await client.publishJSON({ url: `${base}/later`, body: { n: 1 }, delay: 60, headers: { "X-Kept": "yes" }, retries: 2 });
const waiting = await client.messages.get(later.messageId);
check("a waiting message's url", waiting.url, `${base}/later`);
check("its method", waiting.method, "POST");
check("its body", waiting.body, '{"n":1}');
check("its retries", waiting.maxRetries, 2);
check("its forwarded header", waiting.header["X-Kept"], ["yes"]);
ok("not before a minute from now", waiting.notBefore >= Date.now() + 55000, `${waiting.notBefore - Date.now()} ms`);
await client.messages.cancel(later.messageId);
await refused("a cancelled message", client.messages.get(later.messageId), "not found");
await sleep(200);
check("a cancelled message is not delivered", deliveredTo("/later").length, 0);

// logs
const logs = await client.logs({ filter: { messageId: published.messageId } });
const states = logs.logs.map((l) => l.state);
ok("the log has CREATED and DELIVERED", states.includes("CREATED") && states.includes("DELIVERED"), JSON.stringify(states));

// callbacks: one after every attempt, with its answer; the failure callback once the message is dead
const watched = await client.publish({ url: `${base}/always-500`, body: "watched", retries: 1, retryDelay: "50",
  callback: `${base}/callback`, failureCallback: `${base}/failure-callback` });
await until("two callbacks and a failure callback", () => deliveredTo("/callback").length >= 2 && deliveredTo("/failure-callback").length >= 1);
const calls = deliveredTo("/callback").map((d) => JSON.parse(d.body)).filter((c) => c.sourceMessageId === watched.messageId);
check("a callback per attempt", calls.map((c) => [c.status, c.retried, c.maxRetries]), [[500, 0, 1], [500, 1, 1]]);
check("the callback carries the answer in base64", Buffer.from(calls[0].body, "base64").toString(), "broken for good");
check("and the source body", Buffer.from(calls[0].sourceBody, "base64").toString(), "watched");
check("and the source url", calls[0].url, `${base}/always-500`);
check("callbacks are signed", deliveredTo("/callback").every((d) => d.verified === true), true);
const failure = JSON.parse(deliveredTo("/failure-callback")[0].body);
check("the failure callback names the message and its DLQ entry", [failure.sourceMessageId, typeof failure.dlqId], [watched.messageId, "string"]);
const fine = await client.publish({ url: `${base}/ok`, body: "fine", callback: `${base}/callback` });
await until("the callback of a delivered message", () => deliveredTo("/callback").some((d) => JSON.parse(d.body).sourceMessageId === fine.messageId));
check("its status", deliveredTo("/callback").map((d) => JSON.parse(d.body)).find((c) => c.sourceMessageId === fine.messageId).status, 200);

// deduplication: the same id, or the same content, within the window makes no second message
const once = await client.publish({ url: `${base}/dedup`, body: "one", deduplicationId: "order-17" });
const twice = await client.publish({ url: `${base}/dedup`, body: "two", deduplicationId: "order-17" });
check("a repeated deduplication id answers the first message", [twice.messageId, twice.deduplicated], [once.messageId, true]);
const byContent = await client.publish({ url: `${base}/dedup`, body: "same", contentBasedDeduplication: true });
const againByContent = await client.publish({ url: `${base}/dedup`, body: "same", contentBasedDeduplication: true });
check("the same content is deduplicated", [againByContent.messageId, againByContent.deduplicated], [byContent.messageId, true]);
const otherContent = await client.publish({ url: `${base}/dedup`, body: "other", contentBasedDeduplication: true });
ok("other content is not", otherContent.messageId !== byContent.messageId && !otherContent.deduplicated);
await until("the deduplicated deliveries", () => deliveredTo("/dedup").length >= 3);
await sleep(300);
check("one delivery per distinct message", deliveredTo("/dedup").map((d) => d.body).sort(), ["one", "other", "same"]);

// queues: one at a time in the order they came; paused holds them; parallelism lets more run at once
const queue = client.queue({ queueName: "orders" });
await queue.upsert({ parallelism: 1 });
const made = await queue.get();
check("a queue as upserted", [made.name, made.parallelism, made.paused, made.lag], ["orders", 1, false, 0]);
for (let i = 0; i < 5; i++) {
  await queue.enqueueJSON({ url: `${base}/slow`, body: { i } });
}
await until("the queue's five deliveries", () => deliveredTo("/slow").length >= 5);
check("a queue delivers in order", deliveredTo("/slow").map((d) => JSON.parse(d.body).i), [0, 1, 2, 3, 4]);
check("one at a time", maxInFlight, 1);
await queue.pause();
const held = await queue.enqueueJSON({ url: `${base}/held`, body: { held: true } });
await sleep(400);
check("a paused queue holds its messages", deliveredTo("/held").length, 0);
const paused = await queue.get();
check("paused, with one waiting", [paused.paused, paused.lag], [true, 1]);
check("the waiting message names its queue", (await client.messages.get(held.messageId)).queueName, "orders");
await queue.resume();
await until("the held message after resume", () => deliveredTo("/held")[0]);
await client.queue({ queueName: "wide" }).upsert({ parallelism: 3 });
maxInFlight = 0;
for (let i = 0; i < 6; i++) {
  await client.queue({ queueName: "wide" }).enqueue({ url: `${base}/slow`, body: `wide ${i}` });
}
await until("the wide queue's deliveries", () => deliveredTo("/slow").length >= 11);
ok("parallelism 3 runs up to three at once", maxInFlight >= 2 && maxInFlight <= 3, `max ${maxInFlight}`);
const names = (await client.queue().list()).map((q) => q.name);
check("queues listed", names, ["orders", "wide"]);
await client.queue({ queueName: "wide" }).delete();
await refused("a deleted queue", client.queue({ queueName: "wide" }).get(), "not found");
await refused("a bad queue name", client.queue({ queueName: "no spaces" }).upsert({ parallelism: 1 }), "invalid queue name");

// bad input: nothing stored
await refused("a destination that is not http(s)", client.publish({ url: "ftp://127.0.0.1/x", body: "x" }), "invalid destination url");
await refused("a bad retry-delay expression", client.publish({ url: `${base}/ok`, body: "x", retryDelay: "retries * 1000" }), "invalid retry delay expression");
await refused("a bad delay", client.publish({ url: `${base}/ok`, body: "x", headers: { "Upstash-Delay": "soon" } }), "invalid Upstash-Delay");
await refused("a wrong token", new Client({ token: "wrong", baseUrl: config.url, retry: false }).publish({ url: `${base}/ok`, body: "x" }), "Unauthorized");
await refused("an unknown message", client.messages.get("msg_nothing"), "not found");

// a schedule firing every minute, made first so its first firing comes while the rest runs
const scheduled = await client.schedules.create({ destination: `${base}/scheduled`, cron: "* * * * *", body: "tick", retries: 2, delay: 0,
  headers: { "Test-Header": "test-value" }, scheduleId: "every-minute" });
check("a schedule keeps the id it was given", scheduled.scheduleId, "every-minute");
const schedule = await client.schedules.get("every-minute");
check("the schedule as stored", [schedule.cron, schedule.destination, schedule.method, schedule.retries, schedule.body, schedule.isPaused],
  ["* * * * *", `${base}/scheduled`, "POST", 2, "tick", false]);
check("its forwarded header", schedule.header["Test-Header"], ["test-value"]);
ok("its next firing within a minute", schedule.nextScheduleTime > Date.now() - 1000 && schedule.nextScheduleTime <= Date.now() + 60000,
  `${schedule.nextScheduleTime}`);
const zoned = await client.schedules.create({ destination: `${base}/zoned`, cron: "CRON_TZ=Europe/Istanbul 0 9 * * *", body: "morning" });
const zonedSchedule = await client.schedules.get(zoned.scheduleId);
check("a zoned schedule fires at 09:00 Istanbul time (06:00 UTC)", new Date(zonedSchedule.nextScheduleTime).toISOString().slice(11, 16), "06:00");
await client.schedules.pause({ schedule: zoned.scheduleId });
check("a paused schedule", (await client.schedules.get(zoned.scheduleId)).isPaused, true);
await client.schedules.resume({ schedule: zoned.scheduleId });
check("resumed", (await client.schedules.get(zoned.scheduleId)).isPaused, false);
check("schedules listed", (await client.schedules.list()).map((x) => x.scheduleId).sort(), ["every-minute", zoned.scheduleId].sort());
await client.schedules.delete(zoned.scheduleId);
await refused("a deleted schedule", client.schedules.get(zoned.scheduleId), "not found");
await refused("a cron that does not parse", client.schedules.create({ destination: `${base}/x`, cron: "every day" }), "Invalid cron expression");
await refused("an empty cron", client.schedules.create({ destination: `${base}/x`, cron: "" }), "Invalid cron expression");

// URL groups: one message per endpoint, each delivered with the group's name
await client.urlGroups.addEndpoints({ name: "fanout", endpoints: [{ name: "first", url: `${base}/g1` }, { url: `${base}/g2` }] });
const group = await client.urlGroups.get("fanout");
check("a URL group as made", [group.name, group.endpoints], ["fanout", [{ name: "first", url: `${base}/g1` }, { url: `${base}/g2` }]]);
check("groups listed", (await client.urlGroups.list()).map((g) => g.name), ["fanout"]);
const fanned = await client.publish({ urlGroup: "fanout", body: "to all" });
check("a group publish answers one message per endpoint", fanned.map((m) => m.url).sort(), [`${base}/g1`, `${base}/g2`]);
const g1 = await until("the first endpoint's delivery", () => deliveredTo("/g1")[0]);
await until("the second endpoint's delivery", () => deliveredTo("/g2")[0]);
if (g1) {
  check("delivered with Upstash-Topic-Name", g1.headers["upstash-topic-name"], "fanout");
  check("and signed", g1.verified, true);
}
await client.urlGroups.removeEndpoints({ name: "fanout", endpoints: [{ url: `${base}/g2` }] });
check("an endpoint removed", (await client.urlGroups.get("fanout")).endpoints, [{ name: "first", url: `${base}/g1` }]);
await client.urlGroups.delete("fanout");
await refused("a deleted group", client.urlGroups.get("fanout"), "not found");
await refused("publish to an unknown group", client.publish({ urlGroup: "nothing-here", body: "x" }), "not found");

// batch: each entry a publish of its own, to a URL or a queue
const batched = await client.batchJSON([
  { url: `${base}/batch`, body: { n: 1 } },
  { url: `${base}/batch`, body: { n: 2 }, queueName: "batched", headers: { "X-Entry": "two" } },
]);
check("a batch answers each entry", batched.length, 2);
await until("both batch entries delivered", () => deliveredTo("/batch").length >= 2);
check("batch bodies", deliveredTo("/batch").map((d) => JSON.parse(d.body).n).sort(), [1, 2]);
check("a batch entry's forwarded header", deliveredTo("/batch").find((d) => JSON.parse(d.body).n === 2)?.headers["x-entry"], "two");
await refused("a batch with a bad entry", client.batch([{ url: `${base}/batch`, body: "ok" }, { url: "ftp://x/y", body: "bad" }]),
  "invalid destination url");
check("a refused batch stores nothing", deliveredTo("/batch").length, 2);

// bulk cancel by label, and all
for (let i = 0; i < 3; i++) {
  await client.publish({ url: `${base}/bulk`, body: `b${i}`, delay: 600, label: "bulk" });
}
await client.publish({ url: `${base}/bulk`, body: "other", delay: 600, label: "keep" });
check("cancel by label", (await client.messages.cancel({ filter: { label: "bulk" } })).cancelled, 3);
check("cancel the rest", (await client.messages.cancel({ all: true })).cancelled >= 1, true);

// the DLQ's filters and pages
for (let i = 0; i < 3; i++) {
  await client.publish({ url: `${base}/non-retryable`, body: `dead ${i}`, label: "paged" });
}
await until("three more dead letters", async () => (await client.dlq.listMessages({ filter: { label: "paged" } })).messages.length === 3);
const firstPage = await client.dlq.listMessages({ filter: { label: "paged" }, count: 2 });
check("a page of two, with a cursor", [firstPage.messages.length, typeof firstPage.cursor], [2, "string"]);
const secondPage = await client.dlq.listMessages({ filter: { label: "paged" }, count: 2, cursor: firstPage.cursor });
check("the last page, without a cursor", [secondPage.messages.length, secondPage.cursor], [1, undefined]);
check("pages do not repeat", new Set([...firstPage.messages, ...secondPage.messages].map((m) => m.dlqId)).size, 3);
check("by response status", (await client.dlq.listMessages({ filter: { responseStatus: 489, label: "paged" } })).messages.length, 3);
const retriedOne = await client.dlq.retry({ dlqIds: [secondPage.messages[0].dlqId] });
check("retry one by id", retriedOne.responses.length, 1);
await until("the retried message back in the DLQ (its destination refuses it for good)",
  async () => (await client.dlq.listMessages({ filter: { label: "paged" } })).messages.length === 3);
check("delete by filter", (await client.dlq.delete({ filter: { label: "paged" } })).deleted, 3);
check("nothing left under the filter", (await client.dlq.listMessages({ filter: { label: "paged" } })).messages.length, 0);
await refused("an unknown filter", fetch(`${config.url}/v2/dlq?labeel=x`, { method: "DELETE", headers: { Authorization: `Bearer ${config.token}` } })
  .then(async (r) => { if (!r.ok) throw new Error(await r.text()); }), "unknown query parameter labeel");

// flow control: at most two at once for a key, across URLs
let flowInFlight = 0;
let flowMax = 0;
slowPaths.add("/flow-a");
slowPaths.add("/flow-b");
onSlow = (delta) => { flowInFlight += delta; flowMax = Math.max(flowMax, flowInFlight); };
for (let i = 0; i < 6; i++) {
  await client.publish({ url: `${base}/flow-${i % 2 === 0 ? "a" : "b"}`, body: `f${i}`, flowControl: { key: "tenant-1", parallelism: 2 } });
}
const flowInfo = await client.flowControl.get("tenant-1");
check("the key's limit", [flowInfo.flowControlKey, flowInfo.parallelismMax], ["tenant-1", 2]);
await until("the flow-controlled deliveries", () => deliveredTo("/flow-a").length + deliveredTo("/flow-b").length >= 6);
ok("never more than two at once", flowMax >= 1 && flowMax <= 2, `max ${flowMax}`);
await client.flowControl.pause("tenant-1");
check("a paused key", (await client.flowControl.get("tenant-1")).isPaused, true);
await client.flowControl.resume("tenant-1");
await refused("an unknown key", client.flowControl.get("no-such-key"), "not found");
const global = await client.flowControl.getGlobalParallelism();
check("global parallelism", [typeof global.parallelismMax, typeof global.parallelismCount], ["number", "number"]);

// more than the server holds in memory (this test's server: 20 ids a queue or key): the rest wait in the grid and
// come back in order, none lost, none twice
const deep = client.queue({ queueName: "deep" });
await deep.upsert({ parallelism: 1 });
await deep.pause();
for (let from = 0; from < 60; from += 20) {
  await client.batchJSON(Array.from({ length: 20 }, (_, k) => ({ url: `${base}/deep`, body: { i: from + k }, queueName: "deep" })));
}
check("a paused queue's lag counts those in the grid", (await deep.get()).lag, 60);
await deep.resume();
await until("the deep queue's 60 deliveries", () => deliveredTo("/deep").length >= 60);
await sleep(300);
check("a queue deeper than memory delivers in order, once each", deliveredTo("/deep").map((d) => JSON.parse(d.body).i),
  Array.from({ length: 60 }, (_, i) => i));
let deepFlowInFlight = 0;
let deepFlowMax = 0;
slowPaths.add("/deep-flow");
onSlow = (delta) => { deepFlowInFlight += delta; deepFlowMax = Math.max(deepFlowMax, deepFlowInFlight); };
await client.batchJSON(Array.from({ length: 60 }, (_, i) => ({ url: `${base}/deep-flow`, body: { i }, flowControl: { key: "deep-key", parallelism: 1 } })));
await sleep(500);
const deepKey = await client.flowControl.get("deep-key");
ok("a full key's wait list counts those in the grid", deepKey.waitListSize > 20, `waitListSize ${deepKey.waitListSize}`);
await until("the deep key's 60 deliveries", () => deliveredTo("/deep-flow").length >= 60, 30000);
await sleep(300);
check("a key deeper than memory delivers each once", deliveredTo("/deep-flow").map((d) => JSON.parse(d.body).i).sort((x, y) => x - y),
  Array.from({ length: 60 }, (_, i) => i));
check("one at a time throughout", deepFlowMax, 1);

// the log, filtered and paged
const delivered = await client.logs({ filter: { state: "DELIVERED", url: `${base}/batch` } });
check("the log filtered by state and url", delivered.events.map((e) => [e.state, e.url]), [["DELIVERED", `${base}/batch`], ["DELIVERED", `${base}/batch`]]);
const logPage = await client.logs({ count: 3 });
check("a page of the log", [logPage.events.length, typeof logPage.cursor], [3, "string"]);
const nextLogPage = await client.logs({ count: 3, cursor: logPage.cursor });
ok("the next page is older", nextLogPage.events[0].time <= logPage.events[2].time);

// the schedule's first firing (cron fires on the minute)
const tick = await until("the schedule's first firing", () => deliveredTo("/scheduled")[0], 65000);
if (tick) {
  check("a scheduled delivery's Upstash-Schedule-Id", tick.headers["upstash-schedule-id"], "every-minute");
  check("its body and header", [tick.body, tick.headers["test-header"]], ["tick", "test-value"]);
  check("and signature", tick.verified, true);
  const fired = await until("the schedule's state", async () => {
    const s = await client.schedules.get("every-minute");
    return s.lastScheduleStates && Object.values(s.lastScheduleStates).includes("SUCCESS") ? s : undefined;
  });
  ok("the schedule shows its last firing", fired && fired.lastScheduleTime > 0 && fired.nextScheduleTime > fired.lastScheduleTime);
}
await client.schedules.delete("every-minute");
// left for the console to show: a paused nightly schedule and a group
await client.schedules.create({ destination: `${base}/nightly`, cron: "CRON_TZ=Europe/Berlin 0 3 * * *", scheduleId: "nightly" });
await client.schedules.pause({ schedule: "nightly" });
await client.urlGroups.addEndpoints({ name: "kept", endpoints: [{ name: "audit", url: `${base}/audit` }] });

// https: HTTP/2 where the destination offers it (ALPN), HTTP/1.1 where it does not; signed the same
async function overTls(name, server) {
  const arrived = [];
  server.on("request", async (request, response) => {
    const { body, verified } = await signed(request, `https://127.0.0.1:${server.address().port}${request.url}`);
    arrived.push({ version: request.httpVersion, body, verified });
    response.writeHead(200).end("ok");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  await client.publishJSON({ url: `https://127.0.0.1:${server.address().port}/tls`, body: { over: name } });
  const delivery = await until(`the delivery over ${name}`, () => arrived[0]);
  server.close();
  return delivery;
}
if (config.tls) {
  const tls = { key: fs.readFileSync(config.tls.key), cert: fs.readFileSync(config.tls.cert) };
  const overHttp2 = await overTls("HTTP/2", http2.createSecureServer({ ...tls, allowHTTP1: true }));
  check("a TLS destination that offers h2 gets HTTP/2", overHttp2?.version, "2.0");
  check("its delivery is signed and whole", [overHttp2?.verified, overHttp2?.body], [true, '{"over":"HTTP/2"}']);
  const overHttp1 = await overTls("HTTP/1.1", https.createServer(tls));
  check("a TLS destination without h2 gets HTTP/1.1", overHttp1?.version, "1.1");
  check("its delivery is signed and whole", [overHttp1?.verified, overHttp1?.body], [true, '{"over":"HTTP/1.1"}']);
}

// key rotation: the next key signs, and the Receiver that knows both keeps accepting
const rotated = await (await fetch(`${config.url}/v2/keys/rotate`, { method: "POST", headers: { Authorization: `Bearer ${config.token}` } })).json();
check("rotation moves next to current", rotated.current, keys.next);
await client.publish({ url: `${base}/after-rotation`, body: "rotated" });
const afterRotation = await until("the delivery after rotation", () => deliveredTo("/after-rotation")[0]);
if (afterRotation) {
  check("signed with the new current key, which the Receiver knew as next", afterRotation.verified, true);
}

sink.close();
finish();
