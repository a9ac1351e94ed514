#!/usr/bin/env node
// Output tokens per second of the embedded backend, measured two ways in the same run: through our
// streaming client (output tokens / (E2E - TTFT), as docs/bench.md defines it) and by the server's own
// llama.cpp-style `timings` for the same generation. Then the same by thread count (1, 2, 4 and the
// measured default), with the servers up side by side and requests alternated between them so load
// elsewhere on the machine hits every thread count alike. Prints a Markdown block for BENCHMARKS.md.
//
//   npm run bench:client-overhead [-- --runs 5 --tokens 64 --thread-tokens 16 --timeout-s 30 --size-mb 40]
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { OpenAIClient } from "../lib/client/openai-client.js";
import { synthesizeSized } from "../lib/model/sized-model.js";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    warmup: { type: "string", default: "1" },
    tokens: { type: "string", default: "64" },
    "thread-tokens": { type: "string", default: "16" },
    "timeout-s": { type: "string", default: "30" },
    "size-mb": { type: "string", default: "40" },
  },
});
const runs = Number(values.runs);
const warmup = Number(values.warmup);
const maxTokens = Number(values.tokens);
const threadTokens = Number(values["thread-tokens"]);
const timeoutMs = Number(values["timeout-s"]) * 1000;
const sizeMb = Number(values["size-mb"]);
const root = path.resolve(import.meta.dirname, "..");
const THREADS = [1, 2, 4];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : "n/a");

