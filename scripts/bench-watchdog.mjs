// The watchdog that ties a foreground command's backend to the command's life: what it costs at start (a
// server spawned with the "caller" lifetime against the "detached" one the action uses, side by side), what
// it holds while it waits (resident memory), and how soon after a SIGKILL of the command the server's process
// group is gone: a stand-in server, and `cortex-model serve` on a known-answer model (port free too).
// Run with `npm run bench:watchdog` (builds first). Runs with BENCH_RUNS (default 10) and BENCH_SERVE_RUNS (3).
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { spawnBackendProcess, stopProcessGroup } from "../lib/backends/process.js";
import { synthesizeKnownAnswer } from "../lib/model/known-answer.js";

const runs = Number(process.env.BENCH_RUNS ?? 10);
const serveRuns = Number(process.env.BENCH_SERVE_RUNS ?? 3);
const dir = await mkdtemp(join(tmpdir(), "cortex-bench-watchdog-"));
const cli = new URL("../bin/cortex-model.js", import.meta.url).pathname;
const processModule = pathToFileURL(new URL("../lib/backends/process.js", import.meta.url).pathname).href;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const ms = (value) => `${value.toFixed(1)} ms`;
const mib = (kib) => `${(kib / 1024).toFixed(1)} MiB`;

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Members of a process group that still run (zombies excluded: they hold nothing but a pid until reaped). */
async function livingMembers(pgid) {
  let count = 0;
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(pgrp) === pgid && state !== "Z") count++;
  }
  return count;
}

/** From now: milliseconds until nothing of the group runs, and until its last zombie is reaped too. */
async function untilGone(pgid, timeoutMs = 30_000) {
  const start = performance.now();
  let stopped;
  while (groupAlive(pgid)) {
    if (stopped === undefined && (await livingMembers(pgid)) === 0) stopped = performance.now() - start;
    if (performance.now() - start > timeoutMs) throw new Error(`group ${pgid} still alive after ${timeoutMs} ms`);
    await sleep(2);
  }
  const reaped = performance.now() - start;
  return { stopped: stopped ?? reaped, reaped };
}

function portFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

const idle = ["-e", "setInterval(() => {}, 1000)"];

async function timedSpawn(lifetime) {
  const start = performance.now();
  const spawned = await spawnBackendProcess({
    backend: "embedded",
    lifetime,
    command: process.execPath,
    args: idle,
    logFile: join(dir, "server.log"),
  });
  const elapsed = performance.now() - start;
  let memory;
  if (lifetime === "caller") {
    // Most of a node process's resident pages are node's own code, shared with every other node process.
    const rollup = await readFile(`/proc/${await watchdogPid(spawned.pid)}/smaps_rollup`, "utf8");
    const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(rollup)?.[1]);
    memory = { rss: kib("Rss"), private: kib("Private_Dirty") + kib("Private_Clean") };
  }
  await stopProcessGroup(spawned.pid);
  return { elapsed, memory };
}

async function watchdogPid(pgid) {
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (cmdline.replaceAll("\0", " ").trim().endsWith(`watchdog-main.js ${pgid}`)) return Number(entry);
  }
  throw new Error(`no watchdog for ${pgid}`);
}

/**
 * A stand-in foreground command that starts `args` with the caller lifetime and prints the server's pid
 * (after the ready file appears, when one is named); the time from its SIGKILL to the group's end.
 */
async function killedCommand(args, readyFile) {
  const script = join(dir, "command.mjs");
  await writeFile(
    script,
    `import { spawnBackendProcess } from ${JSON.stringify(processModule)};
import { readFile } from "node:fs/promises";
const spawned = await spawnBackendProcess({ backend: "embedded", lifetime: "caller", command: process.execPath,
  args: ${JSON.stringify(args)}, logFile: ${JSON.stringify(join(dir, "command-server.log"))} });
const ready = ${JSON.stringify(readyFile ?? null)};
while (ready && !(await readFile(ready, "utf8").catch(() => "")).endsWith("\\n")) await new Promise((r) => setTimeout(r, 20));
console.log(spawned.pid);
setInterval(() => {}, 1000);
`,
  );
  if (readyFile) await rm(readyFile, { force: true });
  const command = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
  const pid = await new Promise((resolve, reject) => {
    let out = "";
    command.stdout.setEncoding("utf8").on("data", (text) => {
      out += text;
      if (out.includes("\n")) resolve(Number(out));
    });
    command.once("exit", () => reject(new Error("the command exited before its server was up")));
  });
  const port = readyFile ? Number(new URL(JSON.parse(await readFile(readyFile, "utf8")).url).port) : undefined;
  command.kill("SIGKILL");
  const gone = await untilGone(pid);
  return { ...gone, portFree: port === undefined ? undefined : await portFree(port) };
}

