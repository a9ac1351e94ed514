import { startHttpServer, type TestHttpServer } from "./http-server.js";

/**
 * A protocol test server speaking the subset of Ollama's HTTP API the ollama backend calls (GET /api/version,
 * POST /api/generate without a prompt to load a model, GET /api/ps for what is loaded and where). Not Ollama: it checks what a client sends and answers
 * the way Ollama's API documentation says, so the client side can be tested where Ollama cannot run.
 */
export interface OllamaApiServer extends TestHttpServer {
  readonly requests: { method: string; path: string; body: string }[];
  /** Requests to /api/version answered 503 before it starts answering 200 (a server still starting). */
  versionFailures: number;
  /** Models /api/generate knows; others get Ollama's 404 body. */
  readonly models: Set<string>;
  /** Bytes of each loaded model /api/ps says are in GPU memory (0: on the CPU). */
  sizeVram: number;
}

type Answer = { status: number; body: string };

const json = (status: number, value: unknown): Answer => ({ status, body: JSON.stringify(value) });

export async function startOllamaApiServer(): Promise<OllamaApiServer> {
  const requests: OllamaApiServer["requests"] = [];
  const models = new Set<string>();
  const loaded = new Set<string>();
  const state = { versionFailures: 0, requests, models, sizeVram: 0 };
  const routes: Record<string, (body: string) => Answer> = {
    "GET /api/version": () => {
      if (state.versionFailures <= 0) return json(200, { version: "0.13.3" });
      state.versionFailures -= 1;
      return { status: 503, body: "" };
    },
    "POST /api/generate": (body) => {
      const { model } = JSON.parse(body) as { model: string };
      if (!models.has(model)) return json(404, { error: `model '${model}' not found` });
      loaded.add(model);
      return json(200, { model, created_at: "2026-11-28T00:00:00Z", response: "", done: true, done_reason: "load" });
    },
    "GET /api/ps": () =>
      json(200, {
        models: [...loaded].map((name) => ({ name, model: name, size: 2_000_000, size_vram: state.sizeVram })),
      }),
  };
  const server = await startHttpServer((req, res, body) => {
    requests.push({ method: req.method ?? "", path: req.url ?? "", body });
    const route = routes[`${req.method} ${req.url}`];
    if (!route) return void res.writeHead(404).end("404 page not found");
    const answer = route(body);
    res.writeHead(answer.status, answer.body ? { "content-type": "application/json" } : {}).end(answer.body);
  });
  // The handler reads `state`, so tests change behaviour by assigning to the returned object's fields.
  return Object.assign(state, server);
}
