import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  GPU_MODES
} from "./chunk-MZH6KYWL.mjs";
import {
  stampVouchesFor
} from "./chunk-35M3XGW2.mjs";
import {
  boundedSetting,
  choiceSetting,
  hashFile
} from "./chunk-SBSIPN6N.mjs";
import {
  BOUNDS,
  boundsRange
} from "./chunk-P47FFNDF.mjs";
import {
  CortexError,
  UsageError,
  describeError
} from "./chunk-X6O7WWHG.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/cli/command.ts
import { parseArgs } from "node:util";
function joinNegativeValues(args, options) {
  const takesValue = /* @__PURE__ */ new Set();
  for (const [name, option] of Object.entries(options)) {
    if (option.type !== "string") continue;
    takesValue.add(`--${name}`);
    if (option.short) takesValue.add(`-${option.short}`);
  }
  const joined = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const next = args[i + 1];
    if (takesValue.has(arg) && next !== void 0 && /^-[\d.]/.test(next)) {
      joined.push(`${arg.startsWith("--") ? arg : `--${shortName(arg, options)}`}=${next}`);
      i++;
    } else if (arg === "--") {
      joined.push(...args.slice(i));
      break;
    } else joined.push(arg);
  }
  return joined;
}
__name(joinNegativeValues, "joinNegativeValues");
function shortName(flag, options) {
  return Object.entries(options).find(([, option]) => `-${option.short}` === flag)?.[0] ?? flag.slice(1);
}
__name(shortName, "shortName");
function editDistance(a, b) {
  const d = Array.from(
    { length: a.length + 1 },
    (_, i) => Array.from({ length: b.length + 1 }, (_2, j) => i === 0 ? j : j === 0 ? i : 0)
  );
  const at = /* @__PURE__ */ __name((i, j) => d[i][j], "at");
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i][j] = best;
    }
  }
  return at(a.length, b.length);
}
__name(editDistance, "editDistance");
function closestOption(unknown, known) {
  const name = unknown.replace(/^-+/, "").split("=")[0];
  let best;
  for (const option of known) {
    const distance = option.startsWith(name) && name.length >= 3 ? 0 : editDistance(name, option);
    if (best === void 0 || distance < best.distance) best = { option, distance };
  }
  return best && best.distance <= Math.max(1, Math.floor(name.length / 3)) ? best.option : void 0;
}
__name(closestOption, "closestOption");
function parseCommandArgs(command, args, options, allowPositionals = true) {
  try {
    return parseArgs({ args: joinNegativeValues(args, options), options, allowPositionals, strict: true });
  } catch (error) {
    const code = error.code;
    const unknown = /^Unknown option '([^']+)'/.exec(error.message)?.[1];
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknown !== void 0) {
      const meant = closestOption(unknown, Object.keys(options));
      const hint = meant ? `; did you mean --${meant}?` : `; run cortex-model ${command} --help for the options`;
      throw new UsageError(`unknown option ${unknown}${hint}`);
    }
    throw new UsageError(error.message, { cause: error });
  }
}
__name(parseCommandArgs, "parseCommandArgs");
async function runCommand(name, io, body) {
  try {
    return await body();
  } catch (error) {
    io.stderr.write(`cortex-model ${name}: ${describeError(error)}
`);
    if (io.env.CORTEX_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}
`);
    return error instanceof CortexError ? error.exitCode : 1;
  }
}
__name(runCommand, "runCommand");
function flagSource(values, warn = (message) => process.stderr.write(`cortex-model: warning: ${message}
`)) {
  return {
    value(name) {
      const value = values[name];
      const text = Array.isArray(value) ? value.join("\n") : value === void 0 ? "" : String(value);
      return text === "" ? void 0 : text;
    },
    label: /* @__PURE__ */ __name((name) => `--${name}`, "label"),
    warn
  };
}
__name(flagSource, "flagSource");
function commandWarnings(command, io) {
  return (message) => io.stderr.write(`cortex-model ${command}: warning: ${message}
`);
}
__name(commandWarnings, "commandWarnings");

// src/cli/commands/serve.ts
import { writeFile } from "node:fs/promises";
import { basename } from "node:path";

// src/cli/option-values.ts
function optionalNumberOption(value, option, bounds) {
  return boundedSetting({ value: /* @__PURE__ */ __name(() => value, "value"), label: /* @__PURE__ */ __name(() => option, "label"), warn: /* @__PURE__ */ __name(() => {
  }, "warn") }, option, bounds);
}
__name(optionalNumberOption, "optionalNumberOption");
function parseNumberOption(value, option, bounds) {
  return optionalNumberOption(value, option, bounds);
}
__name(parseNumberOption, "parseNumberOption");

// src/cli/commands/serve.ts
var usage = `Usage: cortex-model serve --model <path.gguf> [options]

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
function digestNamedBy(file) {
  const hex = /(?:^|[/\\])(?:sha256[/\\]|sha256-)([0-9a-f]{64})$/.exec(file)?.[1];
  return hex === void 0 ? void 0 : `sha256:${hex}`;
}
__name(digestNamedBy, "digestNamedBy");
async function checkNamedDigest(file, digest, env) {
  if (await stampVouchesFor(file, env)) return;
  const actual = await hashFile(file);
  if (actual.digest !== digest) {
    throw new CortexError(
      `${file} does not hash to ${digest}, the digest it is named by: refusing to serve it (cortex-model verify removes it, a pull fetches it again)`
    );
  }
}
__name(checkNamedDigest, "checkNamedDigest");
var serve = {
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
        "no-verify": { type: "boolean" }
      },
      false
    );
    if (!values.model) throw new UsageError("--model <path.gguf> is required");
    const gpu = choiceSetting(flagSource(values, commandWarnings("serve", io)), "gpu", GPU_MODES, "none", {
      off: "none"
    });
    const port = parseNumberOption(values.port, "--port", BOUNDS.listenPort);
    const modelPath = values.model;
    const options = {
      modelPath,
      modelId: values["model-id"] ?? basename(modelPath).replace(/\.gguf$/i, ""),
      host: values.host ?? "127.0.0.1",
      port,
      threads: optionalNumberOption(values.threads, "--threads", BOUNDS.threads),
      contextSize: optionalNumberOption(values["context-size"], "--context-size", BOUNDS.contextSize),
      parallel: optionalNumberOption(values.parallel, "--parallel", BOUNDS.parallel),
      gpu: gpu === "none" ? false : gpu,
      log: /* @__PURE__ */ __name((line) => io.stderr.write(`cortex-model serve: ${line}
`), "log")
    };
    const { checkGguf, startEmbeddedServer } = await import("./chunk-C6G3YBIP.mjs");
    await checkGguf(modelPath);
    options.log(`loading ${modelPath} as ${options.modelId} on ${options.host}:${port}, pid ${process.pid}`);
    const digest = values["no-verify"] ? void 0 : digestNamedBy(modelPath);
    const running = await startEmbeddedServer({
      ...options,
      ...digest === void 0 ? {} : { check: checkNamedDigest(modelPath, digest, io.env) }
    });
    const { server, engine } = running;
    const threads = engine.threads.threads;
    if (values["ready-file"]) {
      const ready = { url: server.baseUrl, pid: process.pid, model: server.modelId, threads, device: engine.device };
      await writeFile(values["ready-file"], `${JSON.stringify(ready)}
`);
    }
    io.stdout.write(
      `serving ${server.modelId} at ${server.baseUrl} (${engine.device}, ${threads} thread${threads === 1 ? "" : "s"}, ${engine.threads.source})
`
    );
    const signal = await new Promise((resolve) => {
      process.once("SIGTERM", () => resolve("SIGTERM"));
      process.once("SIGINT", () => resolve("SIGINT"));
    });
    options.log(`${signal}: finishing requests in flight, then stopping`);
    await running.close();
    return 0;
  }
};

export {
  runCommand,
  serve
};
