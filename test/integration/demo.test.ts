import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { CLI, runCli } from "../helpers/cli.js";
import { portFree, processesMentioning, within } from "../helpers/process-group.js";
import { useTempDir } from "../helpers/temp-dir.js";

describe("cortex-model demo", () => {
  const tmp = useTempDir("cortex-demo-test-");

  it("promotes the good candidate, refuses the regressed one, reverts, and writes the reports", async () => {
    const { code, stdout, stderr } = await runCli(["demo"], {}, tmp());
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const out = join(tmp(), "cortex-demo");
    expect(stdout).toContain(`reports: ${out}`);

    const outcome = JSON.parse(await readFile(join(out, "demo.json"), "utf8"));
    const { stable, good, regressed } = outcome.digests;
    expect(new Set([stable, good, regressed]).size).toBe(3);
    expect(outcome.good).toMatchObject({ compatPassed: true, promoted: true });
    expect(outcome.regressed).toMatchObject({ compatPassed: false, refused: true });
    expect(outcome.regressed.refusal).toMatch(/compat failing/);
    expect(outcome.revert).toEqual({ from: good, to: stable });
    expect(outcome.stableAfter).toBe(stable);
    expect(outcome.history.map((e: { action: string; digest: string }) => [e.action, e.digest])).toEqual([
      ["revert", stable],
      ["promote", good],
    ]);
    expect(outcome.asExpected).toBe(true);

    // The story says the same, with digests shortened.
    const short = (digest: string) => digest.slice(0, 19);
    expect(stdout).toContain(`promote   stable: ${short(stable)} -> ${short(good)}`);
    expect(stdout).toMatch(/refuse {4}v2-rc1: .*does not meet the result policy: compat failing/);
    expect(stdout).toContain(`revert    stable: ${short(good)} -> ${short(stable)}`);
    expect(await readFile(join(out, "story.txt"), "utf8")).toContain("refuse    v2-rc1");

    for (const role of ["good", "regressed"]) {
      const compat = JSON.parse(await readFile(join(out, role, "compat.json"), "utf8"));
      expect(compat.model.digest).toBe(outcome.digests[role]);
      expect(compat.summary.verdict).toBe(role === "good" ? "pass" : "fail");
      const junit = await readFile(join(out, role, "compat.junit.xml"), "utf8");
      expect(XMLValidator.validate(junit)).toBe(true);
      const suites = new XMLParser({ ignoreAttributes: false }).parse(junit).testsuites;
      expect(Number(suites["@_failures"])).toBe(role === "good" ? 0 : 1);
      expect(await readFile(join(out, role, "compat.md"), "utf8")).toContain("capital-france");
      const bench = JSON.parse(await readFile(join(out, role, "bench.json"), "utf8"));
      expect(bench.candidate.digest).toBe(outcome.digests[role]);
      expect(bench.baseline.digest).toBe(stable);
      expect(await readFile(join(out, role, "bench.md"), "utf8")).toContain("```mermaid");
    }
  });

  it("a SIGKILL of the demo ends the model server it started, and frees its port", async () => {
    // TMPDIR: the demo's scratch directory, which its servers' command lines name, under this test's directory.
    const demo = spawn(process.execPath, [CLI, "demo"], {
      cwd: tmp(),
      env: { ...process.env, TMPDIR: tmp() },
      stdio: ["ignore", "pipe", "ignore"],
    });
    let stdout = "";
    demo.stdout.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
    });
    const exited = new Promise<void>((resolve) => demo.once("exit", () => resolve()));
    const serving = await within(60_000, async () => /^serve .* at http:\/\/127\.0\.0\.1:(\d+)\/v1 /m.test(stdout));
    expect(serving, stdout).toBeDefined();
    const port = Number(/^serve .* at http:\/\/127\.0\.0\.1:(\d+)\/v1 /m.exec(stdout)?.[1]);
    expect(await processesMentioning(tmp())).not.toEqual([]);
    demo.kill("SIGKILL");
    await exited;
    expect(await within(8_000, async () => (await processesMentioning(tmp())).length === 0)).toBeDefined();
    expect(await portFree(port)).toBe(true);
  });
});
