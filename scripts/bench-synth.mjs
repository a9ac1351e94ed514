// Synthetic model throughput: writing a sized random model and packaging it into an OCI layout, side by side
// with what the machine does without us (raw sequential write; OpenSSL hash plus a copy). Run with
// `npm run bench:synth` (builds first). Size with BENCH_SYNTH_BYTES (default 1 GiB), runs with BENCH_RUNS (3).
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageModel } from "../lib/dmr/package-model.js";
import { synthesizeKnownAnswer } from "../lib/model/known-answer.js";
import { synthesizeSized } from "../lib/model/sized-model.js";
import { OciLayout } from "../lib/store/oci-layout.js";

const bytes = Number(process.env.BENCH_SYNTH_BYTES ?? 2 ** 30);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const dir = await mkdtemp(join(tmpdir(), "cortex-bench-synth-"));

async function time(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const samples = { synth: [], rawWrite: [], package: [], hashCopy: [], knownAnswer: [] };
try {
  const model = join(dir, "sized.gguf");
  for (let run = 0; run < runs; run++) {
    // Alternate ours and the baseline in each run so drift in the machine hits both alike.
    samples.rawWrite.push(
      await time(() =>
        execFileSync("dd", ["if=/dev/zero", `of=${join(dir, "raw")}`, "bs=4M", `count=${Math.ceil(bytes / 2 ** 22)}`], {
          stdio: "ignore",
        }),
      ),
    );
    await rm(join(dir, "raw"));
    samples.synth.push(await time(() => synthesizeSized({ path: model, bytes })));
    samples.hashCopy.push(
      await time(() => {
        execFileSync("openssl", ["dgst", "-sha256", model], { stdio: "ignore" });
        execFileSync("cp", [model, join(dir, "copy")]);
      }),
    );
    await rm(join(dir, "copy"));
    const layoutDir = join(dir, `layout-${run}`);
    samples.package.push(
      await time(async () => packageModel({ gguf: model }, await OciLayout.open(layoutDir, { create: true }), "bench")),
    );
    await rm(layoutDir, { recursive: true });
    samples.knownAnswer.push(
      await time(() =>
        synthesizeKnownAnswer({
          path: join(dir, "ka.gguf"),
          answers: Array.from({ length: 50 }, (_, i) => ({
            prompt: `Question number q${i}`,
            answer: `Reply${i} ends${i}`,
          })),
        }),
      ),
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

const gib = bytes / 2 ** 30;
const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
const rate = (seconds) => `${(gib / seconds).toFixed(2)} GiB/s`;
console.log(`### Synthetic models (${gib.toFixed(2)} GiB sized model, median of ${runs} runs)

| step | ours | baseline | ours / baseline time |
| --- | --- | --- | --- |
| write sized model | ${m.synth.toFixed(2)} s (${rate(m.synth)}) | dd zeros: ${m.rawWrite.toFixed(2)} s (${rate(m.rawWrite)}) | ${(m.synth / m.rawWrite).toFixed(2)} |
| package into oci layout | ${m.package.toFixed(2)} s (${rate(m.package)}) | openssl sha256 + cp: ${m.hashCopy.toFixed(2)} s | ${(m.package / m.hashCopy).toFixed(2)} |
| known-answer model, 50 answers | ${(m.knownAnswer * 1000).toFixed(0)} ms | | |

Reproduce: \`npm run bench:synth\` (BENCH_SYNTH_BYTES, BENCH_RUNS to change size and runs).`);
