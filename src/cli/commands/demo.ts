import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Command, parseCommandArgs } from "../command.js";

const usage = `Usage: cortex-model demo [--out DIR] [--keep]

Runs the whole pipeline offline (about 30 seconds on a 2-core machine; it prints the time it took): makes three synthetic known-answer models (stable v1,
a good v2, a regressed v2-rc1), packages them into a local oci: layout, pulls each by digest, serves them
with the embedded backend, runs examples/suite.yaml and an A/B benchmark against stable, attaches the
results, promotes v2 to stable under a compat,bench policy, watches the policy refuse v2-rc1, and reverts.

Options:
  --out DIR   where the reports go (default ./cortex-demo)
  --keep      keep the scratch folder (registry layout, store, GGUF files) and print its path

Exit: 0 the story went as expected, 1 it did not, 2 it could not run. See docs/demo.md.`;

export const demo: Command = {
  name: "demo",
  summary: "run the whole pipeline offline on synthetic models and write its reports",
  usage,
  async run(args, io) {
    const { values } = parseCommandArgs(
      "demo",
      args,
      { out: { type: "string", default: "cortex-demo" }, keep: { type: "boolean", default: false } },
      false,
    );
    const outDir = resolve(io.cwd, values.out);
    const { runDemo } = await import("../../demo/demo.js");
    const { Story } = await import("../../demo/story.js");
    const workDir = await mkdtemp(join(tmpdir(), "cortex-demo-"));
    const started = performance.now();
    const story = new Story((line) => io.stdout.write(`${line}\n`));
    try {
      const outcome = await runDemo({ outDir, workDir, story });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      io.stdout.write(`\nreports: ${outDir}\n`);
      if (values.keep) io.stdout.write(`scratch kept: ${workDir}\n`);
      io.stdout.write(
        outcome.asExpected
          ? `demo finished in ${seconds} s: v2 promoted, v2-rc1 refused by policy, stable rolled back to v1\n`
          : `demo finished in ${seconds} s, but not as expected: see ${join(outDir, "demo.json")}\n`,
      );
      return outcome.asExpected ? 0 : 1;
    } finally {
      if (!values.keep) await rm(workDir, { recursive: true, force: true });
    }
  },
};
