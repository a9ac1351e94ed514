import { readFile } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { join } from "node:path";
import { startHttpServer, type TestHttpServer } from "./http-server.js";

/**
 * A protocol test server speaking the subset of Docker Model Runner's API the docker backend calls:
 * POST /models/create (NDJSON progress ending in a success or error line), GET /models, and
 * POST /engines/v1/chat/completions. Not DMR: no Docker engine runs here; the real runner runs in e2e.yml.
 */
export interface DmrApiServer extends TestHttpServer {
  readonly requests: { method: string; path: string; body: string }[];
  /** Models GET /models lists, as DMR lists them: id plus tags. */
  readonly models: { id: string; tags: string[] }[];
  /** References /models/create refuses with an error line. */
  readonly refuse: Set<string>;
}

/**
 * With `storeDir`, GET /models also lists what that DMR store's models.json holds, as DMR reads its index
 * from its store: a store view written there becomes visible the way it would to the real runner.
 */
export async function startDmrApiServer(options: { storeDir?: string } = {}): Promise<DmrApiServer> {
  const requests: DmrApiServer["requests"] = [];
  const models: DmrApiServer["models"] = [];
  const refuse = new Set<string>();
  const listed = async () => {
    if (!options.storeDir) return models;
    const index = await readFile(join(options.storeDir, "models.json"), "utf8").catch(() => '{"models":[]}');
    return [...models, ...(JSON.parse(index) as { models: DmrApiServer["models"] }).models];
  };
  /** POST /models/create: a progress line, then success (the model is listed from then on) or a refusal. */
  const create = (res: ServerResponse, body: string) => {
    const { from } = JSON.parse(body) as { from: string };
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    res.write(`${JSON.stringify({ type: "progress", message: "Downloaded: 1.00 MB", total: 1, pulled: 1 })}\n`);
    if (refuse.has(from)) return void res.end(`${JSON.stringify({ type: "error", message: "unauthorized" })}\n`);
    models.push({ id: from.slice(from.indexOf("@") + 1), tags: [] });
    res.end(`${JSON.stringify({ type: "success", message: `Model pulled successfully: ${from}` })}\n`);
  };
  const server = await startHttpServer(async (req, res, body) => {
    requests.push({ method: req.method ?? "", path: req.url ?? "", body });
    if (req.method === "POST" && req.url === "/models/create") return create(res, body);
    if (req.method === "GET" && req.url === "/models") {
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(await listed()));
    }
    if (req.method === "POST" && req.url === "/engines/v1/chat/completions") {
      const { model } = JSON.parse(body) as { model: string };
      const known = (await listed()).some((m) => servesAs(m, model));
      if (!known) return void res.writeHead(404).end(`{"error":{"message":"model not found: ${model}"}}`);
      return void res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          object: "chat.completion",
          model,
          choices: [{ index: 0, message: { role: "assistant", content: "x" }, finish_reason: "length" }],
        }),
      );
    }
    res.writeHead(404).end();
  });
  return Object.assign(server, { requests, models, refuse });
}

/** A model answers by its id, any of its tags, or a reference pinned to its id. */
function servesAs(model: { id: string; tags?: string[] }, name: string): boolean {
  return model.id === name || (model.tags ?? []).includes(name) || name.endsWith(`@${model.id}`);
}
