// Scan cost: the scanner's header checks on a multi-GB sized model and on a header shaped like a real large
// vocabulary (256k tokens and merges), against reading the same header with the GGUF parser the project
// already uses (@huggingface/gguf, through readGgufModelInfo). Each measurement runs in a fresh process, so
// its peak resident memory is its own. Run with `npm run bench:scan` (builds first). Size with
// BENCH_SCAN_BYTES (default 2 GiB), runs with BENCH_RUNS (5).
import { execFileSync } from "node:child_process";
import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const [mode, file] = process.argv.slice(2);
if (mode === "scan" || mode === "parser") {
  const { scanGgufStructure } = await import("../lib/scan/gguf-structure.js");
  const { readGgufModelInfo } = await import("../lib/model/gguf-metadata.js");
  const { size } = await stat(file);
  let read = 0;
  const start = process.hrtime.bigint();
  if (mode === "scan") {
    const stream = createReadStream(file, { highWaterMark: 1 << 20 }).on("data", (chunk) => {
      read += chunk.length;
    });
    const { findings } = await scanGgufStructure(stream, size, file);
    if (findings.length > 0) throw new Error(`unexpected findings: ${JSON.stringify(findings)}`);
  } else {
    await readGgufModelInfo(file);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(JSON.stringify({ seconds, maxRssKiB: process.resourceUsage().maxRSS, read }));
  process.exit(0);
}

const bytes = Number(process.env.BENCH_SCAN_BYTES ?? 2 * 2 ** 30);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const self = fileURLToPath(import.meta.url);
const dir = await mkdtemp(join(tmpdir(), "cortex-bench-scan-"));

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function measure(kind, path) {
  return JSON.parse(execFileSync(process.execPath, [self, kind, path], { encoding: "utf8" }));
}

/** A header like a current large-vocabulary model's: 256k tokens, scores, types and merges; one small tensor. */
async function bigVocabulary(path) {
  const { writeGguf } = await import("../lib/model/gguf-writer.js");
  const count = 256_000;
  const tokens = Array.from({ length: count }, (_, i) => `tok${i.toString(36)}`);
  await writeGguf(path, {
    metadata: [
      ["general.architecture", { type: "string", value: "llama" }],
      ["tokenizer.ggml.model", { type: "string", value: "gpt2" }],
      ["tokenizer.ggml.tokens", { type: "array", itemType: "string", value: tokens }],
      ["tokenizer.ggml.token_type", { type: "array", itemType: "int32", value: tokens.map(() => 1) }],
      ["tokenizer.ggml.merges", { type: "array", itemType: "string", value: tokens.map((t) => `${t} x`) }],
    ],
    tensors: [{ name: "token_embd.weight", shape: [8, count], type: "F32", data: () => [Buffer.alloc(32 * count)] }],
  });
}

const rows = [];
try {
  const { synthesizeSized } = await import("../lib/model/sized-model.js");
  const sized = join(dir, "sized.gguf");
  const vocab = join(dir, "vocab.gguf");
  await synthesizeSized({ path: sized, bytes });
  await bigVocabulary(vocab);
  for (const [label, path] of [
    [`sized model, ${(bytes / 2 ** 30).toFixed(1)} GiB`, sized],
    ["256k-token vocabulary header", vocab],
  ]) {
    const samples = { scan: [], parser: [] };
    // Interleaved, so drift in a busy machine hits both alike.
    for (let run = 0; run < runs; run++) {
      samples.scan.push(measure("scan", path));
      samples.parser.push(measure("parser", path));
    }
    const m = (kind, field) => median(samples[kind].map((s) => s[field]));
    rows.push(
      `| ${label} | ${(m("scan", "seconds") * 1000).toFixed(0)} ms | ${(m("parser", "seconds") * 1000).toFixed(0)} ms | ${(m("scan", "seconds") / m("parser", "seconds")).toFixed(2)} | ${(m("scan", "maxRssKiB") / 1024).toFixed(0)} MiB | ${(m("parser", "maxRssKiB") / 1024).toFixed(0)} MiB | ${(m("scan", "read") / 2 ** 20).toFixed(1)} MiB of ${((await stat(path)).size / 2 ** 20).toFixed(0)} MiB |`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

console.log(`### Model scan: header checks (median of ${runs} runs, each in a fresh process)

| GGUF | scan | @huggingface/gguf | scan / parser time | scan peak RSS | parser peak RSS | bytes the scan read |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join("\n")}

Reproduce: \`npm run bench:scan\` (BENCH_SCAN_BYTES, BENCH_RUNS to change size and runs).`);
