// Runs @upstash/ratelimit against a server over RESP (ioredis), through an adapter with the methods
// the library calls on @upstash/redis (eval, evalsha, hset, multi), serializing arguments and
// deserializing replies as @upstash/redis does. Prints one JSON line per check; exits 1 on a failure.
// Usage: node ratelimit-over-resp.mjs PORT
import { Ratelimit } from "@upstash/ratelimit";
import Redis from "ioredis";

const port = Number(process.argv[2]);
const client = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 1 });
await client.connect();

const serialize = (value) => (typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value));
// @upstash/redis's automatic deserialization: strings that are JSON become values
const deserialize = (value) => {
  if (Array.isArray(value)) return value.map(deserialize);
  if (typeof value !== "string") return value;
  try {
    const parsed = JSON.parse(value);
    return typeof parsed === "number" && !Number.isSafeInteger(parsed) && /^-?\d+$/.test(value) ? value : parsed;
  } catch {
    return value;
  }
};
const redis = {
  eval: async (script, keys, args) => deserialize(await client.eval(script, keys.length, ...keys.map(serialize), ...args.map(serialize))),
  evalsha: async (sha, keys, args) => deserialize(await client.evalsha(sha, keys.length, ...keys.map(serialize), ...args.map(serialize))),
  hset: async (key, fields) => client.hset(key, Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, serialize(v)]))),
};

let failed = false;
const check = (name, actual, expected) => {
  const ok = JSON.stringify(actual) === JSON.stringify(expected);
  failed ||= !ok;
  console.log(JSON.stringify({ check: name, ok, actual, expected }));
};

await client.flushall();
await client.script("FLUSH"); // the first call of each algorithm goes EVALSHA -> NOSCRIPT -> EVAL

const algorithms = {
  fixedWindow: Ratelimit.fixedWindow(5, "30 s"),
  slidingWindow: Ratelimit.slidingWindow(5, "30 s"),
  tokenBucket: Ratelimit.tokenBucket(1, "30 s", 5),
};
for (const [name, limiter] of Object.entries(algorithms)) {
  const ratelimit = new Ratelimit({ redis, limiter, prefix: `rl-${name}`, ephemeralCache: false, analytics: false });
  const outcomes = [];
  for (let i = 0; i < 7; i++) {
    const result = await ratelimit.limit("user-1");
    outcomes.push([result.success, result.remaining, result.limit]);
  }
  check(`${name}: 7 requests against a limit of 5`, outcomes, [
    [true, 4, 5], [true, 3, 5], [true, 2, 5], [true, 1, 5], [true, 0, 5], [false, 0, 5], [false, 0, 5],
  ]);
  check(`${name}: another identifier has its own budget`, (await ratelimit.limit("user-2")).success, true);
  check(`${name}: getRemaining`, (await ratelimit.getRemaining("user-2")).remaining, 4);
  const weighted = await ratelimit.limit("user-3", { rate: 3 });
  check(`${name}: a request of weight 3`, [weighted.success, weighted.remaining], [true, 2]);
  await ratelimit.resetUsedTokens("user-1");
  check(`${name}: after resetUsedTokens`, (await ratelimit.limit("user-1")).success, true);
}
await client.quit();
process.exit(failed ? 1 : 0);
