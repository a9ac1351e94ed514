// Pull throughput, side by side in one run: ours (parallel ranged parts, verified) against `curl -o` alone and
// `skopeo copy`, on a 1 GiB blob in a local docker-registry; then behind nginx capping each connection at
// 50 MB/s (a CDN), ours against one stream; then a warm digest-pinned pull. Random data is generated on the
// fly and deleted. Run with `npm run bench:pull` (BENCH_RUNS, BENCH_SIZE_MIB, BENCH_CAPPED_MIB to change).
import { execFile, spawn } from "node:child_process";
import { createHash, randomFillSync } from "node:crypto";
import { closeSync, createReadStream, promises as fs, openSync, writeSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { MediaType } from "../lib/core/media-types.js";
import { parseReference } from "../lib/core/ref.js";
import { openRepository } from "../lib/registry/index.js";

const exec = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CLI = path.join(root, "bin", "cortex-model.js");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MiB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_SIZE_MIB ?? 1024) * MiB;
const CAPPED_SIZE = Number(process.env.BENCH_CAPPED_MIB ?? 256) * MiB;
const RATE = "50m";

const work = await fs.mkdtemp(path.join(os.tmpdir(), "bench-pull-"));
const children = [];
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url) {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await sleep(50);
    }
  }
  throw new Error(`${url} did not answer`);
}

async function startRegistry() {
  const port = await freePort();
  const config = path.join(work, "registry.yml");
  await fs.writeFile(
    config,
    [
      "version: 0.1",
      "log: { level: error }",
      "storage:",
      `  filesystem: { rootdirectory: ${path.join(work, "registry")} }`,
      "  delete: { enabled: true }",
      `http: { addr: "127.0.0.1:${port}" }`,
      "",
    ].join("\n"),
  );
  const child = spawn("/usr/bin/docker-registry", ["serve", config], { stdio: "ignore" });
  children.push(child);
  await waitForHttp(`http://127.0.0.1:${port}/v2/`);
  return `127.0.0.1:${port}`;
}

async function startNginx(upstream) {
  const port = await freePort();
  const dir = path.join(work, "nginx");
  await fs.mkdir(dir, { recursive: true });
  const conf = path.join(dir, "nginx.conf");
  await fs.writeFile(
    conf,
    `daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
worker_processes 1;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://${upstream};
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      # Buffered in memory only, so nginx paces what it sends without spooling the blob to disk.
      proxy_max_temp_file_size 0;
      limit_rate ${RATE};
    }
  }
}
`,
  );
  const child = spawn("nginx", ["-c", conf, "-p", dir], { stdio: "ignore" });
  children.push(child);
  await waitForHttp(`http://127.0.0.1:${port}/v2/`);
  return `127.0.0.1:${port}`;
}

/** Writes `size` random bytes to a file, returning its digest. */
function randomFile(file, size) {
  const hash = createHash("sha256");
  const fd = openSync(file, "w");
  const buffer = Buffer.allocUnsafe(16 * MiB);
  for (let left = size; left > 0; left -= buffer.length) {
    const chunk = buffer.subarray(0, Math.min(left, buffer.length));
    randomFillSync(chunk);
    hash.update(chunk);
    writeSync(fd, chunk);
  }
  closeSync(fd);
  return `sha256:${hash.digest("hex")}`;
}

/** Pushes a DMR-shaped model with one GGUF layer of `size` random bytes; returns the pinned reference. */
async function pushModel(host, repository, size) {
  const ref = parseReference(`${host}/${repository}:latest`);
  const repo = openRepository(ref);
  const file = path.join(work, `${repository.replaceAll("/", "-")}.gguf`);
  const digest = randomFile(file, size);
  const layer = { mediaType: MediaType.dmrGguf, digest, size };
  await repo.pushBlob(layer, () => createReadStream(file, { highWaterMark: 4 * MiB }));
  await fs.rm(file);
  const configBytes = Buffer.from(
    JSON.stringify({ config: { format: "gguf" }, rootfs: { type: "rootfs", diff_ids: [digest] } }),
  );
  const config = { mediaType: MediaType.dmrConfigV01, digest: sha(configBytes), size: configBytes.length };
  await repo.pushBlob(config, configBytes);
  const manifestBytes = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config, layers: [layer] }),
  );
  const manifest = { mediaType: MediaType.ociManifest, digest: sha(manifestBytes), size: manifestBytes.length };
  await repo.pushManifest(manifest, manifestBytes, { tag: "latest" });
  return { repository, layer, manifestDigest: manifest.digest };
}

