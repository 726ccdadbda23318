// Runs the official @upstash/vector client against a running Larder's Vector API and checks every answer.
// Usage: node upstash-vector.mjs CONFIG_JSON, where CONFIG_JSON names each index's url and tokens:
// {"dense": {url, token, readOnlyToken}, "euclidean": {url, token}, "sparse": {url, token}, "hybrid": {url, token}, "bm25": {url, token},
//  "bge": {url, token}, "hybridText": {url, token}}
// (dense: 4 dimensions COSINE, euclidean: 3 dimensions EUCLIDEAN, hybrid: 2 dimensions COSINE, bm25: SPARSE with the BM25 model,
// bge: DENSE COSINE with the BGE_SMALL_EN_V1_5 model, hybridText: HYBRID COSINE with BGE_SMALL_EN_V1_5 and BM25).
// Prints one line per check that failed and a summary; exits 1 when any failed.
import { Index } from "@upstash/vector";
import { isDeepStrictEqual, inspect } from "node:util";

const config = JSON.parse(process.argv[2]);
const dense = new Index({ url: config.dense.url, token: config.dense.token });
const readOnly = new Index({ url: config.dense.url, token: config.dense.readOnlyToken });
const euclidean = new Index({ url: config.euclidean.url, token: config.euclidean.token });
const sparse = new Index({ url: config.sparse.url, token: config.sparse.token });
const hybrid = new Index({ url: config.hybrid.url, token: config.hybrid.token });
const bm25 = new Index({ url: config.bm25.url, token: config.bm25.token });
const bge = new Index({ url: config.bge.url, token: config.bge.token });
const hybridText = new Index({ url: config.hybridText.url, token: config.hybridText.token });
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
    if (pattern.test(String(error.message))) {
      passed++;
    } else {
      failures.push(`${name}: error was ${error.message}, expected ${pattern}`);
    }
  }
}

async function family(name, body) {
  try {
    await body();
  } catch (error) {
    failures.push(`${name}: threw ${error.stack}`);
  }
}

