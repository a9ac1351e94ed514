import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReference, type RegistryReference } from "../../../src/core/ref.js";
import { readHistory } from "../../../src/promote/history.js";
import type { MoveEntry } from "../../../src/promote/history-entry.js";
import { openRepository, type RemoteRepository } from "../../../src/registry/index.js";
import { startBarrierProxy } from "../../helpers/barrier-proxy.js";
import { runCliInProcess as cli, runCli } from "../../helpers/cli.js";
import { pushTestModel } from "../../helpers/model-fixture.js";
import { startRegistry, type TestRegistry } from "../../helpers/registry.js";

describe("cortex-model promote, history and revert", () => {
  let registry: TestRegistry;
  let models: RemoteRepository;
  let repo: string;

  beforeAll(async () => {
    registry = await startRegistry({ auth: "none" });
    repo = `${registry.host}/ai/model`;
    models = openRepository(parseReference(repo) as RegistryReference, { env: {} });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it("promotes, lists history newest first, and reverts, as text and JSON", async () => {
    const a = (await pushTestModel(models, "cli-a")).descriptor.digest;
    const b = (await pushTestModel(models, "cli-b")).descriptor.digest;
    const env = {
      GITHUB_ACTOR: "octocat",
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_REPOSITORY: "o/r",
      GITHUB_RUN_ID: "42",
    };

    const first = await cli(["promote", `${repo}@${a}`, "--to", "stable", "--reason", "first"], env);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout).toBe(`promoted ${a} (${repo})\n  stable  none -> ${a}\n`);

    const second = await cli(["promote", `${repo}@${b}`, "--to", "stable", "--json"], env);
    expect(JSON.parse(second.stdout)).toMatchObject({
      digest: b,
      dryRun: false,
      tags: [{ tag: "stable", previous: a, digest: b, changed: true, alias: false }],
    });

    const history = JSON.parse((await cli(["history", `${repo}:stable`, "--json"])).stdout);
    expect(history).toMatchObject({ tag: "stable", current: b });
    expect(history.entries.map((e: { digest: string; current: boolean }) => [e.digest, e.current])).toEqual([
      [b, true],
      [a, false],
    ]);
    expect(history.entries[1]).toMatchObject({
      actor: "octocat",
      runUrl: "https://github.com/o/r/actions/runs/42",
      reason: "first",
    });

    const reverted = await cli(["revert", `${repo}:stable`, "--json"], { USER: "alice" });
    expect(JSON.parse(reverted.stdout)).toMatchObject({ previous: b, digest: a, changed: true });
    const text = await cli(["history", `${repo}:stable`]);
    expect(text.stdout.split("\n")[0]).toBe(`${repo}:stable -> ${a}`);
    expect(text.stdout).toMatch(new RegExp(`^\\* \\S+  revert   ${a}  by alice$`, "m"));
  });

  it("dry-runs without changing anything", async () => {
    const c = (await pushTestModel(models, "cli-c")).descriptor.digest;
    const before = (await models.tags()).sort();
    const dry = await cli(["promote", `${repo}@${c}`, "--to", "v3.1.0", "--semver-aliases", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(
      `would promote ${c} (${repo})\n  v3.1.0  none -> ${c}\n  v3.1    none -> ${c}\n  v3      none -> ${c}\n`,
    );
    expect((await models.tags()).sort()).toEqual(before);
  });

  it("refuses bad input with exit 2 and refused promotions with exit 1, one line on stderr", async () => {
    const a = (await pushTestModel(models, "cli-a")).descriptor.digest;
    const tagOnly = await cli(["promote", `${repo}:stable`, "--to", "prod"]);
    expect(tagOnly.code).toBe(2);
    expect(tagOnly.stderr).toMatch(
      /^cortex-model promote: .* names a tag, not a digest: promotion takes the exact digest/,
    );
    expect((await cli(["promote", `${repo}@${a}`, "--to", ".bad"])).code).toBe(2);
    expect((await cli(["promote", `${repo}@${a}`, "--to", "x", "--require", "perf"])).stderr).toMatch(
      /unknown result kind "perf"/,
    );
    expect((await cli(["revert", `${repo}:stable`, "--to", "previous", "--steps", "2"])).code).toBe(2);

    const refused = await cli(["promote", `${repo}@${a}`, "--to", "prod", "--require", "compat"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `cortex-model promote: ${a} does not meet the result policy: no compat result; nothing was promoted\n`,
    );
    const noHistory = await cli(["revert", `${repo}:never`]);
    expect(noHistory).toMatchObject({ code: 1, stdout: "" });
    expect(noHistory.stderr).toMatch(/has no history: it was never promoted with cortex-model/);
    await expect(models.resolve("prod")).rejects.toThrow(/not found/);
  });

  it("publishes results that promote --require then accepts, and refuses a document that says nothing", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "cortex-results-"));
    try {
      const d = (await pushTestModel(models, "cli-results")).descriptor.digest;
      await writeFile(path.join(dir, "compat.json"), JSON.stringify({ summary: { verdict: "pass", passed: 3 } }));
      await writeFile(path.join(dir, "bench.json"), JSON.stringify({ verdict: "regression" }));
      await writeFile(path.join(dir, "other.json"), JSON.stringify({ hello: 1 }));
      const publish = (...args: string[]) => cli(["publish-result", `${repo}@${d}`, ...args], {}, dir);
      expect((await publish("--kind", "compat", "--file", "compat.json")).stdout).toMatch(
        new RegExp(`^attached compat result \\(passed\\) sha256:[0-9a-f]{64} to ${d}\n$`),
      );
      expect(JSON.parse((await publish("--kind", "bench", "--file", "bench.json", "--json")).stdout)).toMatchObject({
        kind: "bench",
        passed: false,
      });
      const unclear = await publish("--kind", "bench", "--file", "other.json");
      expect(unclear).toMatchObject({ code: 2 });
      expect(unclear.stderr).toMatch(/does not say whether the bench run passed: give --passed or --failed/);

      const both = await cli(["promote", `${repo}@${d}`, "--to", "gated", "--require", "compat,bench"]);
      expect(both.code).toBe(1);
      expect(both.stderr).toMatch(/bench failing \(1 result, none passed\)/);
      // Forcing the regression to a pass is possible, but the record and the message say so.
      const forced = await publish("--kind", "bench", "--file", "bench.json", "--passed");
      expect(forced.stdout).toMatch(/^attached bench result \(passed, overriding the document's verdict regression\)/);
      const { listResults } = await import("../../../src/promote/results.js");
      const records = await listResults(models, (await models.fetchManifest(d)).descriptor);
      expect(
        records
          .filter((r) => r.kind === "bench")
          .map((r) => [r.verdict, r.override ?? "none"])
          .sort(),
      ).toEqual([
        ["regression", "none"],
        ["regression", "passed"],
      ]);
      await writeFile(path.join(dir, "unsure.json"), JSON.stringify({ verdict: "inconclusive" }));
      const d2 = (await pushTestModel(models, "cli-results-2")).descriptor.digest;
      await cli(["publish-result", `${repo}@${d2}`, "--kind", "bench", "--file", "unsure.json"], {}, dir);
      const noRegression = await cli(["promote", `${repo}@${d2}`, "--to", "unsure", "--require", "bench"]);
      expect(noRegression.code).toBe(0);
      const shownPass = await cli(["promote", `${repo}@${d2}`, "--to", "unsure2", "--require", "bench:pass"]);
      expect(shownPass.stderr).toMatch(/bench:pass failing \(1 result, none showed a pass\)/);

      const compatOnly = await cli(["promote", `${repo}@${d}`, "--to", "gated", "--require", "compat"]);
      expect(compatOnly).toMatchObject({ code: 0, stdout: `promoted ${d} (${repo})\n  gated  none -> ${d}\n` });

      const prod = `${registry.host}/prod/results`;
      const across = await cli(["promote", `${repo}@${d}`, "--to-repo", prod, "--to", "stable"]);
      expect(across).toMatchObject({
        code: 0,
        stdout: `promoted ${d} (${repo} -> ${prod})\n  stable  none -> ${d}\n  results copied: 3 (0 already there)\n`,
      });
      const there = await cli(["promote", `${prod}@${d}`, "--to", "released", "--require", "compat"]);
      expect(there).toMatchObject({ code: 0, stdout: `promoted ${d} (${prod})\n  released  none -> ${d}\n` });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("keeps both entries when two processes promote one tag at the same moment", async () => {
    // Both tag updates are held until both processes have read the tag and written their entries: the
    // interleaving under which a single mutable history index would lose one.
    const barrier = await startBarrierProxy(registry.host, { method: "PUT", path: /\/manifests\/race$/, parties: 2 });
    const raced = `${barrier.host}/ai/model`;
    try {
      for (let round = 0; round < 3; round++) {
        const x = (await pushTestModel(models, `race-x-${round}`, 4096)).descriptor.digest;
        const y = (await pushTestModel(models, `race-y-${round}`, 4096)).descriptor.digest;
        const before = await readHistory(models, "race");
        const results = await Promise.all(
          [x, y].map((digest) => runCli(["promote", `${raced}@${digest}`, "--to", "race", "--json"])),
        );
        for (const result of results) {
          expect(result).toMatchObject({ code: 0, stderr: "" });
          expect(JSON.parse(result.stdout).tags[0].changed).toBe(true);
        }
        expect(barrier.released()).toBe(2 * (round + 1));
        const current = (await models.resolve("race")).digest;
        expect([x, y]).toContain(current);
        const after = await readHistory(models, "race");
        expect(after).toHaveLength(before.length + 2);
        const [newest, next] = after as [MoveEntry, MoveEntry];
        expect([newest.digest, next.digest].sort()).toEqual([x, y].sort());
        expect(newest.previous).toBe(next.previous);
      }
    } finally {
      await barrier.close();
    }
  });
});
