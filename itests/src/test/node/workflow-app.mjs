// Serves a workflow app (the SDK's fetch handler, as serveMany gives it) from a plain Node HTTP server on
// 127.0.0.1: each request becomes the Request the handler takes, its Response the answer. `before(request, body,
// response)` sees every request first and returns true when it answered it itself.
import http from "node:http";

export async function serveOnLoopback(app, env, before = () => false) {
  let base;
  const server = http.createServer(async (request, response) => {
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    if (before(request, body, response)) return;
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      for (const one of [value].flat()) headers.append(name, one);
    }
    try {
      const answer = await app.fetch(new Request(`${base}${request.url}`, { method: request.method, headers, body: body.length ? body : undefined }), env);
      response.writeHead(answer.status, Object.fromEntries(answer.headers.entries()));
      response.end(Buffer.from(await answer.arrayBuffer()));
    } catch (e) {
      response.writeHead(500);
      response.end(String(e));
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  return { server, base };
}
