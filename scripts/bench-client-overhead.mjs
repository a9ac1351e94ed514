// Measurement overhead of our streaming client: output tokens per second measured through the client
// (out / (E2E - TTFT)) against llama.cpp's own count (`timings.predicted_per_second`) for the same
// generations, on the embedded backend in a separate process. Target: within 5%.
// Run: npm run bench:client-overhead
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { requestMetrics } from "../lib/bench/metrics.js";
import { median, percentile } from "../lib/bench/statistics.js";
import { OpenAIClient } from "../lib/client/openai-client.js";
import { synthesizeSized } from "../lib/model/sized-model.js";

const requests = 30;
const maxTokens = 64;
const modelBytes = 20e6;
const cli = fileURLToPath(new URL("../bin/cortex-model.js", import.meta.url));

const dir = await mkdtemp(join(os.tmpdir(), "cortex-client-overhead-"));
let server;
try {
  const { path } = await synthesizeSized({ path: join(dir, "model.gguf"), bytes: modelBytes });
  const readyFile = join(dir, "ready.json");
  server = spawn(
    process.execPath,
    [cli, "serve", "--model", path, "--model-id", "m", "--port", "0", "--threads", "1", "--ready-file", readyFile],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  await new Promise((resolve, reject) => {
    server.stdout.on("data", (chunk) => String(chunk).includes("serving") && resolve());
    server.once("exit", (code) => reject(new Error(`serve exited with ${code}`)));
  });
  const { url } = JSON.parse(await readFile(readyFile, "utf8"));
  const client = new OpenAIClient({ baseUrl: url });
  const ours = [];
  const theirs = [];
  for (let i = 0; i < requests + 2; i++) {
    const result = await client.generate({
      api: "completions",
      model: "m",
      prompt: `request ${i} about rivers and stars`,
      stream: true,
      options: { temperature: 0, maxTokens },
    });
    if (i < 2) continue; // warm-up
    const m = requestMetrics(result);
    ours.push(m.outputTokensPerSecond);
    theirs.push(m.backendOutputTokensPerSecond);
  }
  const ratios = ours.map((o, i) => o / theirs[i]);
  const pct = (r) => `${r >= 1 ? "+" : "−"}${(Math.abs(r - 1) * 100).toFixed(1)}%`;
  console.log(
    [
      "```",
      "npm run bench:client-overhead",
      "```",
      "",
      `Embedded backend (llama.cpp via node-llama-cpp, 1 thread), ${modelBytes / 1e6} MB synthetic model, ${requests} streamed completions of ${maxTokens} tokens after 2 warm-up requests.`,
      "",
      "| Output tok/s | Median | p90 |",
      "| --- | ---: | ---: |",
      `| through our client, out / (E2E − TTFT) | ${median(ours).toFixed(1)} | ${percentile(ours, 0.9).toFixed(1)} |`,
      `| llama.cpp's own count (predicted_per_second) | ${median(theirs).toFixed(1)} | ${percentile(theirs, 0.9).toFixed(1)} |`,
      "",
      `Per-request ratio client / backend: median ${pct(median(ratios))}, p10 ${pct(percentile(ratios, 0.1))}, p90 ${pct(percentile(ratios, 0.9))} (target: within 5%).`,
      `Measured on ${os.cpus()[0]?.model ?? "an unknown CPU"}, ${os.availableParallelism()} CPUs usable, Node ${process.version}.`,
    ].join("\n"),
  );
} finally {
  server?.kill("SIGTERM");
  await rm(dir, { recursive: true, force: true });
}
