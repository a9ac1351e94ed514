// setup-model on the embedded backend: time from the action's start to the first answer, for a ~200 MB
// synthetic model served from an oci: layout, with a cold store (the model copied and verified) and a warm one
// (every file already present and stamped, as on a self-hosted runner or after an Actions cache restore) and an
// unstamped one (every file present, no stamp this user sealed: a store written by someone else), split into our
// part (resolve, pull or store check, backend preparation) and the backend's own load (start to ready) plus
// the first answer. Runs the action's core in-process from lib/ with one thread (BENCH_RUNS, BENCH_SIZE_MB).
// BENCH_BASELINE=<dir>: a checkout of another commit with its lib/ built (and node_modules); its setup-model
// runs alternated with this one's in the same process, so both meet the same machine load.
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { sha256Digest } from "../lib/core/digest.js";
import { MediaType } from "../lib/core/media-types.js";
import * as current from "../lib/github/setup-model.js";
import { synthesizeSized } from "../lib/model/sized-model.js";
import { hashFile } from "../lib/store/files.js";
import { OciLayout } from "../lib/store/oci-layout.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SIZE_MB = Number(process.env.BENCH_SIZE_MB ?? 200);
const BASELINE = process.env.BENCH_BASELINE;
const variants = [{ label: "this build", action: current }];
if (BASELINE) {
  const entry = pathToFileURL(path.resolve(BASELINE, "lib", "github", "setup-model.js")).href;
  variants.push({ label: `baseline (${path.resolve(BASELINE)})`, action: await import(entry) });
}
const work = await fs.mkdtemp(path.join(os.tmpdir(), "bench-setup-"));

async function makeLayout() {
  const gguf = path.join(work, "model.gguf");
  await synthesizeSized({ path: gguf, bytes: SIZE_MB * 1e6 });
  const bytes = await fs.readFile(gguf);
  const layout = await OciLayout.open(path.join(work, "layout"), { create: true });
  const descriptor = (mediaType, data) => ({ mediaType, digest: sha256Digest(data), size: data.length });
  const config = new TextEncoder().encode(
    JSON.stringify({ config: { format: "gguf" }, rootfs: { type: "rootfs", diff_ids: [] } }),
  );
  const configDescriptor = descriptor(MediaType.dmrConfigV01, config);
  const layer = descriptor(MediaType.dmrGguf, bytes);
  await layout.pushBlob(configDescriptor, config);
  await layout.pushBlob(layer, bytes);
  const manifest = new TextEncoder().encode(
    JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: configDescriptor, layers: [layer] }),
  );
  const manifestDescriptor = descriptor(MediaType.ociManifest, manifest);
  await layout.pushManifest(manifestDescriptor, manifest, { tag: "bench" });
  await fs.rm(gguf);
  return {
    ref: `oci:${layout.root}@${manifestDescriptor.digest}`,
    size: bytes.length,
    file: layout.blobPath(layer.digest),
  };
}

function mapState() {
  const values = new Map();
  return { get: (name) => values.get(name), set: (name, value) => values.set(name, value) };
}

async function once({ setupModel, setupModelPost }, ref, store) {
  const state = mapState();
  const started = performance.now();
  const context = {
    toolDir: path.join(work, "tools"),
    workDir: await fs.mkdtemp(path.join(work, "run-")),
    env: process.env,
    log: () => {},
    lifetime: "detached",
  };
  const result = await setupModel(
    {
      model: ref,
      selection: { backend: "embedded", strategy: "hybrid", environment: "development", install: "auto" },
      settings: { gpu: "none", port: 0, threads: 1, readyTimeoutMs: 600_000 },
      options: {},
      pull: { store, cache: false },
    },
    context,
    state,
  );
  const response = await fetch(`${result.endpoint.baseUrl}/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: result.endpoint.modelId, prompt: "hello", max_tokens: 1, temperature: 0 }),
  });
  if (!response.ok) throw new Error(`first request: ${response.status} ${await response.text()}`);
  await response.json();
  const total = (performance.now() - started) / 1000;
  await setupModelPost(state);
  return {
    total,
    ours: result.pullSeconds,
    load: result.loadSeconds,
    answer: total - result.pullSeconds - result.loadSeconds,
  };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// The action's own log lines go to stdout; keep the report clean.
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = () => true;
let report;
try {
  const { ref, size, file } = await makeLayout();
  // What the check beside the load costs on its own: sha256 of the model file, read from the page cache.
  const cpuBefore = process.cpuUsage();
  const hashStarted = performance.now();
  await hashFile(file);
  const hashWall = (performance.now() - hashStarted) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const hashCpu = (cpu.user + cpu.system) / 1e6;
  const runs = variants.map(() => ({ cold: [], warm: [], unstamped: [] }));
  for (let i = 0; i < RUNS; i++) {
    // Alternated, and the order flipped every run, so neither build always goes first.
    const order = variants.map((_, v) => v);
    if (i % 2 === 1) order.reverse();
    for (const v of order) {
      const store = path.join(work, `store-${i}-${v}`);
      runs[v].cold.push(await once(variants[v].action, ref, store));
      runs[v].warm.push(await once(variants[v].action, ref, store));
      await fs.rm(path.join(store, "verified"), { recursive: true, force: true });
      runs[v].unstamped.push(await once(variants[v].action, ref, store));
      await fs.rm(store, { recursive: true, force: true });
    }
  }
  const m = (list, key) => median(list.map((run) => run[key]));
  const row = (label, list) =>
    `| ${label} | ${m(list, "total").toFixed(2)} | ${m(list, "ours").toFixed(2)} | ${m(list, "load").toFixed(2)} | ${m(list, "answer").toFixed(2)} |`;
  const rows = variants.flatMap((variant, v) => {
    const who = variants.length > 1 ? `${variant.label}: ` : "";
    return [
      row(`${who}cold (model copied from an oci: layout and verified)`, runs[v].cold),
      row(`${who}warm (every file in the store, stamped)`, runs[v].warm),
      row(`${who}unstamped (every file in the store, no stamp)`, runs[v].unstamped),
    ];
  });
  const ratios =
    variants.length > 1
      ? [
          "",
          `Start to first answer, this build / baseline: cold ${(m(runs[0].cold, "total") / m(runs[1].cold, "total")).toFixed(2)}, warm ${(m(runs[0].warm, "total") / m(runs[1].warm, "total")).toFixed(2)}, unstamped ${(m(runs[0].unstamped, "total") / m(runs[1].unstamped, "total")).toFixed(2)}.`,
        ]
      : [];
  report = [
    `### setup-model, embedded backend, ${(size / 1e6).toFixed(0)} MB synthetic model (median of ${RUNS} runs, seconds)`,
    "",
    "| store | start to first answer | ours: resolve + pull/check + prepare | backend load (start to ready) | first answer |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...rows,
    ...ratios,
    "",
    `Hashing the model file alone (what setup does beside the load when no stamp vouches for it): ${hashWall.toFixed(2)} s, ${hashCpu.toFixed(2)} CPU-seconds.`,
    "",
    `Machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "unknown"}), node ${process.version}, threads 1, load average ${os.loadavg()[0].toFixed(1)} at the end.`,
    `Reproduce: \`BENCH_RUNS=${RUNS} BENCH_SIZE_MB=${SIZE_MB}${BASELINE ? " BENCH_BASELINE=<checkout of the baseline, built>" : ""} npm run bench:setup\``,
  ].join("\n");
} finally {
  process.stdout.write = write;
  await fs.rm(work, { recursive: true, force: true });
}
console.log(report);