/** From spawning `cortex-model serve` to its ready file: the start the watchdog's own start overlaps with. */
async function serveStart(lifetime, args, readyFile) {
  await rm(readyFile, { force: true });
  const start = performance.now();
  const spawned = await spawnBackendProcess({
    backend: "embedded",
    lifetime,
    command: process.execPath,
    args,
    logFile: join(dir, "serve.log"),
  });
  while (!(await readFile(readyFile, "utf8").catch(() => "")).endsWith("\n")) await sleep(5);
  const elapsed = performance.now() - start;
  await stopProcessGroup(spawned.pid);
  return elapsed;
}

try {
  const spawnTimes = { detached: [], caller: [] };
  const memory = [];
  for (let run = 0; run < runs; run++) {
    // Alternate so that drift in the machine hits both alike.
    spawnTimes.detached.push((await timedSpawn("detached")).elapsed);
    const tied = await timedSpawn("caller");
    spawnTimes.caller.push(tied.elapsed);
    memory.push(tied.memory);
  }
  const standIn = [];
  for (let run = 0; run < runs; run++) standIn.push(await killedCommand(idle));
  const { path: model } = await synthesizeKnownAnswer({
    path: join(dir, "ka.gguf"),
    answers: [{ prompt: "Hi", answer: "Hello there" }],
  });
  const readyFile = join(dir, "ready.json");
  const serveArgs = [cli, "serve", "--model", model, "--port", "0", "--threads", "1", "--ready-file", readyFile];
  const serveStarts = { detached: [], caller: [] };
  for (let run = 0; run < serveRuns; run++) {
    serveStarts.detached.push(await serveStart("detached", serveArgs, readyFile));
    serveStarts.caller.push(await serveStart("caller", serveArgs, readyFile));
  }
  const serve = [];
  for (let run = 0; run < serveRuns; run++) {
    const result = await killedCommand(serveArgs, readyFile);
    if (!result.portFree) throw new Error("the port was still taken after the serve group ended");
    serve.push(result);
  }
  const detached = median(spawnTimes.detached);
  const caller = median(spawnTimes.caller);
  console.log(`### Watchdog (BENCH_RUNS=${runs}, BENCH_SERVE_RUNS=${serveRuns})

| measure | median |
| --- | --- |
| spawnBackendProcess, lifetime detached (the action) | ${ms(detached)} |
| spawnBackendProcess, lifetime caller (armed watchdog) | ${ms(caller)} (+${ms(caller - detached)}, x${(caller / detached).toFixed(2)}) |
| \`cortex-model serve\` spawn -> ready, detached / caller (${serveRuns} runs) | ${ms(median(serveStarts.detached))} / ${ms(median(serveStarts.caller))} |
| watchdog memory while it waits: resident / private to it | ${mib(median(memory.map((m) => m.rss)))} / ${mib(median(memory.map((m) => m.private)))} |
| SIGKILL of the command -> stand-in server stopped / reaped by init | ${ms(median(standIn.map((r) => r.stopped)))} / ${ms(median(standIn.map((r) => r.reaped)))} |
| SIGKILL of the command -> \`cortex-model serve\` stopped / reaped, port free (${serveRuns} runs) | ${ms(median(serve.map((r) => r.stopped)))} / ${ms(median(serve.map((r) => r.reaped)))} |

Reproduce: \`BENCH_RUNS=${runs} BENCH_SERVE_RUNS=${serveRuns} npm run bench:watchdog\`.`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