function sha(bytes) {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

async function timed(fn) {
  const started = performance.now();
  await fn();
  return (performance.now() - started) / 1000;
}

/** Runs a process under /usr/bin/time; returns its stdout and adds its CPU seconds (user + system) to `cpu`. */
const cpuSeconds = new Map();
// npm puts node_modules/.bin first on PATH; /usr/bin/time (execvp) stops at the symlinked directory there.
const toolEnv = {
  ...process.env,
  PATH: (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((dir) => !dir.includes("node_modules"))
    .join(path.delimiter),
};
async function run(label, command, args) {
  const { stdout, stderr } = await exec("/usr/bin/time", ["-f", "__cpu %U %S", command, ...args], {
    maxBuffer: 64 * MiB,
    env: toolEnv,
  });
  const match = /__cpu ([\d.]+) ([\d.]+)/.exec(stderr);
  if (match) {
    const list = cpuSeconds.get(label) ?? [];
    list.push(Number(match[1]) + Number(match[2]));
    cpuSeconds.set(label, list);
  }
  return stdout;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function repeat(label, fn) {
  const times = [];
  for (let i = 0; i < RUNS; i++) times.push(await fn(i));
  const m = median(times);
  console.error(`${label}: ${times.map((t) => t.toFixed(2)).join(" ")} s, median ${m.toFixed(2)} s`);
  return m;
}

async function oursPull(label, host, model, store, extra = []) {
  const stdout = await run(label, process.execPath, [
    CLI,
    "pull",
    `${host}/${model.repository}@${model.manifestDigest}`,
    "--store",
    store,
    "--json",
    ...extra,
  ]);
  const result = JSON.parse(stdout);
  if (result.digest !== model.manifestDigest) throw new Error(`pulled ${result.digest}`);
  return result;
}

async function freshStore(fn) {
  const store = await fs.mkdtemp(path.join(work, "store-"));
  try {
    return await timed(() => fn(store));
  } finally {
    await fs.rm(store, { recursive: true, force: true });
  }
}

/** `curl -o`, optionally followed by OpenSSL hashing the file: what "download, then verify" costs. */
async function curlOnce(label, host, model, verify = false) {
  const out = path.join(work, "curl.out");
  try {
    return await timed(async () => {
      await run(label, "curl", ["-sf", "-o", out, `http://${host}/v2/${model.repository}/blobs/${model.layer.digest}`]);
      if (!verify) return;
      const digest = (await run(`${label} hash`, "openssl", ["dgst", "-sha256", "-r", out])).split(" ")[0];
      if (`sha256:${digest}` !== model.layer.digest) throw new Error(`curl fetched ${digest}`);
    });
  } finally {
    await fs.rm(out, { force: true });
  }
}

const mibps = (bytes, seconds) => `${(bytes / MiB / seconds).toFixed(0)} MiB/s`;

const registry = await startRegistry();
console.error(`registry ${registry}; pushing ${SIZE / MiB} MiB and ${CAPPED_SIZE / MiB} MiB models`);
const big = await pushModel(registry, "bench/big", SIZE);
const capped = await pushModel(registry, "bench/capped", CAPPED_SIZE);
const nginx = await startNginx(registry);

const load = os.loadavg()[0];
const ours = await repeat("ours", () => freshStore((store) => oursPull("ours", registry, big, store)));
const curl = await repeat("curl -o", () => curlOnce("curl", registry, big));
const curlVerified = await repeat("curl -o, then openssl dgst", () => curlOnce("curl verified", registry, big, true));
const skopeo = await repeat("skopeo copy", async () => {
  const dest = await fs.mkdtemp(path.join(work, "skopeo-"));
  try {
    return await timed(() =>
      run("skopeo", "skopeo", [
        "copy",
        "-q",
        "--src-tls-verify=false",
        `docker://${registry}/${big.repository}@${big.manifestDigest}`,
        `oci:${dest}:latest`,
      ]),
    );
  } finally {
    await fs.rm(dest, { recursive: true, force: true });
  }
});
const cappedOurs = await repeat("capped: ours", () =>
  freshStore((store) => oursPull("capped ours", nginx, capped, store)),
);
const cappedCurl = await repeat("capped: one stream", () => curlOnce("capped curl", nginx, capped));

const warmStore = await fs.mkdtemp(path.join(work, "warm-"));
await oursPull("warm setup", registry, big, warmStore);
// A dead address: the warm pinned pull must not need the registry at all.
const deadHost = `127.0.0.1:${await freePort()}`;
const warm = await repeat("warm pinned pull", () => timed(() => oursPull("warm", deadHost, big, warmStore)));
const loadAfter = os.loadavg()[0];
const cpu = (...labels) =>
  `${labels.reduce((sum, label) => sum + median(cpuSeconds.get(label) ?? [Number.NaN]), 0).toFixed(2)} s`;

for (const child of children) child.kill("SIGTERM");
await fs.rm(work, { recursive: true, force: true });

const model = os.cpus()[0]?.model ?? "unknown CPU";
console.log(`### Pull (\`npm run bench:pull\`, ${os.cpus().length} cores, ${model}, load average ${load.toFixed(1)} to ${loadAfter.toFixed(1)}, medians of ${RUNS} runs)

| Scenario | Time | Throughput | CPU (user+sys) | Ratio |
| --- | ---: | ---: | ---: | ---: |
| ${SIZE / MiB} MiB from local docker-registry: ours (8 x 16 MiB parts, sha256 verified) | ${ours.toFixed(2)} s | ${mibps(SIZE, ours)} | ${cpu("ours")} | 1.00 |
| same: \`curl -o\` alone (no verification) | ${curl.toFixed(2)} s | ${mibps(SIZE, curl)} | ${cpu("curl")} | ours = ${(curl / ours).toFixed(2)} x curl's throughput |
| same: \`curl -o\`, then \`openssl dgst -sha256\` (download, then verify) | ${curlVerified.toFixed(2)} s | ${mibps(SIZE, curlVerified)} | ${cpu("curl verified", "curl verified hash")} | ours ${(curlVerified / ours).toFixed(2)} x its speed |
| same: \`skopeo copy docker:// oci:\` | ${skopeo.toFixed(2)} s | ${mibps(SIZE, skopeo)} | ${cpu("skopeo")} | ours ${(skopeo / ours).toFixed(2)} x skopeo's speed |
| ${CAPPED_SIZE / MiB} MiB behind nginx \`limit_rate ${RATE}\` per connection: ours | ${cappedOurs.toFixed(2)} s | ${mibps(CAPPED_SIZE, cappedOurs)} | ${cpu("capped ours")} | 1.00 |
| same: one stream (\`curl -o\`) | ${cappedCurl.toFixed(2)} s | ${mibps(CAPPED_SIZE, cappedCurl)} | ${cpu("capped curl")} | ours ${(cappedCurl / cappedOurs).toFixed(2)} x one stream's speed |
| warm digest-pinned pull (registry address dead), whole CLI process | ${(warm * 1000).toFixed(0)} ms | | ${cpu("warm")} | |

Times are whole processes (\`node bin/cortex-model.js pull ... --json\`, curl, skopeo), each into a fresh
directory. Reproduce: \`npm run bench:pull\` (env BENCH_RUNS=${RUNS}, BENCH_SIZE_MIB=${SIZE / MiB}, BENCH_CAPPED_MIB=${CAPPED_SIZE / MiB}).`);
