// Runs the official @upstash/redis client (and @upstash/ratelimit, @upstash/lock on top of it) against a
// running Larder's REST API and checks every answer. Usage: node upstash-redis.mjs URL TOKEN READ_ONLY_TOKEN
// Prints one line per check that failed and a summary; exits 1 when any failed.
import { Redis } from "@upstash/redis";
import { Ratelimit } from "@upstash/ratelimit";
import { Lock } from "@upstash/lock";
import { isDeepStrictEqual, inspect } from "node:util";

const [url, token, readOnlyToken] = process.argv.slice(2);
const redis = new Redis({ url, token });
let passed = 0;
const failures = [];

function check(name, actual, expected) {
  if (isDeepStrictEqual(actual, expected)) {
    passed++;
  } else {
    failures.push(`${name}: got ${inspect(actual, { depth: 6 })}, expected ${inspect(expected, { depth: 6 })}`);
  }
}

async function rejects(name, promise, pattern) {
  try {
    const value = await promise;
    failures.push(`${name}: expected an error matching ${pattern}, got ${inspect(value)}`);
  } catch (error) {
    check(name, pattern.test(String(error.message)), true);
    if (!pattern.test(String(error.message))) failures.push(`${name}: error was ${error.message}`);
  }
}

async function family(name, body) {
  try {
    await body();
  } catch (error) {
    failures.push(`${name}: threw ${error.stack}`);
  }
}

await redis.flushdb();

await family("strings", async () => {
  check("set", await redis.set("s:a", "hello"), "OK");
  check("get", await redis.get("s:a"), "hello");
  check("set nx on existing", await redis.set("s:a", "x", { nx: true }), null);
  check("set get", await redis.set("s:a", "world", { get: true }), "hello");
  check("set ex", await redis.set("s:ex", "v", { ex: 100 }), "OK");
  check("ttl", await redis.ttl("s:ex"), 100);
  check("set px", await redis.set("s:px", "v", { px: 100000 }), "OK");
  check("pttl in range", (await redis.pttl("s:px")) > 99000, true);
  check("incr", await redis.incr("s:n"), 1);
  check("incrby", await redis.incrby("s:n", 10), 11);
  check("decr", await redis.decr("s:n"), 10);
  check("decrby", await redis.decrby("s:n", 4), 6);
  check("incrbyfloat", await redis.incrbyfloat("s:f", 1.5), 1.5);
  check("get number", await redis.get("s:n"), 6);
  check("append", await redis.append("s:a", "!"), 6);
  check("strlen", await redis.strlen("s:a"), 6);
  check("getrange", await redis.getrange("s:a", 0, 2), "wor");
  check("setrange", await redis.setrange("s:a", 0, "W"), 6);
  check("mset", await redis.mset({ "s:m1": "one", "s:m2": 2 }), "OK");
  check("mget", await redis.mget("s:m1", "s:m2", "s:none"), ["one", 2, null]);
  check("msetnx", await redis.msetnx({ "s:m1": "x", "s:m3": "y" }), 0);
  check("setnx", await redis.setnx("s:nx", "1"), 1);
  check("getdel", await redis.getdel("s:nx"), 1);
  check("getex", await redis.getex("s:m1", { ex: 50 }), "one");
  check("getset", await redis.getset("s:m1", "uno"), "one");
  check("exists", await redis.exists("s:a", "s:m1", "s:none"), 2);
  check("type", await redis.type("s:a"), "string");
  check("setex", await redis.setex("s:setex", 30, "v"), "OK");
  check("psetex", await redis.psetex("s:psetex", 30000, "v"), "OK");
  check("expire", await redis.expire("s:a", 60), 1);
  check("persist", await redis.persist("s:a"), 1);
  check("ttl persisted", await redis.ttl("s:a"), -1);
  check("rename", await redis.rename("s:a", "s:b"), "OK");
  check("del", await redis.del("s:b", "s:none"), 1);
  check("unlink", await redis.unlink("s:m2"), 1);
  check("keys", (await redis.keys("s:m*")).sort(), ["s:m1", "s:m3"].filter((k) => k !== "s:m3"));
  check("dbsize positive", (await redis.dbsize()) > 0, true);
  const [cursor, keys] = await redis.scan(0, { match: "s:*", count: 1000 });
  check("scan", [cursor, keys.length > 3], ["0", true]);
  check("bitops", [await redis.setbit("s:bits", 7, 1), await redis.getbit("s:bits", 7), await redis.bitcount("s:bits")], [0, 1, 1]);
  check("echo", await redis.echo("hi"), "hi");
  check("ping", await redis.ping(), "PONG");
});

