import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Digest } from "../../../src/core/digest.js";
import { parseReference, type RegistryReference } from "../../../src/core/ref.js";
import { packageModel } from "../../../src/dmr/package-model.js";
import { readAnswersFile } from "../../../src/model/answers-file.js";
import { synthesizeKnownAnswer } from "../../../src/model/known-answer.js";
import { readHistory } from "../../../src/promote/history.js";
import { openRepository, type RemoteRepository } from "../../../src/registry/index.js";
import { runCli as cli } from "../../helpers/cli.js";
import { startRegistry, type TestRegistry } from "../../helpers/registry.js";
import { opensslKeyPair } from "../../helpers/signing-keys.js";

// `cortex-model release` (built in lib/) on a real registry, with the embedded backend serving known-answer models pulled
// back by tag: a good candidate goes live, a broken one never reaches live, and a failed post-switch check
// puts the previous digest back by itself.
const EXAMPLES = path.resolve(import.meta.dirname, "../../../examples");
const SUITE = path.join(EXAMPLES, "suite.yaml");

describe("cortex-model release", () => {
  let registry: TestRegistry;
  let repo: string;
  let models: RemoteRepository;
  let dir: string;
  let health: Server;
  let healthUrl: string;
  const digests: Record<"v1" | "v2" | "broken", Digest> = {} as never;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    registry = await startRegistry({ auth: "none" });
    repo = `${registry.host}/ai/assistant`;
    models = openRepository(parseReference(repo) as RegistryReference, { env: {} });
    dir = await mkdtemp(path.join(os.tmpdir(), "cortex-release-"));
    const recipes = [
      ["v1", "answers.yaml"],
      ["v2", "answers.yaml"],
      ["broken", "answers-regressed.yaml"],
    ] as const;
    for (const [name, answers] of recipes) {
      const gguf = path.join(dir, `${name}.gguf`);
      await synthesizeKnownAnswer({
        path: gguf,
        answers: await readAnswersFile(path.join(EXAMPLES, answers)),
        name: `release-${name}`,
      });
      digests[name] = (await packageModel({ gguf }, models)).digest;
    }
    health = createServer((request, response) => {
      response.statusCode = request.url === "/healthy" ? 200 : 503;
      response.end();
    });
    await new Promise<void>((resolve) => health.listen(0, "127.0.0.1", resolve));
    healthUrl = `http://127.0.0.1:${(health.address() as AddressInfo).port}`;
    env = {
      PATH: process.env.PATH,
      HOME: dir,
      CORTEX_MODEL_STORE: path.join(dir, "store"),
      CORTEX_MODEL_TOOLS: path.join(dir, "tools"),
      USER: "releaser",
    };
  });
  afterAll(async () => {
    await registry?.stop();
    await new Promise((resolve) => health?.close(resolve));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const serving = ["--backend", "embedded", "--threads", "1", "--check-suite", SUITE];
  const tag = async (name: string) => (await models.resolve(name)).digest;

  it("releases a good digest, keeps a broken one off live, and switches back when the live check fails", async () => {
    const first = await cli(["release", `${repo}@${digests.v1}`, "--channel", "prod", ...serving, "--json"], env);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      outcome: "released",
      colour: "blue",
      previous: null,
      live: digests.v1,
      switchedBack: false,
    });
    expect(await tag("prod")).toBe(digests.v1);
    expect(await tag("prod-blue")).toBe(digests.v1);

    const broken = await cli(["release", `${repo}@${digests.broken}`, "--channel", "prod", ...serving], env);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/pre-check\s+failed\s+.*suite example: 5\/6 passed, fail/);
    expect(broken.stdout).toContain(
      `not released: the pre-switch check of green failed; ${repo}:prod stays at ${digests.v1}`,
    );
    expect(await tag("prod")).toBe(digests.v1);
    expect(await tag("prod-green")).toBe(digests.broken);

    const seen = path.join(dir, "post-check.env");
    const failing = `echo "$CORTEX_RELEASE_LIVE_REF $CORTEX_RELEASE_DIGEST $CORTEX_RELEASE_PREVIOUS_DIGEST $CORTEX_RELEASE_COLOUR" > ${seen}; echo smoke test: wrong answer; exit 3`;
    const back = await cli(
      ["release", `${repo}@${digests.v2}`, "--channel", "prod", "--post-check", failing, "--reason", "r2"],
      env,
    );
    expect(back.code, back.stderr).toBe(1);
    expect(back.stdout).toContain(
      `switched back: the post-switch check failed; ${repo}:prod is at ${digests.v1} again`,
    );
    expect(await readFile(seen, "utf8")).toBe(`${repo}:prod ${digests.v2} ${digests.v1} green\n`);
    expect(await tag("prod")).toBe(digests.v1);
    expect(await tag("prod-green")).toBe(digests.v2);
    const history = await readHistory(models, "prod");
    expect(history.map((e) => [e.action, e.digest])).toEqual([
      ["revert", digests.v1],
      ["promote", digests.v2],
      ["promote", digests.v1],
    ]);
    expect(history[0]?.reason).toBe(
      "release prod: switch back, post-switch check failed: post-check command exited 3: smoke test: wrong answer: r2",
    );
    expect(history[1]).toMatchObject({ reason: "release prod: switch to green: r2", actor: "releaser" });

    const good = await cli(
      ["release", `${repo}@${digests.v2}`, "--channel", "prod", "--post-check", `${healthUrl}/healthy`],
      env,
    );
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toContain(`released ${digests.v2} on ${repo}:prod (green): ${digests.v1} -> ${digests.v2}`);
    expect(await tag("prod")).toBe(digests.v2);
  });

  it("benchmarks the idle colour against the live digest, both served, before the switch", async () => {
    const channel = "bench";
    expect((await cli(["release", `${repo}@${digests.v1}`, "--channel", channel], env)).code).toBe(0);
    const scenario = path.join(dir, "scenario.yaml");
    await writeFile(
      scenario,
      'scenarios:\n  - name: known\n    prompts: ["Which gas do green plants absorb", "Reply with a greeting object as JSON"]\n    max_tokens: 8\n    warmup: 0\n',
    );
    const run = await cli(
      [
        "release",
        `${repo}@${digests.v2}`,
        "--channel",
        channel,
        "--backend",
        "embedded",
        "--threads",
        "1",
        "--check-bench",
        "--bench-scenario",
        scenario,
        "--bench-runs",
        "3",
        "--json",
      ],
      env,
    );
    const result = JSON.parse(run.stdout);
    const pre = result.steps.find((s: { step: string }) => s.step === "pre-check");
    const verdict = /bench against the live (sha256:[0-9a-f]{64}): (\w+)$/.exec(pre.detail);
    expect(verdict?.[1], pre.detail).toBe(digests.v1);
    // Two builds of the same answers: noise decides the verdict; the release must follow it.
    const regressed = verdict?.[2] === "regression";
    expect(result.outcome).toBe(regressed ? "pre-check-failed" : "released");
    expect(run.code).toBe(regressed ? 1 : 0);
    expect(await tag(channel)).toBe(regressed ? digests.v1 : digests.v2);
  });

  it("refuses an unsigned digest under --verify-key, and signs what it releases with --sign-key", async () => {
    const keys = opensslKeyPair();
    try {
      const trusted = ["--verify-key", keys.publicPath];
      const refused = await cli(["release", `${repo}@${digests.v1}`, "--channel", "signed", ...trusted], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`${digests.v1} in ${repo} has no valid signature from a trusted signer`);
      await expect(models.resolve("signed")).rejects.toThrow();

      const signing = await cli(
        ["release", `${repo}@${digests.v1}`, "--channel", "signing", "--sign-key", keys.privatePath],
        env,
      );
      expect(signing.code, signing.stderr).toBe(0);
      const verified = await cli(["release", `${repo}@${digests.v1}`, "--channel", "signed", ...trusted], env);
      expect(verified.code, verified.stderr).toBe(0);
      expect(await tag("signed")).toBe(digests.v1);
    } finally {
      await rm(keys.dir, { recursive: true, force: true });
    }
  });

  it("dry-runs a plan, switches back on an unhealthy URL, and refuses bad usage", async () => {
    const channel = "edge";
    const first = await cli(["release", `${repo}@${digests.v1}`, "--channel", channel], env);
    expect(first.code, first.stderr).toBe(0);
    const before = (await models.tags()).sort();
    const dry = await cli(["release", `${repo}@${digests.v2}`, "--channel", channel, "--dry-run"], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`promote-idle planned  edge-green: none -> ${digests.v2}`);
    expect(dry.stdout).toContain(`would release ${digests.v2} on ${repo}:edge through green`);
    expect((await models.tags()).sort()).toEqual(before);

    const unhealthy = await cli(
      [
        "release",
        `${repo}@${digests.v2}`,
        "--channel",
        channel,
        "--post-check",
        `${healthUrl}/sick`,
        "--post-check-timeout",
        "1",
        "--json",
      ],
      env,
    );
    expect(unhealthy.code).toBe(1);
    const result = JSON.parse(unhealthy.stdout);
    expect(result).toMatchObject({ outcome: "post-check-failed", switchedBack: true, live: digests.v1 });
    expect(result.steps.find((s: { step: string }) => s.step === "post-check").detail).toMatch(
      /\/sick was not healthy within 1 s \(answered 503\)$/,
    );
    expect(await tag(channel)).toBe(digests.v1);

    const tagOnly = await cli(["release", `${repo}:latest`, "--channel", channel], env);
    expect(tagOnly.code).toBe(2);
    const noChannel = await cli(["release", `${repo}@${digests.v1}`], env);
    expect(noChannel).toMatchObject({
      code: 2,
      stderr: "cortex-model release: --channel is required\n",
    });
    const reserved = await cli(["release", `${repo}@${digests.v1}`, "--channel", "cortex-history-x"], env);
    expect(reserved.code).toBe(2);
    const openai = await cli(
      ["release", `${repo}@${digests.v1}`, "--channel", channel, "--check-suite", SUITE, "--backend", "openai"],
      env,
    );
    expect(openai).toMatchObject({
      code: 2,
      stderr: "cortex-model release: --backend cannot be openai: a release serves the digest it pulls back by tag\n",
    });
    const badRuns = await cli(["release", `${repo}@${digests.v1}`, "--channel", channel, "--bench-runs", "0"], env);
    expect(badRuns).toMatchObject({
      code: 2,
      stderr: 'cortex-model release: --bench-runs must be an integer from 1 to 10000, got "0"\n',
    });
  });
});
