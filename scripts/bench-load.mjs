// Cold versus warm load of the embedded backend (llama.cpp through node-llama-cpp, our serve process), through
// setupBackend as setup-model runs it, for sized random-weight models (BENCH_SIZES_MB, default 50,200,800).
// Cold: a fresh backend process with the model's file evicted from the page cache just before the start
// (posix_fadvise DONTNEED for that file only, via `dd iflag=nocache count=0`, checked with `fincore`; the
// machine-wide drop_caches would also work as root but would disturb everything else running here). The
// node-llama-cpp runtime itself stays cached, as on a runner whose tool cache was just restored. Warm:
// setupBackend's warm-load, a restart right after the first load, the file resident. Both as setup-model
// reports them (start to ready) and up to the first answer (docs/bench.md's cold load). Also the fresh
// process on a cached file: load-seconds as a gate sees it right after a pull. Threads 1 (no thread trial at start).
// Runs are interleaved across sizes (BENCH_RUNS rounds, default 5); imports the built code from lib/.
import { execFile } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { setupBackend, stopBackend } from "../lib/backends/setup.js";
import { parseReference } from "../lib/core/ref.js";
import { packageModel } from "../lib/dmr/package-model.js";
import { synthesizeSized } from "../lib/model/sized-model.js";
import { pull, pullFromStore } from "../lib/pull/pull.js";
import { ModelStore } from "../lib/store/model-store.js";
import { OciLayout } from "../lib/store/oci-layout.js";

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SIZES_MB = (process.env.BENCH_SIZES_MB ?? "50,200,800").split(",").map(Number);
const THREADS = 1;
const work = await fs.mkdtemp(path.join(os.tmpdir(), "bench-load-"));
const storeDir = path.join(work, "store");

/** A sized model packaged into an oci: layout and pulled into the store; returns its pinned reference. */
async function prepareModel(mb) {
  const gguf = path.join(work, `sized-${mb}mb.gguf`);
  await synthesizeSized({ path: gguf, bytes: mb * 1e6, seed: mb });
  const layoutDir = path.join(work, `sized-${mb}mb`);
  const descriptor = await packageModel({ gguf }, await OciLayout.open(layoutDir, { create: true }));
  const reference = `oci:${layoutDir}@${descriptor.digest}`;
  const ref = parseReference(reference);
  const pulled = await pull(await OciLayout.open(layoutDir), ref, await ModelStore.open({ dir: storeDir }));
  await fs.rm(gguf);
  await fs.rm(layoutDir, { recursive: true });
  return { mb, reference, file: pulled.model, bytes: (await fs.stat(pulled.model)).size };
}

async function residentBytes(file) {
  const { stdout } = await run("fincore", ["--bytes", "--noheadings", "--output", "RES", file]);
  return Number(stdout.trim());
}

/**
 * Drops the file's pages from the page cache (they must be clean: fsync first) and returns what is left. On a
 * tmpfs the pages are the file itself: then nothing leaves, and the figures would not be cold.
 */
async function evict(file, bytes) {
  await run("sync", [file]);
  await run("dd", [`if=${file}`, "iflag=nocache", "count=0", "status=none"]);
  const left = await residentBytes(file);
  if (left > bytes / 100) {
    throw new Error(`${left} of ${bytes} bytes of ${file} stayed in the page cache: set TMPDIR to a disk directory`);
  }
  return left;
}