await family("json values", async () => {
  const value = { name: "larder", tags: ["a", "b"], nested: { n: 1, ok: true }, nothing: null };
  await redis.set("j:obj", value);
  check("object round trip", await redis.get("j:obj"), value);
  await redis.set("j:arr", [1, "two", { three: 3 }]);
  check("array round trip", await redis.get("j:arr"), [1, "two", { three: 3 }]);
  await redis.hset("j:h", { profile: { age: 7 }, n: 5 });
  check("hash of json", await redis.hgetall("j:h"), { profile: { age: 7 }, n: 5 });
  await redis.lpush("j:l", { id: 1 });
  check("list of json", await redis.lrange("j:l", 0, -1), [{ id: 1 }]);
});

await family("base64 and binary", async () => {
  const text = "héllo wörld ✓ 🚀 \u0000 \n ok";
  await redis.set("b:text", text);
  check("unicode round trip (base64 responses)", await redis.get("b:text"), text);
  check("OK stays OK", await redis.set("b:ok", "OK"), "OK");
  check("value OK", await redis.get("b:ok"), "OK");
  const plain = new Redis({ url, token, responseEncoding: false });
  check("unicode without base64", await plain.get("b:text"), text);
  check("array without base64", await plain.mget("b:text", "b:ok"), [text, "OK"]);
  const raw = new Redis({ url, token, automaticDeserialization: false });
  await raw.set("b:num", "0042");
  check("raw string not parsed", await raw.get("b:num"), "0042");
});

await family("hashes", async () => {
  check("hset", await redis.hset("h:1", { a: "1", b: "two", c: 3 }), 3);
  check("hget", await redis.hget("h:1", "b"), "two");
  check("hgetall", await redis.hgetall("h:1"), { a: 1, b: "two", c: 3 });
  check("hmget", await redis.hmget("h:1", "a", "zz"), { a: 1, zz: null });
  check("hincrby", await redis.hincrby("h:1", "a", 5), 6);
  check("hincrbyfloat", await redis.hincrbyfloat("h:1", "c", 0.5), 3.5);
  check("hkeys", (await redis.hkeys("h:1")).sort(), ["a", "b", "c"]);
  check("hvals length", (await redis.hvals("h:1")).length, 3);
  check("hlen", await redis.hlen("h:1"), 3);
  check("hexists", await redis.hexists("h:1", "a"), 1);
  check("hsetnx", await redis.hsetnx("h:1", "a", "x"), 0);
  check("hstrlen", await redis.hstrlen("h:1", "b"), 3);
  check("hdel", await redis.hdel("h:1", "b", "zz"), 1);
  check("hrandfield", ["a", "c"].includes(await redis.hrandfield("h:1")), true);
  const [cursor, fields] = await redis.hscan("h:1", 0);
  check("hscan", [cursor, fields.length], ["0", 4]);
  check("hexpire", await redis.hexpire("h:1", ["a", "nope"], 100), [1, -2]);
  check("httl", await redis.httl("h:1", ["a", "c"]), [100, -1]);
  check("hpexpire", await redis.hpexpire("h:1", "c", 50000), [1]);
  check("hpttl positive", (await redis.hpttl("h:1", "c"))[0] > 49000, true);
  check("hexpiretime", (await redis.hexpiretime("h:1", "a"))[0] > 1700000000, true);
  check("hpersist", await redis.hpersist("h:1", "a"), [1]);
  check("httl after persist", await redis.httl("h:1", "a"), [-1]);
});

await family("lists", async () => {
  check("rpush", await redis.rpush("l:1", "a", "b", "c"), 3);
  check("lpush", await redis.lpush("l:1", "z"), 4);
  check("lrange", await redis.lrange("l:1", 0, -1), ["z", "a", "b", "c"]);
  check("llen", await redis.llen("l:1"), 4);
  check("lindex", await redis.lindex("l:1", 1), "a");
  check("lset", await redis.lset("l:1", 1, "A"), "OK");
  check("linsert", await redis.linsert("l:1", "before", "b", "ab"), 5);
  check("lpos", await redis.lpos("l:1", "b"), 3);
  check("lrem", await redis.lrem("l:1", 1, "ab"), 1);
  check("lpop", await redis.lpop("l:1"), "z");
  check("rpop", await redis.rpop("l:1"), "c");
  check("lpop count", await redis.lpop("l:1", 5), ["A", "b"]);
  await redis.rpush("l:2", 1, 2, 3, 4);
  check("ltrim", await redis.ltrim("l:2", 1, -1), "OK");
  check("lmove", await redis.lmove("l:2", "l:3", "left", "right"), 2);
  check("lmpop", await redis.lmpop(2, ["l:none", "l:2"], "LEFT", 2), ["l:2", [3, 4]]);
  check("rpushx missing", await redis.rpushx("l:none", "x"), 0);
});

