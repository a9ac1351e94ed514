// Blob GETs through an HTTP proxy, side by side in one run: the registry client's bulk reader (lib/, built)
// fetching one blob over http and https, directly and through a CONNECT tunnel in Debian's tinyproxy, with
// `curl -p -x` through the same proxy as the proxy's own ceiling. The blob server is a separate Node process
// serving random bytes from memory; each fetch runs in a fresh client process (so its CPU time is its own,
// and NODE_EXTRA_CA_CERTS trusts the test certificate). Run with `npm run bench:proxy` (BENCH_RUNS,
// BENCH_SIZE_MIB to change).
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { promises as fs } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const exec = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const MiB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_SIZE_MIB ?? 256) * MiB;

async function listening(port) {
  for (let i = 0; i < 200; i++) {
    const open = await new Promise((resolve) => {
      const socket = net.connect({ host: "127.0.0.1", port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await sleep(25);
  }
  throw new Error(`nothing listens on port ${port}`);
}

const work = await fs.mkdtemp(path.join(os.tmpdir(), "bench-proxy-"));
const key = path.join(work, "key.pem");
const cert = path.join(work, "cert.pem");
await exec("openssl", [
  ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"],
  ...["-addext", "subjectAltName=DNS:localhost", "-keyout", key, "-out", cert],
]);

// The blob server listens on ports of its choosing and prints them.
const serverScript = `
  import http from "node:http"; import https from "node:https"; import fs from "node:fs";
  import { randomFillSync } from "node:crypto"; import { once } from "node:events";
  const size = ${SIZE}; const block = randomFillSync(Buffer.alloc(1 << 20));
  const serve = (req, res) => {
    res.writeHead(200, { "content-length": String(size), "content-type": "application/octet-stream" });
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const piece = block.subarray(0, Math.min(block.length, size - sent));
        sent += piece.length;
        if (!res.write(piece)) return res.once("drain", pump);
      }
      res.end();
    };
    pump();
  };
  const plain = http.createServer(serve).listen(0, "127.0.0.1");
  const secure = https.createServer({ key: fs.readFileSync(${JSON.stringify(key)}), cert: fs.readFileSync(${JSON.stringify(cert)}) }, serve)
    .listen(0, "127.0.0.1");
  await Promise.all([once(plain, "listening"), once(secure, "listening")]);
  console.log(JSON.stringify([plain.address().port, secure.address().port]));`;
const server = spawn(process.execPath, ["--input-type=module", "-e", serverScript], {
  stdio: ["ignore", "pipe", "inherit"],
});
const [ports] = await once(server.stdout, "data");
const [httpPort, httpsPort] = JSON.parse(ports);
const probe = net.createServer().listen(0, "127.0.0.1");
await once(probe, "listening");
const proxyPort = probe.address().port;
await new Promise((resolve) => probe.close(resolve));

const proxyConfig = path.join(work, "tinyproxy.conf");
await fs.writeFile(
  proxyConfig,
  [`Port ${proxyPort}`, "Listen 127.0.0.1", "Allow 127.0.0.1", "MaxClients 16", `LogFile "${work}/tinyproxy.log"`]
    .concat([httpPort, httpsPort].map((port) => `ConnectPort ${port}`))
    .join("\n"),
);
const proxy = spawn("tinyproxy", ["-d", "-c", proxyConfig], { stdio: "ignore" });
process.on("exit", () => {
  server.kill("SIGKILL");
  proxy.kill("SIGKILL");
});
await listening(proxyPort);
const proxyUrl = `http://127.0.0.1:${proxyPort}`;

const clientScript = `
  const { exchange } = await import(${JSON.stringify(path.join(root, "lib/http/transport.js"))});
  const { proxyEnv } = await import(${JSON.stringify(path.join(root, "lib/http/proxy.js"))});
  const started = performance.now(); const cpu = process.cpuUsage();
  const response = await exchange({ method: "GET", url: new URL(process.argv[1]), bulk: true }, { proxies: proxyEnv() });
  let bytes = 0;
  await response.readInto((chunk) => { bytes += chunk.length; });
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ bytes, seconds: (performance.now() - started) / 1000, cpu: (used.user + used.system) / 1e6 }));`;

async function ours(url, proxied) {
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: cert, https_proxy: "", http_proxy: "", no_proxy: "" };
  if (proxied) Object.assign(env, { https_proxy: proxyUrl, http_proxy: proxyUrl });
  const { stdout } = await exec(process.execPath, ["--input-type=module", "-e", clientScript, url], { env });
  const result = JSON.parse(stdout);
  if (result.bytes !== SIZE) throw new Error(`${url}: got ${result.bytes} bytes, expected ${SIZE}`);
  return result;
}

async function curl(url) {
  const started = performance.now();
  const args = ["-sS", "-o", "/dev/null", "--cacert", cert, "-p", "-x", proxyUrl, url];
  await exec("curl", args, { env: { ...process.env, https_proxy: "", http_proxy: "" } });
  return { seconds: (performance.now() - started) / 1000, cpu: Number.NaN };
}

const http = `http://localhost:${httpPort}/blob`;
const https = `https://localhost:${httpsPort}/blob`;
const cases = [
  { name: "ours, http, direct", run: () => ours(http, false) },
  { name: "ours, http, through tinyproxy", run: () => ours(http, true) },
  { name: "ours, https, direct", run: () => ours(https, false) },
  { name: "ours, https, through tinyproxy", run: () => ours(https, true) },
  { name: "curl -p -x, https, through tinyproxy", run: () => curl(https) },
];
const samples = new Map(cases.map((c) => [c.name, []]));
for (let run = 0; run < RUNS; run++) {
  for (const c of cases) samples.get(c.name).push(await c.run());
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const rows = cases.map((c) => {
  const runs = samples.get(c.name);
  return { name: c.name, seconds: median(runs.map((r) => r.seconds)), cpu: median(runs.map((r) => r.cpu)) };
});
const direct = (scheme) => rows.find((r) => r.name === `ours, ${scheme}, direct`).seconds;
const lines = [
  `Blob GET of ${SIZE / MiB} MiB over loopback, median of ${RUNS} runs (client CPU = user + system of the client process).`,
  "",
  "| case | seconds | MB/s | client CPU s | time vs direct |",
  "| --- | ---: | ---: | ---: | ---: |",
  ...rows.map((r) => {
    const scheme = r.name.includes("https") ? "https" : "http";
    const cpu = Number.isNaN(r.cpu) ? "n/a" : r.cpu.toFixed(2);
    const mbps = (SIZE / 1e6 / r.seconds).toFixed(0);
    return `| ${r.name} | ${r.seconds.toFixed(2)} | ${mbps} | ${cpu} | ${(r.seconds / direct(scheme)).toFixed(2)}x |`;
  }),
  "",
  `Reproduce: \`npm run bench:proxy\` (BENCH_RUNS=${RUNS} BENCH_SIZE_MIB=${SIZE / MiB}), on ${os.cpus().length} cores, Node ${process.version}.`,
];
console.log(lines.join("\n"));
server.kill("SIGTERM");
proxy.kill("SIGTERM");
await fs.rm(work, { recursive: true, force: true });
