import { startHttpServer, type TestHttpServer } from "./http-server.js";

/**
 * A protocol test server speaking the subset of Ollama's HTTP API the ollama backend calls (GET /api/version,
 * POST /api/generate without a prompt to load a model). Not Ollama: it checks what a client sends and answers
 * the way Ollama's API documentation says, so the client side can be tested where Ollama cannot run.
 */
export interface OllamaApiServer extends TestHttpServer {
  readonly requests: { method: string; path: string; body: string }[];
  /** Requests to /api/version answered 503 before it starts answering 200 (a server still starting). */
  versionFailures: number;
  /** Models /api/generate knows; others get Ollama's 404 body. */
  readonly models: Set<string>;
}

export async function startOllamaApiServer(): Promise<OllamaApiServer> {
  const requests: OllamaApiServer["requests"] = [];
  const models = new Set<string>();
  const state = { versionFailures: 0, requests, models };
  const server = await startHttpServer((req, res, body) => {
    requests.push({ method: req.method ?? "", path: req.url ?? "", body });
    if (req.method === "GET" && req.url === "/api/version") {
      if (state.versionFailures > 0) {
        state.versionFailures -= 1;
        return void res.writeHead(503).end();
      }
      return void res.writeHead(200, { "content-type": "application/json" }).end('{"version":"0.13.3"}');
    }
    if (req.method === "POST" && req.url === "/api/generate") {
      const { model } = JSON.parse(body) as { model: string };
      if (!models.has(model)) {
        return void res
          .writeHead(404, { "content-type": "application/json" })
          .end(`{"error":"model '${model}' not found"}`);
      }
      return void res
        .writeHead(200, { "content-type": "application/json" })
        .end(`{"model":"${model}","created_at":"2026-11-28T00:00:00Z","response":"","done":true,"done_reason":"load"}`);
    }
    res.writeHead(404).end("404 page not found");
  });
  // The handler reads `state`, so tests change behaviour by assigning to the returned object's fields.
  return Object.assign(state, server);
}