await family("sets", async () => {
  check("sadd", await redis.sadd("st:1", "a", "b", "c"), 3);
  await redis.sadd("st:2", "b", "c", "d");
  check("smembers", (await redis.smembers("st:1")).sort(), ["a", "b", "c"]);
  check("sismember", await redis.sismember("st:1", "a"), 1);
  check("smismember", await redis.smismember("st:1", ["a", "x"]), [1, 0]);
  check("scard", await redis.scard("st:1"), 3);
  check("sinter", (await redis.sinter("st:1", "st:2")).sort(), ["b", "c"]);
  check("sunion", (await redis.sunion("st:1", "st:2")).sort(), ["a", "b", "c", "d"]);
  check("sdiff", await redis.sdiff("st:1", "st:2"), ["a"]);
  check("sinterstore", await redis.sinterstore("st:3", "st:1", "st:2"), 2);
  check("sunionstore", await redis.sunionstore("st:4", "st:1", "st:2"), 4);
  check("sdiffstore", await redis.sdiffstore("st:5", "st:1", "st:2"), 1);
  check("smove", await redis.smove("st:1", "st:2", "a"), 1);
  check("srem", await redis.srem("st:2", "a", "zz"), 1);
  check("srandmember", ["b", "c"].includes(await redis.srandmember("st:1")), true);
  check("spop", ["b", "c"].includes(await redis.spop("st:1")), true);
  const [cursor, members] = await redis.sscan("st:4", 0, { match: "*" });
  check("sscan", [cursor, members.sort()], ["0", ["a", "b", "c", "d"]]);
});

await family("sorted sets", async () => {
  check("zadd", await redis.zadd("z:1", { score: 1, member: "a" }, { score: 2, member: "b" }, { score: 3.5, member: "c" }), 3);
  check("zadd gt ch", await redis.zadd("z:1", { gt: true, ch: true }, { score: 0, member: "a" }, { score: 5, member: "b" }), 1);
  check("zrange", await redis.zrange("z:1", 0, -1), ["a", "c", "b"]);
  check("zrange withscores", await redis.zrange("z:1", 0, -1, { withScores: true }), ["a", 1, "c", 3.5, "b", 5]);
  check("zrange byscore", await redis.zrange("z:1", 2, 10, { byScore: true }), ["c", "b"]);
  check("zrange rev", await redis.zrange("z:1", 0, 0, { rev: true }), ["b"]);
  check("zrange bylex", await redis.zrange("z:lex", "-", "+", { byLex: true }), []);
  check("zscore", await redis.zscore("z:1", "c"), 3.5);
  check("zmscore", await redis.zmscore("z:1", ["a", "zz"]), [1, null]);
  check("zincrby", await redis.zincrby("z:1", 2, "a"), 3);
  check("zrank", await redis.zrank("z:1", "a"), 0);
  check("zrevrank", await redis.zrevrank("z:1", "a"), 2);
  check("zcard", await redis.zcard("z:1"), 3);
  check("zcount", await redis.zcount("z:1", 3, 4), 2);
  check("zpopmin", await redis.zpopmin("z:1"), ["a", 3]);
  check("zpopmax", await redis.zpopmax("z:1"), ["b", 5]);
  await redis.zadd("z:2", { score: 1, member: "c" }, { score: 1, member: "d" });
  check("zunionstore", await redis.zunionstore("z:3", 2, ["z:1", "z:2"]), 2);
  check("zinterstore", await redis.zinterstore("z:4", 2, ["z:1", "z:2"], { aggregate: "sum" }), 1);
  check("zscore after interstore", await redis.zscore("z:4", "c"), 4.5);
  check("zdiffstore", await redis.zdiffstore("z:5", 2, "z:2", "z:1"), 1);
  check("zrem", await redis.zrem("z:3", "c", "zz"), 1);
  check("zremrangebyrank", await redis.zremrangebyrank("z:3", 0, -1), 1);
  check("zlexcount", await redis.zlexcount("z:2", "-", "+"), 2);
  const [cursor, entries] = await redis.zscan("z:2", 0);
  check("zscan", [cursor, entries], ["0", ["c", 1, "d", 1]]);
  check("zunion withscores", await redis.zunion(2, ["z:1", "z:2"], { withScores: true }), ["d", 1, "c", 4.5]);
});

