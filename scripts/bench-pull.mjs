// Pull throughput, side by side in one run. On a 1 GiB blob in a local docker-registry: the floor of a
// verified download, max(`curl -o` alone, `openssl dgst -sha256` alone), against ours (parallel ranged parts,
// verified), each round running all three one after another so load elsewhere hits them alike; then `skopeo
// copy`. Behind nginx capping each connection at 50 MB/s (a CDN): ours against one stream. Then a warm
// digest-pinned pull. CPU per GiB is given for our process and for the registry's. Random data is generated
// on the fly and deleted. Prints the block and writes it into BENCHMARKS.md between its bench:pull markers.
// Run with `npm run bench:pull` (BENCH_RUNS, BENCH_SIZE_MIB, BENCH_CAPPED_MIB to change).
import { execFile, spawn } from "node:child_process";
import { createHash, randomFillSync } from "node:crypto";
import { closeSync, createReadStream, promises as fs, openSync, readFileSync, writeSync } from "node:fs";
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
const BENCHMARKS = path.join(root, "BENCHMARKS.md");
const START = "<!-- bench:pull -->";
const END = "<!-- bench:pull:end -->";

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
  return { host: `127.0.0.1:${port}`, pid: child.pid };
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
/** CPU seconds (user + system) a running process has used so far. */
function processCpu(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

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

const times = new Map();
async function measure(label, fn) {
  const t = await fn();
  const list = times.get(label) ?? [];
  list.push(t);
  times.set(label, list);
  return t;
}
const timesOf = (label) => times.get(label) ?? [];
const medianTime = (label) => median(timesOf(label));

async function repeat(label, fn) {
  for (let i = 0; i < RUNS; i++) await measure(label, fn);
  report(label);
}

function report(label) {
  const list = timesOf(label);
  console.error(`${label}: ${list.map((t) => t.toFixed(2)).join(" ")} s, median ${median(list).toFixed(2)} s`);
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

const CURL_OUT = path.join(work, "curl.out");

/** `curl -o` alone: the transfer with no verification. Leaves the file for `opensslOnce`. */
function curlOnce(label, host, model) {
  return timed(() =>
    run(label, "curl", ["-sf", "-o", CURL_OUT, `http://${host}/v2/${model.repository}/blobs/${model.layer.digest}`]),
  );
}

/** `openssl dgst -sha256` alone, on the file curl just wrote (in the page cache): the verification. */
async function opensslOnce(label, model) {
  try {
    return await timed(async () => {
      const digest = (await run(label, "openssl", ["dgst", "-sha256", "-r", CURL_OUT])).split(" ")[0];
      if (`sha256:${digest}` !== model.layer.digest) throw new Error(`curl fetched ${digest}`);
    });
  } finally {
    await fs.rm(CURL_OUT, { force: true });
  }
}

const mibps = (bytes, seconds) => `${(bytes / MiB / seconds).toFixed(0)} MiB/s`;

for (const tool of ["nginx", "curl", "openssl", "skopeo", "/usr/bin/docker-registry", "/usr/bin/time"]) {
  await exec("sh", ["-c", `command -v ${tool}`], { env: toolEnv }).catch(() => {
    throw new Error(
      `bench:pull needs ${path.basename(tool)}: apt-get install nginx curl openssl skopeo docker-registry time`,
    );
  });
}
const { host: registry, pid: registryPid } = await startRegistry();
console.error(`registry ${registry}; pushing ${SIZE / MiB} MiB and ${CAPPED_SIZE / MiB} MiB models`);
const big = await pushModel(registry, "bench/big", SIZE);
const capped = await pushModel(registry, "bench/capped", CAPPED_SIZE);
const nginx = await startNginx(registry);

/** Runs `fn` and adds the registry's CPU seconds meanwhile to `label`'s registry list. */
const registryCpu = new Map();
async function withRegistryCpu(label, fn) {
  const before = processCpu(registryPid);
  const result = await fn();
  const list = registryCpu.get(label) ?? [];
  list.push(processCpu(registryPid) - before);
  registryCpu.set(label, list);
  return result;
}

const load = os.loadavg()[0];
// Each round runs curl, openssl and ours back to back: the floor of a round is the slower of curl and openssl.
const ratios = [];
for (let i = 0; i < RUNS; i++) {
  const curl = await measure("curl -o", () => withRegistryCpu("curl", () => curlOnce("curl", registry, big)));
  const hash = await measure("openssl dgst", () => opensslOnce("openssl", big));
  const ours = await measure("ours", () =>
    withRegistryCpu("ours", () => freshStore((store) => oursPull("ours", registry, big, store))),
  );
  ratios.push(ours / Math.max(curl, hash));
}
for (const label of ["curl -o", "openssl dgst", "ours"]) report(label);
await repeat("skopeo copy", async () => {
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
const speedups = [];
for (let i = 0; i < RUNS; i++) {
  const one = await measure("capped: one stream", () => curlOnce("capped curl", nginx, capped));
  await fs.rm(CURL_OUT, { force: true });
  const ours = await measure("capped: ours", () =>
    freshStore((store) => oursPull("capped ours", nginx, capped, store)),
  );
  speedups.push(one / ours);
}
for (const label of ["capped: one stream", "capped: ours"]) report(label);

const warmStore = await fs.mkdtemp(path.join(work, "warm-"));
await oursPull("warm setup", registry, big, warmStore);
// A dead address: the warm pinned pull must not need the registry at all.
const deadHost = `127.0.0.1:${await freePort()}`;
await repeat("warm pinned pull", () => timed(() => oursPull("warm", deadHost, big, warmStore)));
const loadAfter = os.loadavg()[0];

for (const child of children) child.kill("SIGTERM");
await fs.rm(work, { recursive: true, force: true });

const GiB = SIZE / (1024 * MiB);
const cpu = (...labels) => labels.reduce((sum, label) => sum + median(cpuSeconds.get(label) ?? [Number.NaN]), 0);
const perGiB = (seconds) => `${(seconds / GiB).toFixed(2)} s`;
const seconds = (label) => `${medianTime(label).toFixed(2)} s`;
const floor = Math.max(medianTime("curl -o"), medianTime("openssl dgst"));
const ratio = median(ratios);
const speedup = median(speedups);
const model = os.cpus()[0]?.model ?? "unknown CPU";
const date = new Date().toISOString().slice(0, 10);
const rows = [
  ["Scenario", "Time", "Throughput", "CPU per GiB (user+sys)", "Registry CPU per GiB", "Ratio"],
  [
    `${SIZE / MiB} MiB from local docker-registry: \`curl -o\` alone (no verification)`,
    seconds("curl -o"),
    mibps(SIZE, medianTime("curl -o")),
    perGiB(cpu("curl")),
    perGiB(median(registryCpu.get("curl"))),
    "",
  ],
  [
    "same file: `openssl dgst -sha256` alone (no transfer)",
    seconds("openssl dgst"),
    mibps(SIZE, medianTime("openssl dgst")),
    perGiB(cpu("openssl")),
    "",
    "",
  ],
  ["**floor**: the slower of the two, round by round", `${floor.toFixed(2)} s`, mibps(SIZE, floor), "", "", "1.00"],
  [
    "ours: parallel ranged parts, sha256 verified, into a fresh store",
    seconds("ours"),
    mibps(SIZE, medianTime("ours")),
    perGiB(cpu("ours")),
    perGiB(median(registryCpu.get("ours"))),
    `**${ratio.toFixed(2)} x the floor** (target at most 1.25)`,
  ],
  [
    "same: `skopeo copy docker:// oci:`",
    seconds("skopeo copy"),
    mibps(SIZE, medianTime("skopeo copy")),
    perGiB(cpu("skopeo")),
    "",
    `${(medianTime("skopeo copy") / medianTime("ours")).toFixed(2)} x our time`,
  ],
  [
    `${CAPPED_SIZE / MiB} MiB behind nginx \`limit_rate ${RATE}\` per connection: one stream (\`curl -o\`)`,
    seconds("capped: one stream"),
    mibps(CAPPED_SIZE, medianTime("capped: one stream")),
    perGiB(cpu("capped curl") / (CAPPED_SIZE / SIZE)),
    "",
    "1.00",
  ],
  [
    "same: ours",
    seconds("capped: ours"),
    mibps(CAPPED_SIZE, medianTime("capped: ours")),
    perGiB(cpu("capped ours") / (CAPPED_SIZE / SIZE)),
    "",
    `**${speedup.toFixed(2)} x one stream's speed** (target at least 5)`,
  ],
  ["warm digest-pinned pull (registry address dead), whole CLI process", seconds("warm pinned pull"), "", "", "", ""],
];
const widths = rows[0].map((_, i) => Math.max(3, ...rows.map((r) => r[i].length)));
const line = (cells) =>
  `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
const rule = `| ${widths.map((w, i) => (i === 0 ? "-".repeat(w) : `${"-".repeat(w - 1)}:`)).join(" | ")} |`;
const block = `${START}
\`npm run bench:pull\` (BENCH_RUNS=${RUNS}, BENCH_SIZE_MIB=${SIZE / MiB}, BENCH_CAPPED_MIB=${CAPPED_SIZE / MiB}) on
${date}: ${os.cpus().length} cores (${model}), load average ${load.toFixed(1)} at the start and ${loadAfter.toFixed(1)} at the end,
medians of ${RUNS} rounds; ratios are medians of the rounds' own ratios (each round runs its cases back to back).

${[line(rows[0]), rule, ...rows.slice(1).map(line)].join("\n")}

CPU per GiB of the CPU seconds a whole process used (\`/usr/bin/time\`), and of the registry's own process
while it served the blob; times are whole processes, each into a fresh directory.
${END}`;
console.log(block);
const doc = await fs.readFile(BENCHMARKS, "utf8");
const from = doc.indexOf(START);
const to = doc.indexOf(END);
if (from < 0 || to < from) throw new Error(`BENCHMARKS.md lacks the ${START} and ${END} markers`);
await fs.writeFile(BENCHMARKS, doc.slice(0, from) + block + doc.slice(to + END.length));
console.error("BENCHMARKS.md updated");