async function startServer(model, dir, name, threads) {
  const readyFile = path.join(dir, `${name}.ready.json`);
  const args = ["bin/cortex-model.js", "serve", "--model", model, "--port", "0", "--model-id", "bench"];
  if (threads !== undefined) args.push("--threads", String(threads));
  const child = spawn(process.execPath, [...args, "--ready-file", readyFile], {
    cwd: root,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (t) => {
    stderr += t;
  });
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  for (;;) {
    if (exited) throw new Error(`server ${name} exited before it was ready:\n${stderr}`);
    const text = await readFile(readyFile, "utf8").catch(() => "");
    if (text.endsWith("\n")) {
      const { url } = JSON.parse(text);
      const client = new OpenAIClient({ baseUrl: url });
      const [entry] = await client.models();
      return { name, child, client, origin: url.replace(/\/v1$/, ""), meta: entry.meta };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** After a timed-out request a slow server still finishes its current token; the next measurement must not share the CPU with it. */
async function waitIdle(server) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const health = await (await fetch(`${server.origin}/health`)).json();
    if (health.slots_idle > 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopServer(server) {
  const done = new Promise((resolve) => server.child.once("exit", resolve));
  server.child.kill("SIGTERM");
  await done;
}

/**
 * One streamed generation: client tok/s, server tok/s, and their ratio. A thread count that runs so slowly
 * that it hits the timeout is recorded as such (the client leaves and the server stops generating).
 */
async function measure(target, tokens) {
  let result;
  try {
    result = await target.client.generate({
      api: "completions",
      model: "bench",
      prompt: "ab cd ef",
      stream: true,
      timeoutMs,
      options: { temperature: 0, maxTokens: tokens },
    });
  } catch (error) {
    if (/timed out/.test(error.message)) return { timedOut: true };
    throw error;
  }
  const generated = result.usage?.completionTokens ?? 0;
  const { ttftMs, e2eMs, chunkTimesMs } = result.timing;
  const client = generated > 1 ? (generated * 1000) / (e2eMs - ttftMs) : Number.NaN;
  const server = result.backendTimings?.predicted_per_second ?? Number.NaN;
  return { timedOut: false, tokens: generated, chunks: chunkTimesMs.length, client, server, ratio: client / server };
}

const dir = await mkdtemp(path.join(tmpdir(), "bench-client-overhead-"));
const servers = [];
// Interrupted: take the servers down with us instead of leaving them running.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    for (const server of servers) server.child.kill("SIGKILL");
    process.exit(130);
  });
}
try {
  const model = path.join(dir, "sized.gguf");
  const { size } = await synthesizeSized({ path: model, bytes: sizeMb * 1e6 });
  const load = loadavg()[0];
  process.stderr.write(
    `model: ${(size / 1e6).toFixed(1)} MB; starting servers (threads ${THREADS.join(", ")}, default)\n`,
  );
  for (const threads of THREADS) servers.push(await startServer(model, dir, `t${threads}`, threads));
  const auto = await startServer(model, dir, "default", undefined);
  servers.push(auto);

  // The overhead column: the 1-thread server with longer generations; then every thread count alike.
  const plan = [
    { key: "overhead", server: servers[0], tokens: maxTokens },
    ...servers.map((server) => ({ key: server.name, server, tokens: threadTokens })),
  ];
  const samples = new Map(plan.map((p) => [p.key, []]));
  for (let round = 0; round < warmup + runs; round++) {
    // Alternate the order each round: no thread count always runs right after another.
    const order = round % 2 === 0 ? plan : [...plan].reverse();
    for (const step of order) {
      const sample = await measure(step.server, step.tokens);
      await waitIdle(step.server);
      if (round >= warmup) samples.get(step.key).push(sample);
    }
    process.stderr.write(`round ${round + 1}/${warmup + runs}${round < warmup ? " (warm-up)" : ""}\n`);
  }

  const summary = (key) => {
    const all = samples.get(key);
    const list = all.filter((s) => !s.timedOut);
    return {
      timedOut: all.length - list.length,
      client: list.length ? median(list.map((s) => s.client)) : Number.NaN,
      server: list.length ? median(list.map((s) => s.server)) : Number.NaN,
      ratio: list.length ? median(list.map((s) => s.ratio)) : Number.NaN,
      worstRatio: list.length
        ? list.map((s) => s.ratio).reduce((a, b) => (Math.abs(b - 1) > Math.abs(a - 1) ? b : a))
        : Number.NaN,
      tokens: list.length ? median(list.map((s) => s.tokens)) : Number.NaN,
      chunks: list.length ? median(list.map((s) => s.chunks)) : Number.NaN,
    };
  };
  const overhead = summary("overhead");
  const one = summary("t1");
  const row = (label, s) =>
    `| ${label} | ${fmt(s.client)} | ${fmt(s.server)} | ${fmt(s.ratio, 3)} | ${fmt(s.worstRatio, 3)} | ${s.timedOut ? `${s.timedOut} of ${runs} timed out (< ${fmt(threadTokens / (timeoutMs / 1000), 2)} tok/s)` : "none"} |`;
  const lines = [];
  lines.push("### Client measurement overhead and threads (embedded backend)");
  lines.push("");
  lines.push(
    `Synthetic sized model (${(size / 1e6).toFixed(1)} MB, F32, random weights), streamed completions at temperature 0; ` +
      `${runs} measured runs per row after ${warmup} warm-up, all servers up side by side and requests alternated ` +
      "between them. Client tok/s = output tokens / (E2E - TTFT) through `OpenAIClient`; server tok/s = the " +
      "server's own `timings.predicted_per_second` for the same generation.",
  );
  lines.push("");
  lines.push(
    `Machine: ${cpus()[0]?.model ?? "unknown CPU"}, ${availableParallelism()} CPUs available, load average ${fmt(load, 2)} at start (shared machine).`,
  );
  lines.push("");
  lines.push(`**Client overhead** (1 thread, ${maxTokens} output tokens per request):`);
  lines.push("");
  lines.push(
    "| threads | client tok/s (median) | server tok/s (median) | client/server (median) | worst run | timeouts |",
  );
  lines.push("|---|---|---|---|---|---|");
  lines.push(row("1", overhead));
  lines.push("");
  lines.push(
    `The client measures ${fmt((overhead.ratio - 1) * 100, 2)}% against the server's own count (target within 5%: ` +
      `${Math.abs(overhead.ratio - 1) <= 0.05 ? "met" : "NOT met"}); ${fmt(overhead.tokens, 0)} tokens and ` +
      `${fmt(overhead.chunks, 0)} content chunks per request.`,
  );
  lines.push("");
  lines.push(`**By thread count** (${threadTokens} output tokens per request, ${timeoutMs / 1000} s limit):`);
  lines.push("");
  lines.push(
    "| threads | client tok/s (median) | server tok/s (median) | client/server (median) | worst run | timeouts |",
  );
  lines.push("|---|---|---|---|---|---|");
  for (const server of servers) {
    const label =
      server.name === "default"
        ? `default → ${server.meta.threads} (${server.meta.threads_source}: ${server.meta.threads_trials
            .map((t) => `${t.threads} → ${fmt(t.tokens_per_second, 0)}`)
            .join(", ")} tok/s)`
        : String(server.meta.threads);
    lines.push(row(label, summary(server.name)));
  }
  lines.push("");
  // A thread count whose every run timed out is slower than the timeout allows: say "more than".
  const versus = (key) => {
    const s = summary(key);
    return Number.isFinite(s.client)
      ? `${fmt(one.client / s.client, 1)}x`
      : `more than ${fmt(one.client / (threadTokens / (timeoutMs / 1000)), 0)}x`;
  };
  lines.push(`1 thread vs 2: ${versus("t2")}; vs 4: ${versus("t4")} (client tok/s medians).`);
  lines.push("");
  lines.push(
    "Reproduce: `npm run bench:client-overhead` (options: `-- --runs 5 --tokens 64 --thread-tokens 16 --timeout-s 30 --size-mb 40`).",
  );
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  await Promise.all(servers.map(stopServer));
  await rm(dir, { recursive: true, force: true });
}