await family("geo", async () => {
  check("geoadd", await redis.geoadd("g:1", { longitude: 13.361389, latitude: 38.115556, member: "Palermo" },
    { longitude: 15.087269, latitude: 37.502669, member: "Catania" }), 2);
  check("geodist", await redis.geodist("g:1", "Palermo", "Catania", "KM"), 166.2742);
  check("geohash", await redis.geohash("g:1", "Palermo"), ["sqc8b49rny0"]);
  const [position] = await redis.geopos("g:1", "Palermo");
  check("geopos", [Math.round(position.lng * 1000), Math.round(position.lat * 1000)], [13361, 38116]);
  const found = await redis.geosearch("g:1", { type: "FROMLONLAT", coordinate: { lon: 15, lat: 37 } },
    { type: "BYRADIUS", radius: 200, radiusType: "KM" }, "ASC", { withDist: true });
  check("geosearch", found.map((f) => f.member), ["Catania", "Palermo"]);
  check("geosearchstore", await redis.geosearchstore("g:2", "g:1", { type: "FROMMEMBER", member: "Palermo" },
    { type: "BYRADIUS", radius: 10, radiusType: "KM" }, "ASC"), 1);
});

await family("hyperloglog", async () => {
  check("pfadd", await redis.pfadd("p:1", "a", "b", "c"), 1);
  await redis.pfadd("p:2", "c", "d");
  check("pfcount", await redis.pfcount("p:1", "p:2"), 4);
  check("pfmerge", await redis.pfmerge("p:3", "p:1", "p:2"), "OK");
  check("pfcount merged", await redis.pfcount("p:3"), 4);
});

await family("streams", async () => {
  const first = await redis.xadd("x:1", "1-1", { temp: 20, city: "rome" });
  check("xadd id", first, "1-1");
  await redis.xadd("x:1", "2-1", { temp: 21 });
  check("xlen", await redis.xlen("x:1"), 2);
  check("xrange", await redis.xrange("x:1", "-", "+"), { "1-1": { temp: 20, city: "rome" }, "2-1": { temp: 21 } });
  check("xrevrange count", Object.keys(await redis.xrevrange("x:1", "+", "-", 1)), ["2-1"]);
  check("xgroup create", await redis.xgroup("x:1", { type: "CREATE", group: "g", id: "0" }), "OK");
  const read = await redis.xreadgroup("g", "c1", "x:1", ">", { count: 1 });
  check("xreadgroup", read, [["x:1", [["1-1", ["temp", 20, "city", "rome"]]]]]);
  const pending = await redis.xpending("x:1", "g", "-", "+", 10);
  check("xpending", pending.map((p) => [p[0], p[1]]), [["1-1", "c1"]]);
  check("xack", await redis.xack("x:1", "g", "1-1"), 1);
  const plain = await redis.xread("x:1", "0-0");
  check("xread", plain[0][1].length, 2);
  await redis.xreadgroup("g", "c1", "x:1", ">");
  const claimed = await redis.xautoclaim("x:1", "g", "c2", 0, "0-0");
  check("xautoclaim", claimed[1].map((entry) => entry[0]), ["2-1"]);
  check("xdel", await redis.xdel("x:1", "1-1"), 1);
  check("xtrim", await redis.xtrim("x:1", { strategy: "MAXLEN", threshold: 0 }), 1);
  const info = await redis.xinfo("x:1", { type: "GROUPS" });
  check("xinfo groups", info.length, 1);
});

