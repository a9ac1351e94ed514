import { writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { GPU_MODES } from "../../backends/backend.js";
import { BOUNDS, boundsRange } from "../../core/bounds.js";
import { CortexError, UsageError } from "../../core/errors.js";
import { choiceSetting } from "../../core/settings.js";
import { hashFile } from "../../store/files.js";
import { stampVouchesFor } from "../../store/stamp.js";
import { type Command, commandWarnings, flagSource, parseCommandArgs } from "../command.js";
import { optionalNumberOption, parseNumberOption } from "../option-values.js";

const usage = `Usage: cortex-model serve --model <path.gguf> [options]

Serves one GGUF model over an OpenAI-compatible HTTP API (llama.cpp through node-llama-cpp, which must be
installed): /v1/chat/completions, /v1/completions, /v1/embeddings, /v1/models, /health.
The model is given as a file path; to serve a model by reference, pull it into the store first and pass
the path of its GGUF.

Options:
  --model <path>        GGUF file to serve (required)
  --host <address>      address to listen on (default 127.0.0.1)
  --port <n>            port to listen on, ${boundsRange(BOUNDS.listenPort)}; 0 picks a free one (default 8080)
  --model-id <name>     name clients send as "model" (default: the file name without .gguf)
  --threads <n>         evaluation threads, ${boundsRange(BOUNDS.threads)} (default: measured at start among 1, 2, 4, ... up to the usable
                        cores, which respect the cgroup CPU quota and count only performance cores on Apple
                        Silicon; the count chosen is in /health)
  --context-size <n>    tokens per request context, ${boundsRange(BOUNDS.contextSize)} (default: the model's, at most 4096)
  --parallel <n>        requests generated at the same time, ${boundsRange(BOUNDS.parallel)}; more wait in a queue
                        (default 1)
  --gpu <none|auto|cuda>  none: the CPU only (default); auto: a GPU build of llama.cpp when one is present;
                        cuda: require the CUDA build (the same words as setup's --gpu; "off" still means none)
  --ready-file <file>   once serving, write {"url", "pid", "model", "threads", "device"} there as JSON
  --no-verify           do not hash a model file named by its digest (the caller has checked it)

A model file named by its sha256 digest (a store's blobs/sha256/<hex>, Ollama's sha256-<hex>) is hashed
while it loads; if it does not match, nothing is answered and serve exits 1 naming the file.

Prints one line with the base URL once the model is loaded, then serves until SIGTERM or SIGINT,
letting requests in flight finish.`;

/** The sha256 digest a file is named by, in a store's or Ollama's blob layout. */
function digestNamedBy(file: string): string | undefined {
  const hex = /(?:^|[/\\])(?:sha256[/\\]|sha256-)([0-9a-f]{64})$/.exec(file)?.[1];
  return hex === undefined ? undefined : `sha256:${hex}`;
}

async function checkNamedDigest(file: string, digest: string, env: NodeJS.ProcessEnv): Promise<void> {
  if (await stampVouchesFor(file, env)) return;
  const actual = await hashFile(file);
  if (actual.digest !== digest) {
    throw new CortexError(
      `${file} does not hash to ${digest}, the digest it is named by: refusing to serve it (cortex-model verify removes it, a pull fetches it again)`,
    );
  }
}

export const serve: Command = {
  name: "serve",
  summary: "serve a GGUF model over an OpenAI-compatible API (embedded llama.cpp)",
  usage,
  async run(args, io) {
    const { values } = parseCommandArgs(
      "serve",
      args,
      {
        model: { type: "string" },
        host: { type: "string", default: "127.0.0.1" },
        port: { type: "string", default: "8080" },
        "model-id": { type: "string" },
        threads: { type: "string" },
        "context-size": { type: "string" },
        parallel: { type: "string" },
        gpu: { type: "string" },
        "ready-file": { type: "string" },
        "no-verify": { type: "boolean" },
      },
      false,
    );
    if (!values.model) throw new UsageError("--model <path.gguf> is required");
    // The same words as setup's --gpu; serve's old "off" is still taken as none.
    const gpu = choiceSetting(flagSource(values, commandWarnings("serve", io)), "gpu", GPU_MODES, "none", {
      off: "none",
    });
    const port = parseNumberOption(values.port as string, "--port", BOUNDS.listenPort);
    const modelPath = values.model;
    const options = {
      modelPath,
      modelId: values["model-id"] ?? basename(modelPath).replace(/\.gguf$/i, ""),
      host: values.host ?? "127.0.0.1",
      port,
      threads: optionalNumberOption(values.threads, "--threads", BOUNDS.threads),
      contextSize: optionalNumberOption(values["context-size"], "--context-size", BOUNDS.contextSize),
      parallel: optionalNumberOption(values.parallel, "--parallel", BOUNDS.parallel),
      gpu: gpu === "none" ? (false as const) : gpu,
      log: (line: string) => io.stderr.write(`cortex-model serve: ${line}\n`),
    };
    const { checkGguf, startEmbeddedServer } = await import("../../serve/index.js");
    await checkGguf(modelPath);
    // First words in the log once the file is known to be a GGUF, so a server stopped while it loads (a ready
    // timeout) says how far it got.
    options.log(`loading ${modelPath} as ${options.modelId} on ${options.host}:${port}, pid ${process.pid}`);
    const digest = values["no-verify"] ? undefined : digestNamedBy(modelPath);
    const running = await startEmbeddedServer({
      ...options,
      ...(digest === undefined ? {} : { check: checkNamedDigest(modelPath, digest, io.env) }),
    });
    const { server, engine } = running;
    const threads = engine.threads.threads;
    if (values["ready-file"]) {
      const ready = { url: server.baseUrl, pid: process.pid, model: server.modelId, threads, device: engine.device };
      await writeFile(values["ready-file"], `${JSON.stringify(ready)}\n`);
    }
    io.stdout.write(
      `serving ${server.modelId} at ${server.baseUrl} (${engine.device}, ${threads} thread${threads === 1 ? "" : "s"}, ${engine.threads.source})\n`,
    );
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once("SIGTERM", () => resolve("SIGTERM"));
      process.once("SIGINT", () => resolve("SIGINT"));
    });
    options.log(`${signal}: finishing requests in flight, then stopping`);
    await running.close();
    return 0;
  },
};
