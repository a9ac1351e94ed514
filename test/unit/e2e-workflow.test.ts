import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { backendSupport, HOSTED_RUNNERS, RUNNER_BACKENDS, type RunnerBackend } from "../../src/backends/support.js";

interface Matrix {
  runner: string[];
  backend: string[];
  exclude?: { runner: string; backend: string }[];
  include?: { runner: string; backend: string }[];
}

interface Job {
  "runs-on": string;
  strategy?: { matrix: Matrix };
  steps: { uses?: string; with?: Record<string, string> }[];
}

const workflow = parse(
  await readFile(join(import.meta.dirname, "..", "..", ".github", "workflows", "e2e.yml"), "utf8"),
) as { jobs: Record<string, Job> };

/** The runner/backend pairs a matrix expands to, as GitHub expands it. */
function expand(matrix: Matrix): string[] {
  const excluded = new Set((matrix.exclude ?? []).map((e) => `${e.runner} ${e.backend}`));
  const pairs = matrix.runner.flatMap((runner) => matrix.backend.map((backend) => `${runner} ${backend}`));
  return [
    ...pairs.filter((pair) => !excluded.has(pair)),
    ...(matrix.include ?? []).map((i) => `${i.runner} ${i.backend}`),
  ];
}

const supported = Object.entries(HOSTED_RUNNERS).flatMap(([runner, platform]) =>
  RUNNER_BACKENDS.filter((backend) => backendSupport(backend, platform) === undefined).map(
    (backend) => `${runner} ${backend}`,
  ),
);

describe("the end-to-end workflow", () => {
  it("runs setup-model with every backend on every hosted runner that supports it, and nowhere else", () => {
    const job = workflow.jobs["setup-model"] as Job;
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a template
    expect(job["runs-on"]).toBe("${{ matrix.runner }}");
    const matrix = job.strategy?.matrix as Matrix;
    expect(matrix.runner.sort()).toEqual(Object.keys(HOSTED_RUNNERS).sort());
    expect(matrix.backend.sort()).toEqual([...RUNNER_BACKENDS].sort());
    expect(expand(matrix).sort()).toEqual(supported.sort());
  });

  it("shows the one line of an unsupported pair on a runner where it cannot run", () => {
    const job = workflow.jobs["setup-model-unsupported"] as Job;
    const step = job.steps.find((s) => s.uses === "./");
    const platform = HOSTED_RUNNERS[job["runs-on"]];
    expect(platform).toBeDefined();
    const backend = step?.with?.backend as RunnerBackend;
    expect(backendSupport(backend, platform as NonNullable<typeof platform>)?.reason).toBe(
      "Docker Model Runner runs on Linux runners only, not darwin/arm64",
    );
  });

  it("the support table is what the platform functions say for each hosted runner", () => {
    expect(supported.filter((pair) => pair.endsWith(" docker"))).toEqual([
      "ubuntu-24.04 docker",
      "ubuntu-24.04-arm docker",
    ]);
    for (const runner of Object.keys(HOSTED_RUNNERS)) {
      for (const backend of ["embedded", "ollama", "llama-server"]) expect(supported).toContain(`${runner} ${backend}`);
    }
    expect(backendSupport("embedded", { os: "freebsd", arch: "x64" })?.reason).toBe(
      "embedded backend: node-llama-cpp publishes no build for freebsd/x64",
    );
    expect(backendSupport("ollama", { os: "linux", arch: "ia32" })?.reason).toBe(
      "Ollama publishes no build for linux/ia32",
    );
  });

  it("README's table of where each backend runs says the same", async () => {
    const readme = await readFile(join(import.meta.dirname, "..", "..", "README.md"), "utf8");
    const rows = readme.split("\n").filter((line) => /^\| `[\w.-]+` \(/.test(line));
    const header = readme.split("\n").find((line) => /^\| runner +\| embedded/.test(line)) as string;
    const backends = header
      .split("|")
      .slice(2, -1)
      .map((cell) => cell.trim());
    expect([...backends].sort()).toEqual([...RUNNER_BACKENDS].sort());
    const said = rows.flatMap((row) => {
      const [runner, ...cells] = row
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim());
      return backends.filter((_, i) => cells[i] === "yes").map((backend) => `${runner?.split("`")[1]} ${backend}`);
    });
    expect(rows).toHaveLength(Object.keys(HOSTED_RUNNERS).length);
    expect(said.sort()).toEqual([...supported].sort());
  });
});