await family("scripts", async () => {
  check("eval", await redis.eval("return {KEYS[1], ARGV[1], 7}", ["k"], ["v"]), ["k", "v", 7]);
  check("eval write", await redis.eval("return redis.call('INCRBY', KEYS[1], ARGV[1])", ["sc:n"], [5]), 5);
  const sha = await redis.scriptLoad("return ARGV[1]");
  check("evalsha", await redis.evalsha(sha, [], ["x"]), "x");
  check("scriptExists", await redis.scriptExists(sha, "0000000000000000000000000000000000000000"), [1, 0]);
  check("evalRo", await redis.evalRo("return redis.call('GET', KEYS[1])", ["sc:n"], []), 5);
  await rejects("evalRo write refused", redis.evalRo("return redis.call('SET', KEYS[1], 1)", ["sc:n"], []), /Write commands are not allowed/);
  await rejects("script error", redis.eval("return redis.call('NOPE')", [], []), /Unknown Redis command/);
  check("scriptFlush", await redis.scriptFlush(), "OK");
  const script = redis.createScript("return redis.call('INCR', KEYS[1])");
  check("Script exec (EVALSHA -> NOSCRIPT -> EVAL)", await script.exec(["sc:counter"], []), 1);
  check("Script exec again (EVALSHA)", await script.exec(["sc:counter"], []), 2);
  check("Script evalsha cached", await script.evalsha(["sc:counter"], []), 3);
});

await family("pipelines and transactions", async () => {
  const pipeline = redis.pipeline();
  pipeline.set("pl:a", 1).incr("pl:a").hset("pl:h", { f: "v" }).hgetall("pl:h").get("pl:none");
  check("pipeline", await pipeline.exec(), ["OK", 2, 1, { f: "v" }, null]);
  const failing = redis.pipeline();
  failing.set("pl:s", "x").incr("pl:s").get("pl:s");
  await rejects("pipeline with a failing command", failing.exec(), /Command 2 \[ incr \] failed: ERR value is not an integer/);
  const kept = redis.pipeline();
  kept.set("pl:s2", "x").incr("pl:s2");
  const withErrors = await kept.exec({ keepErrors: true });
  check("pipeline keepErrors", [withErrors[0].result, /not an integer/.test(withErrors[1].error)], ["OK", true]);
  check("pipeline wrote despite the error", await redis.get("pl:s2"), "x");
  const tx = redis.multi();
  tx.set("tx:a", 10).incrby("tx:a", 5).get("tx:a").lpush("tx:l", "x");
  check("multi", await tx.exec(), ["OK", 15, 15, 1]);
  const bad = redis.multi();
  bad.set("tx:b", "1").eval("return redis.call('SET', KEYS[1], 2)", ["tx:b"], []);
  check("multi with a script", await bad.exec(), ["OK", "OK"]);
  check("multi script wrote", await redis.get("tx:b"), 2);
});

await family("auto pipelining", async () => {
  const auto = new Redis({ url, token, enableAutoPipelining: true });
  // the client batches reads and writes of one tick into two pipelines sent side by side: writes first, then reads
  const writes = await Promise.all([auto.set("ap:a", "1"), auto.incr("ap:n"), auto.hset("ap:h", { x: 1 }), auto.incr("ap:n")]);
  check("auto pipelined writes", writes, ["OK", 1, 1, 2]);
  const reads = await Promise.all([auto.get("ap:a"), auto.hget("ap:h", "x"), auto.get("ap:n"), auto.exists("ap:a", "ap:none")]);
  check("auto pipelined reads", reads, [1, 1, 2, 1]);
  check("auto pipeline counter", auto.pipelineCounter >= 1, true);
});

await family("read your writes", async () => {
  const client = new Redis({ url, token });
  await client.get("ryw:a");
  const before = client.readYourWritesSyncToken;
  await client.set("ryw:a", "1");
  const afterWrite = client.readYourWritesSyncToken;
  check("sync token changes on a write", before !== afterWrite && afterWrite !== "", true);
  await client.get("ryw:a");
  check("sync token stays on a read", client.readYourWritesSyncToken, afterWrite);
  await client.pipeline().get("ryw:a").incr("ryw:b").exec();
  check("sync token changes on a pipeline that writes", client.readYourWritesSyncToken !== afterWrite, true);
  const other = new Redis({ url, token });
  other.readYourWritesSyncToken = client.readYourWritesSyncToken;
  check("a second client holding the token reads the write", await other.get("ryw:b"), 1);
  const off = new Redis({ url, token, readYourWrites: false });
  check("readYourWrites off still works", await off.get("ryw:a"), 1);
});

