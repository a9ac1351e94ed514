// Promotion cost, side by side in one run: `cortex-model`'s promote (history entry included) against
// `skopeo copy` (what people do by hand, no history) on the three paths a promotion takes: a new tag in the
// same repository, another repository of the same registry (blob mounts), another registry (blobs streamed).
// Then the cost of reading a tag's history as it grows. Local docker-registry instances, random data made on
// the fly and deleted. Run with `npm run bench:promote` (BENCH_RUNS, BENCH_SIZE_MIB to change).
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { sha256Digest } from "../lib/core/digest.js";
import { MediaType } from "../lib/core/media-types.js";
import { parseReference } from "../lib/core/ref.js";
import { readHistory } from "../lib/promote/history.js";
import { promote } from "../lib/promote/promote.js";
import { openRepository } from "../lib/registry/index.js";

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SIZE = Number(process.env.BENCH_SIZE_MIB ?? 64) * 1024 * 1024;
const work = await fs.mkdtemp(path.join(os.tmpdir(), "bench-promote-"));
const registries = [];
process.on("exit", () => {
  for (const child of registries) child.kill("SIGKILL");
});

async function registry(name) {
  const port = await new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
  });
  const config = path.join(work, `${name}.yml`);
  const storage = path.join(work, name);
  await fs.writeFile(
    config,
    `version: 0.1\nlog: { level: error }\nstorage: { filesystem: { rootdirectory: ${storage} }, delete: { enabled: true } }\nhttp: { addr: "127.0.0.1:${port}" }\n`,
  );
  registries.push(spawn("/usr/bin/docker-registry", ["serve", config], { stdio: "ignore" }));
  const host = `127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    const answered = await fetch(`http://${host}/v2/`).then(
      () => true,
      () => false,
    );
    if (answered) return host;
    if (attempt > 200) throw new Error(`registry ${name} did not start`);
    await sleep(50);
  }
}

const repo = (host, name) => openRepository(parseReference(`${host}/${name}`), { env: {} });
const blob = (bytes, mediaType) => ({
  descriptor: { mediaType, digest: sha256Digest(bytes), size: bytes.length },
  bytes,
});

async function pushModel(target) {
  const config = blob(
    Buffer.from(JSON.stringify({ config: { format: "gguf" }, seed: randomBytes(8).toString("hex") })),
    MediaType.dmrConfigV01,
  );
  const layer = blob(randomBytes(SIZE), MediaType.dmrGguf);
  for (const part of [config, layer]) await target.pushBlob(part.descriptor, part.bytes);
  const manifest = blob(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociManifest,
        config: config.descriptor,
        layers: [layer.descriptor],
      }),
    ),
    MediaType.ociManifest,
  );
  await target.pushManifest(manifest.descriptor, manifest.bytes);
  return manifest.descriptor.digest;
}

async function timed(fn) {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const skopeo = (from, to) =>
  run("skopeo", [
    "copy",
    "--quiet",
    "--src-tls-verify=false",
    "--dest-tls-verify=false",
    `docker://${from}`,
    `docker://${to}`,
  ]);

const one = await registry("one");
const source = repo(one, "ai/model");
const digest = await pushModel(source);

const scenarios = [
  {
    name: "same repository, new tag",
    ours: (i) => promote({ source, digest, destination: source, tags: [`ours-${i}`] }),
    skopeo: (i) => skopeo(`${one}/ai/model@${digest}`, `${one}/ai/model:skopeo-${i}`),
  },
  {
    name: "other repository, same registry",
    ours: (i) => promote({ source, digest, destination: repo(one, `ours/r${i}`), tags: ["stable"] }),
    skopeo: (i) => skopeo(`${one}/ai/model@${digest}`, `${one}/skopeo/r${i}:stable`),
  },
  {
    // A fresh destination registry for every run of either tool: skopeo's blob-info cache remembers where a
    // blob was pushed before and mounts it from there, which would time a mount, not a copy.
    name: "other registry",
    prepare: async (i) => ({ ours: await registry(`ours-${i}`), skopeo: await registry(`skopeo-${i}`) }),
    ours: (_i, to) => promote({ source, digest, destination: repo(to.ours, "ai/model"), tags: ["stable"] }),
    skopeo: (_i, to) => skopeo(`${one}/ai/model@${digest}`, `${to.skopeo}/ai/model:stable`),
  },
];

const rows = [];
for (const scenario of scenarios) {
  const ours = [];
  const theirs = [];
  for (let i = 0; i < RUNS; i++) {
    // Alternate which goes first, so neither always meets a warmer page cache.
    const prepared = await scenario.prepare?.(i);
    if (i % 2 === 0) {
      ours.push(await timed(() => scenario.ours(i, prepared)));
      theirs.push(await timed(() => scenario.skopeo(i, prepared)));
    } else {
      theirs.push(await timed(() => scenario.skopeo(i, prepared)));
      ours.push(await timed(() => scenario.ours(i, prepared)));
    }
  }
  rows.push([scenario.name, median(ours), median(theirs)]);
}

const historyRows = [];
for (const entries of [10, 100]) {
  const tag = `h${entries}`;
  for (let i = 0; i < entries; i++) {
    await promote({ source, digest: i % 2 ? digest : await pushModelSmall(source), destination: source, tags: [tag] });
  }
  const times = [];
  for (let i = 0; i < RUNS; i++) times.push(await timed(() => readHistory(source, tag)));
  historyRows.push([entries, median(times)]);
}

async function pushModelSmall(target) {
  const layer = blob(randomBytes(1024), MediaType.dmrGguf);
  const config = blob(Buffer.from("{}"), MediaType.dmrConfigV01);
  for (const part of [config, layer]) await target.pushBlob(part.descriptor, part.bytes);
  const manifest = blob(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociManifest,
        config: config.descriptor,
        layers: [layer.descriptor],
      }),
    ),
    MediaType.ociManifest,
  );
  await target.pushManifest(manifest.descriptor, manifest.bytes);
  return manifest.descriptor.digest;
}

const ms = (value) => `${value.toFixed(0)} ms`;
const lines = [
  `#### Promotion, ${SIZE / 1024 / 1024} MiB model, median of ${RUNS} runs (local docker-registry 2.8, ${os.cpus().length} cores)`,
  "",
  "| path | cortex-model promote (with history) | skopeo copy (no history) | ratio |",
  "| --- | --- | --- | --- |",
  ...rows.map(([name, ours, theirs]) => `| ${name} | ${ms(ours)} | ${ms(theirs)} | ${(ours / theirs).toFixed(2)} |`),
  "",
  "| history entries | read the history (median) |",
  "| --- | --- |",
  ...historyRows.map(([entries, time]) => `| ${entries} | ${ms(time)} |`),
  "",
  `Reproduce: \`BENCH_RUNS=${RUNS} BENCH_SIZE_MIB=${SIZE / 1024 / 1024} npm run bench:promote\``,
];
console.log(lines.join("\n"));
for (const child of registries) child.kill("SIGTERM");
await fs.rm(work, { recursive: true, force: true });