async function raw(url, token, path, body) {
  const response = await fetch(`${url}/${path}`, {
    method: "POST",
    headers: token ? { authorization: `Bearer ${token}`, "content-type": "application/json" } : { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

for (const index of [dense, euclidean, sparse, hybrid, bm25, bge, hybridText]) {
  await index.reset({ all: true });
}

await family("upsert and fetch", async () => {
  check("upsert one", await dense.upsert({ id: 1, vector: [1, 2, 3, 4], metadata: { animal: "cat", tags: ["mammal", "pet"] } }), "Success");
  check("upsert batch", await dense.upsert([
    { id: "2", vector: [4, 3, 2, 1], metadata: { animal: "dog", legs: 4, geography: { continent: "Asia" } }, data: "a dog" },
    { id: "3", vector: [1, 1, 1, 1] },
    { id: "a+b/c=", vector: [0.5, 0.25, 0.125, 1] },
  ]), "Success");
  check("fetch numeric id as string", await dense.fetch([1]), [{ id: "1" }]);
  check("fetch with metadata", await dense.fetch(["1", "2"], { includeMetadata: true }), [
    { id: "1", metadata: { animal: "cat", tags: ["mammal", "pet"] } },
    { id: "2", metadata: { animal: "dog", legs: 4, geography: { continent: "Asia" } } },
  ]);
  check("fetch with vectors and data", await dense.fetch(["2", "missing"], { includeVectors: true, includeData: true }), [
    { id: "2", vector: [4, 3, 2, 1], data: "a dog" },
    null,
  ]);
  check("fetch base64 id", await dense.fetch(["a+b/c="], { includeVectors: true }), [{ id: "a+b/c=", vector: [0.5, 0.25, 0.125, 1] }]);
  check("same id twice in a batch: last wins", await dense.upsert([{ id: "dup", vector: [1, 0, 0, 0] }, { id: "dup", vector: [0, 1, 0, 0] }]), "Success");
  check("last wins", await dense.fetch(["dup"], { includeVectors: true }), [{ id: "dup", vector: [0, 1, 0, 0] }]);
  await rejects("wrong dimension", dense.upsert({ id: "x", vector: [1, 2] }), /Invalid vector dimension: 2, expected: 4/);
  await rejects("id alone goes to upsert-data and fails", dense.upsert({ id: "x" }), /Embedding data for this index is not allowed/);
  await rejects("text on a model-less index", dense.upsert({ id: "x", data: "some text" }), /Embedding data for this index is not allowed/);
  await rejects("mixed batch", dense.upsert([{ id: "x", vector: [1, 2, 3, 4] }, { id: "y" }]), /vector/);
  check("nothing of the failed writes stored", await dense.fetch(["x", "y"]), [null, null]);
  await rejects("ids and prefix", dense.fetch({ ids: ["1"], prefix: "a" }), /Only one of ids or prefix must be provided\./);
  check("fetch by prefix", (await dense.fetch({ prefix: "a+" })).map((v) => v.id), ["a+b/c="]);
  await rejects("read-only token refuses writes", readOnly.upsert({ id: "ro", vector: [1, 2, 3, 4] }), /read-only/);
  check("read-only token reads", await readOnly.fetch(["3"]), [{ id: "3" }]);
});

await family("query", async () => {
  check("self query scores exactly 1", await dense.query({ vector: [1, 2, 3, 4], topK: 1 }), [{ id: "1", score: 1 }]);
  const hits = await dense.query({ vector: [4, 3, 2, 1], topK: 3, includeMetadata: true, includeData: true });
  check("nearest first with metadata and data", hits[0], { id: "2", score: 1, metadata: { animal: "dog", legs: 4, geography: { continent: "Asia" } }, data: "a dog" });
  check("topK hits", hits.length, 3);
  check("scores descending", hits.every((hit, i) => i === 0 || hits[i - 1].score >= hit.score), true);
  check("cosine score", (await dense.query({ vector: [1, 1, 1, 1], topK: 1 }))[0], { id: "3", score: 1 });
  check("filter nested path", (await dense.query({ vector: [1, 2, 3, 4], topK: 5, filter: "geography.continent = 'Asia' AND legs > 3" })).map((h) => h.id), ["2"]);
  check("filter array index", (await dense.query({ vector: [4, 3, 2, 1], topK: 5, filter: "tags[0] = 'mammal'" })).map((h) => h.id), ["1"]);
  check("filter last element", (await dense.query({ vector: [4, 3, 2, 1], topK: 5, filter: "tags[#-1] = 'pet' OR animal = 'dog'" })).map((h) => h.id).sort(), ["1", "2"]);
  await rejects("filter that does not parse", dense.query({ vector: [1, 2, 3, 4], topK: 5, filter: "animal = " }), /filter/i);
  const many = await dense.queryMany([{ vector: [1, 2, 3, 4], topK: 1 }, { vector: [4, 3, 2, 1], topK: 1 }]);
  check("batch query", many, [[{ id: "1", score: 1 }], [{ id: "2", score: 1 }]]);
  check("one-query batch", await dense.queryMany([{ vector: [1, 2, 3, 4], topK: 1 }]), [[{ id: "1", score: 1 }]]);
  check("include vectors", (await dense.query({ vector: [1, 1, 1, 1], topK: 1, includeVectors: true }))[0], { id: "3", score: 1, vector: [1, 1, 1, 1] });
  check("euclidean upsert", await euclidean.upsert([{ id: "e1", vector: [0, 0, 0] }, { id: "e2", vector: [1, 0, 0] }, { id: "e3", vector: [2, 2, 0] }]), "Success");
  check("euclidean scores", await euclidean.query({ vector: [0, 0, 0], topK: 3 }), [
    { id: "e1", score: 1 }, { id: "e2", score: 0.5 }, { id: "e3", score: 0.11111111 },
  ]);
});

await family("range", async () => {
  await dense.reset();
  await dense.upsert(Array.from({ length: 20 }, (_, i) => ({ id: `id-${i}`, vector: [i, 1, 1, 1], metadata: { i }, data: `text ${i}` })));
  const first = await dense.range({ cursor: 0, limit: 5 });
  check("first page", first.vectors.map((v) => v.id), ["id-0", "id-1", "id-2", "id-3", "id-4"]);
  check("next cursor", first.nextCursor, "5");
  const pages = [];
  let cursor = "";
  for (const limit of [4, 8, 8, 8]) {
    const page = await dense.range({ cursor, limit });
    pages.push(page.vectors.length);
    cursor = page.nextCursor;
    if (cursor === "") break;
  }
  check("pages end on the last vector with an empty cursor", pages, [4, 8, 8]);
  const prefixed = await dense.range({ cursor: "0", limit: 2, prefix: "id-1", includeData: true });
  check("prefix page", prefixed.vectors, [{ id: "id-1", data: "text 1" }, { id: "id-10", data: "text 10" }]);
  check("info counts", (await dense.info()).vectorCount, 20);
});

await family("delete and update", async () => {
  check("delete one", await dense.delete("id-0"), { deleted: 1 });
  check("delete again", await dense.delete("id-0"), { deleted: 0 });
  check("delete ids", await dense.delete(["id-1", "id-2", "nope"]), { deleted: 2 });
  check("delete by object", await dense.delete({ ids: ["id-3"] }), { deleted: 1 });
  check("delete by prefix", await dense.delete({ prefix: "id-1" }), { deleted: 10 });
  check("delete by filter", await dense.delete({ filter: "i >= 7" }), { deleted: 3 });
  check("left", (await dense.range({ cursor: 0, limit: 100 })).vectors.map((v) => v.id), ["id-4", "id-5", "id-6"]);
  await rejects("two criteria", dense.delete({ ids: ["a"], prefix: "b" }), /Only and only one of the ids, prefix, or filter must be provided\./);
  check("update metadata", await dense.update({ id: "id-4", metadata: { a: 1, nested: { x: 1, y: 2 } } }), { updated: 1 });
  check("patch metadata", await dense.update({ id: "id-4", metadata: { b: 2, nested: { y: null, z: 3 } }, metadataUpdateMode: "PATCH" }), { updated: 1 });
  check("patched", await dense.fetch(["id-4"], { includeMetadata: true, includeData: true }), [{ id: "id-4", metadata: { a: 1, nested: { x: 1, z: 3 }, b: 2 }, data: "text 4" }]);
  check("overwrite metadata", await dense.update({ id: "id-4", metadata: { only: true }, metadataUpdateMode: "OVERWRITE" }), { updated: 1 });
  check("update vector", await dense.update({ id: "id-5", vector: [9, 9, 9, 9] }), { updated: 1 });
  check("updated", await dense.fetch(["id-4", "id-5"], { includeMetadata: true, includeVectors: true }), [
    { id: "id-4", vector: [4, 1, 1, 1], metadata: { only: true } },
    { id: "id-5", vector: [9, 9, 9, 9], metadata: { i: 5 } },
  ]);
  check("update missing", await dense.update({ id: "none", metadata: { a: 1 } }), { updated: 0 });
});

await family("namespaces", async () => {
  const ns = dense.namespace("ns-1");
  check("upsert in namespace", await ns.upsert([{ id: "n1", vector: [1, 0, 0, 0] }, { id: "n2", vector: [0, 1, 0, 0] }]), "Success");
  check("isolated", await dense.fetch(["n1"]), [null]);
  check("fetch in namespace", await ns.fetch(["n1"]), [{ id: "n1" }]);
  check("query in namespace", (await ns.query({ vector: [1, 0, 0, 0], topK: 1 })), [{ id: "n1", score: 1 }]);
  check("list", (await dense.listNamespaces()).sort(), ["", "ns-1"]);
  const info = await dense.info();
  check("info namespaces", Object.keys(info.namespaces).sort(), ["", "ns-1"]);
  check("info namespace count", info.namespaces["ns-1"].vectorCount, 2);
  check("info shape", [info.dimension, info.similarityFunction, info.pendingVectorCount], [4, "COSINE", 0]);
  await ns.reset();
  check("reset keeps the namespace", (await dense.info()).namespaces["ns-1"], { vectorCount: 0, pendingVectorCount: 0 });
  check("delete namespace", await dense.deleteNamespace("ns-1"), "Success");
  check("gone", await dense.listNamespaces(), [""]);
  await rejects("delete a missing namespace", dense.deleteNamespace("ns-1"), /Namespace ns-1 for the index .* does not exist/);
  await dense.namespace("ns-2").upsert({ id: "x", vector: [1, 1, 1, 1] });
  await dense.reset({ all: true });
  const after = await dense.info();
  check("reset all", [after.vectorCount, after.namespaces["ns-2"].vectorCount], [0, 0]);
});

await family("resumable query", async () => {
  await dense.upsert([
    { id: "r1", vector: [1, 0, 0, 0] }, { id: "r2", vector: [0.9, 0.1, 0, 0] }, { id: "r3", vector: [0.5, 0.5, 0, 0] }, { id: "r4", vector: [0, 1, 0, 0] },
  ]);
  const { result, fetchNext, stop } = await dense.resumableQuery({ vector: [1, 0, 0, 0], topK: 2 });
  check("first hits", result.map((h) => h.id), ["r1", "r2"]);
  check("next", (await fetchNext(1)).map((h) => h.id), ["r3"]);
  check("next again", (await fetchNext(1)).map((h) => h.id), ["r4"]);
  check("then nothing", await fetchNext(1), []);
  check("stop", await stop(), "Success");
  // the client throws at once, without a request
  await rejects("after stop", (async () => fetchNext(1))(), /already been stopped/);
});

await family("sparse", async () => {
  check("upsert sparse", await sparse.upsert([
    { id: "id0", sparseVector: { indices: [0, 1], values: [0.1, 0.2] } },
    { id: "id1", sparseVector: { indices: [1, 2], values: [0.2, 0.3] } },
    { id: "id2", sparseVector: { indices: [2, 3], values: [0.3, 0.4] } },
  ]), "Success");
  check("fetch sparse", await sparse.fetch(["id0", "id1", "id2", "id3"], { includeVectors: true }), [
    { id: "id0", sparseVector: { indices: [0, 1], values: [0.1, 0.2] } },
    { id: "id1", sparseVector: { indices: [1, 2], values: [0.2, 0.3] } },
    { id: "id2", sparseVector: { indices: [2, 3], values: [0.3, 0.4] } },
    null,
  ]);
  check("IDF query", await sparse.query({ sparseVector: { indices: [0, 1], values: [0.1, 0.2] }, topK: 3, weightingStrategy: "IDF" }), [
    { id: "id0", score: 0.028608438 }, { id: "id1", score: 0.018800145 },
  ]);
  check("IDF query 2", await sparse.query({ sparseVector: { indices: [2, 3], values: [0.5, 0.5] }, topK: 1, weightingStrategy: "IDF" }), [
    { id: "id2", score: 0.26666638 },
  ]);
  check("plain inner product", await sparse.query({ sparseVector: { indices: [3], values: [1] }, topK: 3 }), [{ id: "id2", score: 0.4 }]);
  await rejects("dense vector on a sparse index", sparse.upsert({ id: "bad", vector: [1, 2] }), /sparse/);
  await rejects("unsorted indices", sparse.upsert({ id: "bad", sparseVector: { indices: [2, 1], values: [1, 1] } }), /ascending/);
  await rejects("duplicate indices", sparse.upsert({ id: "bad", sparseVector: { indices: [1, 1], values: [1, 1] } }), /ascending/);
  await rejects("unequal lengths", sparse.upsert({ id: "bad", sparseVector: { indices: [1], values: [1, 2] } }), /as many/);
  check("resumable sparse", (await sparse.resumableQuery({ sparseVector: { indices: [0, 1], values: [0.1, 0.2] }, topK: 1, weightingStrategy: "IDF" })).result,
    [{ id: "id0", score: 0.028608438 }]);
  check("sparse update", await sparse.update({ id: "id0", sparseVector: { indices: [5], values: [1] } }), { updated: 1 });
  check("sparse updated", await sparse.fetch(["id0"], { includeVectors: true }), [{ id: "id0", sparseVector: { indices: [5], values: [1] } }]);
  check("sparse range", (await sparse.range({ cursor: 0, limit: 2 })).vectors.map((v) => v.id), ["id0", "id1"]);
});

await family("hybrid", async () => {
  check("upsert hybrid", await hybrid.upsert([
    { id: "id0", vector: [0.8, 0.1], sparseVector: { indices: [0, 1], values: [0.1, 0.2] } },
    { id: "id1", vector: [0.9, 0.2], sparseVector: { indices: [1, 2], values: [0.2, 0.3] } },
    { id: "id2", vector: [0.1, 0.9], sparseVector: { indices: [2, 3], values: [0.3, 0.4] } },
  ]), "Success");
  await rejects("hybrid needs both parts", hybrid.upsert({ id: "bad", vector: [1, 1] }), /both/);
  const rrf = await hybrid.query({ vector: [0.9, 0.2], sparseVector: { indices: [1, 2], values: [0.2, 0.3] }, topK: 1 });
  check("RRF: first in both parts", rrf, [{ id: "id1", score: 0.033333335 }]);
  const rrfMixed = await hybrid.query({ vector: [0.1, 0.9], sparseVector: { indices: [0], values: [1] }, topK: 3 });
  check("RRF mixed ranks", rrfMixed.map((h) => h.id), ["id0", "id2", "id1"]);
  check("RRF 1/60 + 1/62", rrfMixed.find((h) => h.id === "id0").score, 0.032795697);
  check("dense part only", (await hybrid.query({ vector: [0.1, 0.9], topK: 1 }))[0].id, "id2");
  check("sparse part only: raw scores", await hybrid.query({ sparseVector: { indices: [3], values: [1] }, topK: 2, fusionAlgorithm: "DBSF" }),
    [{ id: "id2", score: 0.4 }]);
  const dbsf = await hybrid.query({ vector: [0.9, 0.2], sparseVector: { indices: [0], values: [1] }, topK: 2, fusionAlgorithm: "DBSF" });
  check("DBSF normalizes each part", dbsf.map((h) => [h.id, Math.round(h.score * 1e6) / 1e6]), [["id0", 0.882149], ["id1", 0.617851]]);
  check("hybrid fetch", await hybrid.fetch(["id0", "id9"], { includeVectors: true }), [
    { id: "id0", vector: [0.8, 0.1], sparseVector: { indices: [0, 1], values: [0.1, 0.2] } }, null,
  ]);
});

await family("BM25 text", async () => {
  check("upsert text", await bm25.upsert([
    { id: "t1", data: "The quick brown fox jumps over the lazy dog", metadata: { n: 1 } },
    { id: "t2", data: "A fox and another fox, jumping foxes everywhere" },
    { id: "t3", data: "Databases keep data; vectors find neighbours" },
  ]), "Success");
  const hits = await bm25.query({ data: "jumping fox", topK: 3, weightingStrategy: "IDF", includeData: true });
  check("text query finds the fox texts, the most foxes first", hits.map((h) => h.id), ["t2", "t1"]);
  check("data returned", hits[1].data, "The quick brown fox jumps over the lazy dog");
  check("info names the model", (await bm25.info()).sparseIndex, { embeddingModel: "BM25" });
  check("update the text", await bm25.update({ id: "t3", data: "a fox at last" }), { updated: 1 });
  check("the vector follows the text", (await bm25.query({ data: "fox", topK: 3 })).map((h) => h.id).sort(), ["t1", "t2", "t3"]);
  check("metadata kept through the text update", await bm25.fetch(["t1"], { includeMetadata: true }), [{ id: "t1", metadata: { n: 1 } }]);
  const resumable = await bm25.resumableQuery({ data: "fox", topK: 1 });
  check("resumable text query", resumable.result.length, 1);
  await resumable.stop();
  await rejects("text without data", bm25.upsert({ id: "x", metadata: { a: 1 } }), /data/);
});

await family("BGE text", async () => {
  check("upsert texts", await bge.upsert([
    { id: "cat", data: "The cat is sleeping on the warm windowsill", metadata: { topic: "pets" } },
    { id: "market", data: "Stock markets fell sharply after the rate decision", metadata: { topic: "money" } },
    { id: "volcano", data: "Lava poured down the side of the erupting volcano", metadata: { topic: "nature" } },
  ]), "Success");
  const info = await bge.info();
  check("info names the model and its dimension", [info.dimension, info.denseIndex], [384, { dimension: 384, similarityFunction: "COSINE", embeddingModel: "BGE_SMALL_EN_V1_5" }]);
  const hits = await bge.query({ data: "a kitten napping in the sun", topK: 3, includeData: true, includeMetadata: true });
  check("the nearest text by meaning", [hits[0].id, hits[0].data, hits[0].metadata], ["cat", "The cat is sleeping on the warm windowsill", { topic: "pets" }]);
  check("scores fall", hits[0].score > hits[1].score && hits[1].score >= hits[2].score, true);
  const self = await bge.query({ data: "Lava poured down the side of the erupting volcano", topK: 1 });
  check("a text finds itself with score 1", [self[0].id, Math.round(self[0].score * 1e4) / 1e4], ["volcano", 1]);
  const withVector = await bge.fetch(["cat"], { includeVectors: true });
  check("the stored vector has the model's dimension", withVector[0].vector.length, 384);
  check("a raw vector shares the space", await bge.upsert({ id: "raw", vector: withVector[0].vector }), "Success");
  const raw384 = await bge.query({ vector: withVector[0].vector, topK: 2 });
  check("raw and embedded vectors meet", raw384.map((h) => h.id).sort(), ["cat", "raw"]);
  check("filter with a text query", (await bge.query({ data: "money", topK: 3, filter: "topic = 'nature'" })).map((h) => h.id), ["volcano"]);
  const many = await bge.queryMany([{ data: "erupting mountains", topK: 1 }, { data: "interest rates and shares", topK: 1 }]);
  check("batch text queries", many.map((hits) => hits[0].id), ["volcano", "market"]);
  check("update the text", await bge.update({ id: "market", data: "A dog chasing a ball in the park" }), { updated: 1 });
  check("the vector follows the text", (await bge.query({ data: "puppy playing fetch", topK: 1 }))[0].id, "market");
  check("metadata kept", (await bge.fetch(["market"], { includeMetadata: true }))[0].metadata, { topic: "money" });
  const resumable = await bge.resumableQuery({ data: "pets", topK: 1 });
  check("resumable text query", resumable.result.length, 1);
  const next = await resumable.fetchNext(1);
  check("resumable next differs", next.length === 1 && next[0].id !== resumable.result[0].id, true);
  await resumable.stop();
  check("text in a namespace", await bge.namespace("docs").upsert({ id: "n1", data: "Trains leave the station on time" }), "Success");
  check("namespace text query", (await bge.namespace("docs").query({ data: "railway", topK: 1 }))[0].id, "n1");
});

await family("hybrid text", async () => {
  for (const text of ["first text about apples", "second text about pears", "Redis speaks RESP and the vector index speaks HTTP"]) {
    await hybridText.upsert({ id: "one", data: text });
  }
  check("the last text wins", (await hybridText.fetch(["one"], { includeData: true }))[0].data, "Redis speaks RESP and the vector index speaks HTTP");
  check("info names both models", [(await hybridText.info()).denseIndex.embeddingModel, (await hybridText.info()).sparseIndex.embeddingModel],
    ["BGE_SMALL_EN_V1_5", "BM25"]);
  const sparseHits = await hybridText.query({ data: "RESP", topK: 5, queryMode: "SPARSE" });
  check("a SPARSE text query finds the one record", sparseHits.map((h) => h.id), ["one"]);
  const denseHits = await hybridText.query({ data: "apples", topK: 5, queryMode: "DENSE" });
  check("a DENSE text query scores by meaning", [denseHits.length, denseHits[0].score > 0.5 && denseHits[0].score < 1], [1, true]);
  await hybridText.upsert([{ id: "two", data: "Fruit salad with apples and pears" }, { id: "three", data: "Kernel modules and device drivers" }]);
  const fused = await hybridText.query({ data: "apples and pears", topK: 3, includeVectors: true });
  check("a HYBRID text query fuses both parts (RRF)", [fused[0].id, Math.round(fused[0].score * 1e6) / 1e6], ["two", 0.033333]);
  check("hybrid records keep both parts", [fused[0].vector.length, fused[0].sparseVector.indices.length > 0], [384, true]);
  await rejects("an unknown queryMode", hybridText.query({ data: "x", topK: 1, queryMode: "BOTH" }), /queryMode/);
});

await family("errors on the wire", async () => {
  await dense.namespace("from").upsert({ id: "moved", vector: [1, 2, 3, 4], metadata: { m: 1 } });
  const renamed = await raw(config.dense.url, config.dense.token, "rename-namespace", { namespace: "from", newNamespace: "to" });
  check("rename namespace", [renamed.status, renamed.body], [200, { result: { renamed: true } }]);
  check("renamed records", await dense.namespace("to").fetch(["moved"], { includeMetadata: true }), [{ id: "moved", metadata: { m: 1 } }]);
  check("old name gone", (await dense.listNamespaces()).includes("from"), false);
  const renameMissing = await raw(config.dense.url, config.dense.token, "rename-namespace", { namespace: "from", newNamespace: "x" });
  check("rename a missing namespace", renameMissing.status, 404);
  const readOnlyRename = await raw(config.dense.url, config.dense.readOnlyToken, "rename-namespace", { namespace: "to", newNamespace: "x" });
  check("read-only token may not rename", readOnlyRename.status, 403);
  const noAuth = await raw(config.dense.url, null, "info", []);
  check("no token", [noAuth.status, noAuth.body.error], [401, "Unauthorized: Invalid auth token"]);
  const badToken = await raw(config.dense.url, "nope", "info", []);
  check("bad token", badToken.status, 401);
  const otherIndex = await raw(config.dense.url, config.sparse.token, "info", []);
  check("another index's token", otherIndex.status, 401);
  const junk = await raw(config.dense.url, config.dense.token, "upsert", "{not json");
  check("malformed JSON", [junk.status, /Invalid JSON/.test(junk.body.error), junk.body.status], [400, true, 400]);
  const base = await raw(config.dense.url, config.dense.token, "", "junk");
  check("bare base URL", base.status >= 400, true);
  const unknown = await raw(config.dense.url, config.dense.token, "nope", []);
  check("unknown endpoint", unknown.status, 404);
  const big = await raw(config.dense.url, config.dense.token, "upsert", { id: "big", vector: [1e39, 0, 0, 0] });
  check("infinite component", [big.status, /finite/.test(big.body.error)], [400, true]);
  const wrongType = await raw(config.dense.url, config.dense.token, "upsert", { id: "t", vector: [1, 2, 3, 4], metadata: "text" });
  check("metadata of the wrong type", [wrongType.status, /metadata/.test(wrongType.body.error)], [400, true]);
  check("nothing stored", await dense.fetch(["big", "t"]), [null, null]);
  const badCursor = await raw(config.dense.url, config.dense.token, "range", { cursor: "abc", limit: 2 });
  check("bad cursor", badCursor.status, 400);
  const unknownSession = await raw(config.dense.url, config.dense.token, "resumable-query-next", { uuid: "nope", additionalK: 1 });
  check("unknown resumable query", unknownSession.status, 404);
});

console.log(failures.join("\n"));
console.log(`upstash-vector: ${passed} checks passed, ${failures.length} failed`);
process.exit(failures.length === 0 ? 0 : 1);