await family("read-only token and auth", async () => {
  const reader = new Redis({ url, token: readOnlyToken });
  await redis.set("ro:a", "v");
  check("read-only token reads", await reader.get("ro:a"), "v");
  await rejects("read-only token cannot write", reader.set("ro:a", "x"), /NOPERM/);
  await rejects("read-only token cannot KEYS", reader.keys("*"), /NOPERM/);
  await rejects("read-only token cannot SCAN", reader.scan(0), /NOPERM/);
  const wrong = new Redis({ url, token: "not-a-token", retry: false });
  await rejects("wrong token", wrong.get("ro:a"), /WRONGPASS/);
  await rejects("wrong type", redis.lpush("ro:a", "x"), /WRONGTYPE/);
});

await family("subscribe", async () => {
  const messages = [];
  const subscriber = redis.subscribe(["sub:chat"]);
  subscriber.on("message", (event) => messages.push(event));
  const patterns = [];
  const psubscriber = redis.psubscribe(["sub:*"]);
  psubscriber.on("pmessage", (event) => patterns.push(event));
  psubscriber.on("error", () => {});
  let receivers = 0;
  for (let i = 0; i < 50 && receivers < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    receivers = await redis.eval("return redis.call('PUBSUB', 'NUMSUB', KEYS[1])[2] + redis.call('PUBSUB', 'NUMPAT')", ["sub:chat"], []);
  }
  check("publish receivers", await redis.publish("sub:chat", { text: "hello, world" }), 2);
  await redis.publish("sub:chat", "plain text");
  await redis.publish("sub:chat", { n: 2 });
  for (let i = 0; i < 50 && (messages.length < 3 || patterns.length < 2); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  check("messages", messages, [{ channel: "sub:chat", message: { text: "hello, world" } }, { channel: "sub:chat", message: "plain text" },
    { channel: "sub:chat", message: { n: 2 } }]);
  // the client parses pattern messages as JSON only: it reports "plain text" as an error event, not a pmessage
  check("pattern messages", patterns.map((p) => [p.pattern, p.channel, p.message]),
    [["sub:*", "sub:chat", { text: "hello, world" }], ["sub:*", "sub:chat", { n: 2 }]]);
  await subscriber.unsubscribe();
  await psubscriber.unsubscribe();
});

await family("ratelimit", async () => {
  const prefix = `rl:${Date.now()}`;
  const fixed = new Ratelimit({ redis, limiter: Ratelimit.fixedWindow(5, "60 s"), prefix: `${prefix}:fixed` });
  const sliding = new Ratelimit({ redis, limiter: Ratelimit.slidingWindow(5, "60 s"), prefix: `${prefix}:sliding` });
  const bucket = new Ratelimit({ redis, limiter: Ratelimit.tokenBucket(1, "60 s", 5), prefix: `${prefix}:bucket` });
  for (const [name, limiter] of [["fixed window", fixed], ["sliding window", sliding], ["token bucket", bucket]]) {
    const outcomes = [];
    for (let i = 0; i < 7; i++) {
      const result = await limiter.limit("user-1");
      outcomes.push(result.success);
    }
    check(`${name}: 5 of 7 allowed`, outcomes, [true, true, true, true, true, false, false]);
    check(`${name}: other identifier`, (await limiter.limit("user-2")).success, true);
    const remaining = await limiter.getRemaining("user-2");
    check(`${name}: remaining`, remaining.remaining, 4);
    await limiter.resetUsedTokens("user-1");
    check(`${name}: after reset`, (await limiter.limit("user-1")).success, true);
  }
  const weighted = await fixed.limit("user-3", { rate: 4 });
  check("weighted request", [weighted.success, weighted.remaining], [true, 1]);
});

await family("lock", async () => {
  const lock = new Lock({ id: `lock:${Date.now()}`, redis, lease: 5000 });
  check("acquire", await lock.acquire(), true);
  const rival = new Lock({ id: lock.id, redis, lease: 5000 });
  check("rival cannot acquire", await rival.acquire({ retry: { attempts: 2, delay: 50 } }), false);
  check("status", await lock.getStatus(), "ACQUIRED");
  check("extend", await lock.extend(5000), true);
  check("release", await lock.release(), true);
  check("rival acquires after release", await rival.acquire(), true);
  check("rival releases", await rival.release(), true);
});

console.log(`upstash-redis: ${passed} checks passed, ${failures.length} failed`);
for (const failure of failures) console.log(`FAILED ${failure}`);
process.exit(failures.length === 0 ? 0 : 1);