async function firstAnswerSeconds(endpoint) {
  const began = performance.now();
  const response = await fetch(`${endpoint.baseUrl}/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: endpoint.modelId, prompt: "ab cd", max_tokens: 1, temperature: 0 }),
  });
  if (!response.ok) throw new Error(`first request: ${response.status} ${await response.text()}`);
  await response.json();
  return (performance.now() - began) / 1000;
}

/** One setupBackend on the embedded backend; `beforeStart` runs once the model is in the store. */
async function setUp(model, { warmLoad, beforeStart }) {
  const context = {
    toolDir: path.join(work, "tools"),
    workDir: await fs.mkdtemp(path.join(work, "run-")),
    env: process.env,
    log: () => {},
  };
  let handle;
  try {
    const result = await setupBackend(
      {
        model: model.reference,
        selection: { backend: "embedded", strategy: "hybrid", environment: "development", install: "auto" },
        settings: { gpu: "none", port: 0, threads: THREADS, readyTimeoutMs: 600_000 },
        options: {},
        installOption: "install",
        warmLoad,
      },
      context,
      {
        async pull(reference) {
          const store = await ModelStore.open({ dir: storeDir });
          const pulled = await pullFromStore(store, reference);
          if (!pulled) throw new Error(`${model.reference} is not in the store`);
          await beforeStart?.();
          return { store: store.root, digest: pulled.digest, pulled, cacheHit: true };
        },
        started(started) {
          handle = started;
        },
      },
    );
    if (result.endpoint.threads !== THREADS) throw new Error(`served with ${result.endpoint.threads} threads`);
    if (warmLoad && !result.warmLoad?.measured) throw new Error(`warm load not measured: ${result.warmLoad?.reason}`);
    return { result, answer: await firstAnswerSeconds(result.endpoint) };
  } finally {
    if (handle) await stopBackend(handle, context);
    await fs.rm(context.workDir, { recursive: true, force: true });
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

let report;
try {
  const began = performance.now();
  const loadAverage = os.loadavg()[0];
  const models = [];
  for (const mb of SIZES_MB) models.push(await prepareModel(mb));
  const prepared = (performance.now() - began) / 1000;
  const samples = new Map(models.map((m) => [m, { cold: [], coldAnswer: [], cached: [], warm: [], warmAnswer: [] }]));
  let leftResident = 0;
  // The first start of the runtime reads node-llama-cpp from disk: untimed, so every timed start finds it cached.
  await setUp(models[0], { warmLoad: false });
  for (let round = 0; round < RUNS; round++) {
    for (const model of round % 2 === 0 ? models : [...models].reverse()) {
      const s = samples.get(model);
      const cold = await setUp(model, {
        warmLoad: false,
        beforeStart: async () => {
          leftResident = Math.max(leftResident, await evict(model.file, model.bytes));
        },
      });
      s.cold.push(cold.result.loadSeconds);
      s.coldAnswer.push(cold.result.loadSeconds + cold.answer);
      const warm = await setUp(model, { warmLoad: true });
      s.cached.push(warm.result.loadSeconds);
      s.warm.push(warm.result.warmLoad.seconds);
      s.warmAnswer.push(warm.result.warmLoad.seconds + warm.answer);
    }
  }
  const f = (seconds) => seconds.toFixed(2);
  const medians = new Map(
    models.map((model) => [
      model,
      Object.fromEntries(Object.entries(samples.get(model)).map(([key, values]) => [key, median(values)])),
    ]),
  );
  const smallest = medians.get(models[0]);
  const largest = medians.get(models.at(-1));
  const rows = models.map((model) => {
    const m = medians.get(model);
    return `| ${(model.bytes / 1e6).toFixed(0)} MB | ${f(m.cold)} | ${f(m.coldAnswer)} | ${f(m.cached)} | ${f(m.warm)} | ${f(m.warmAnswer)} | ${(m.cold / m.warm).toFixed(2)}x | ${(m.coldAnswer / m.warmAnswer).toFixed(2)}x |`;
  });
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  report = [
    `### Cold versus warm load, embedded backend (median of ${RUNS} runs per size, seconds)`,
    "",
    "| model (F32 random weights) | cold: start to ready | cold: to first answer | fresh process, file cached: start to ready | warm (restart): start to ready | warm: to first answer | cold / warm, ready | cold / warm, first answer |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
    "",
    "Cold: a fresh `cortex-model serve` process with the model's file evicted from the page cache just before",
    `the start (posix_fadvise DONTNEED through \`dd iflag=nocache count=0\`; at most ${leftResident} bytes stayed resident,`,
    "by `fincore`); the node-llama-cpp runtime stays cached. Warm: setup-model's `warm-load`, a restart right",
    "after a load. Start to ready is what setup-model reports as `load-seconds` / `warm-load-seconds`; the first",
    "answer adds one 1-token completion. Fresh process, file cached: `load-seconds` right after a pull.",
    `The smallest model's warm load (${f(smallest.warm)} s) is nearly all the runtime's own start (node, the`,
    `node-llama-cpp import and binding); reading the largest model's file cold adds ${f(largest.coldAnswer - largest.warmAnswer)} s up to its first answer.`,
    `Machine: ${os.cpus().length} CPUs (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, threads ${THREADS}, load average ${loadAverage.toFixed(1)} at the start; models made and pulled in ${prepared.toFixed(0)} s, whole run ${((performance.now() - began) / 1000).toFixed(0)} s.`,
    `Reproduce: \`BENCH_RUNS=${RUNS} BENCH_SIZES_MB=${SIZES_MB.join(",")} npm run bench:load\``,
  ].join("\n");
} finally {
  await fs.rm(work, { recursive: true, force: true });
}
console.log(report);
