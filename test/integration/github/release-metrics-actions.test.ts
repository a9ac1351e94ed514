import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Digest } from "../../../src/core/digest.js";
import { parseReference, type RegistryReference } from "../../../src/core/ref.js";
import { packageModel } from "../../../src/dmr/package-model.js";
import { readAnswersFile } from "../../../src/model/answers-file.js";
import { synthesizeKnownAnswer } from "../../../src/model/known-answer.js";
import { readHistory } from "../../../src/promote/history.js";
import { openRepository, type RemoteRepository } from "../../../src/registry/index.js";
import { parseExposition, sampleValue } from "../../helpers/prometheus-text.js";
import { startPushgateway, type TestPushgateway } from "../../helpers/pushgateway.js";
import { startRegistry, type TestRegistry } from "../../helpers/registry.js";
import { actionFromLib, makeRunnerDirs, type RunnerDirs, runBundledAction } from "../../helpers/run-action.js";
import { type ServeProcess, startServe } from "../../helpers/serve-process.js";
import { opensslKeyPair } from "../../helpers/signing-keys.js";

// release-model and test-model's metrics inputs, run as the runner runs them (from lib/, `npm run build`
// first): a real registry, the embedded backend serving known-answer models, a real Pushgateway.
const root = path.resolve(import.meta.dirname, "../../..");
const EXAMPLES = path.join(root, "examples");
const github = {
  GITHUB_ACTOR: "octocat",
  GITHUB_SERVER_URL: "https://github.com",
  GITHUB_REPOSITORY: "acme/models",
  GITHUB_RUN_ID: "77",
  RUNNER_NAME: "hosted 3",
};

describe("release-model and test-model's metrics, as actions", () => {
  let registry: TestRegistry;
  let gateway: TestPushgateway;
  let serve: ServeProcess;
  let models: RemoteRepository;
  let repo: string;
  let dir: string;
  let dirs: RunnerDirs;
  let releaseAction: string;
  let testAction: string;
  const digests = {} as Record<"good" | "broken", Digest>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "release-actions-"));
    [registry, gateway, dirs] = await Promise.all([
      startRegistry({ auth: "none" }),
      startPushgateway(),
      makeRunnerDirs(),
    ]);
    repo = `${registry.host}/ai/assistant`;
    models = openRepository(parseReference(repo) as RegistryReference, { env: {} });
    for (const [name, answers] of [
      ["good", "answers.yaml"],
      ["broken", "answers-regressed.yaml"],
    ] as const) {
      const gguf = path.join(dir, `${name}.gguf`);
      await synthesizeKnownAnswer({ path: gguf, answers: await readAnswersFile(path.join(EXAMPLES, answers)), name });
      digests[name] = (await packageModel({ gguf }, models)).digest;
    }
    serve = await startServe(
      ["--model", path.join(dir, "good.gguf"), "--port", "0", "--model-id", "good", "--threads", "1"],
      path.join(dir, "ready.json"),
    );
    releaseAction = await actionFromLib(
      path.join(root, "actions", "release-model"),
      path.join(root, "lib", "github", "release-model.js"),
      path.join(dir, "release-model"),
    );
    testAction = await actionFromLib(
      path.join(root, "actions", "test-model"),
      path.join(root, "lib", "github", "test-model.js"),
      path.join(dir, "test-model"),
    );
  });
  afterAll(async () => {
    await serve?.stop();
    await registry?.stop();
    await gateway?.stop();
    if (dirs) await rm(dirs.root, { recursive: true, force: true });
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const checks = { "check-suite": path.join(EXAMPLES, "suite.yaml"), backend: "embedded", threads: "1" };

  it("releases the good digest, refuses the broken one before the switch, and switches back on a failed smoke test", async () => {
    const first = await runBundledAction(releaseAction, {
      inputs: { model: `${repo}@${digests.good}`, channel: "prod", reason: "gate passed" },
      env: github,
      dirs,
    });
    expect(first.main.exitCode, first.main.stdout).toBe(0);
    expect(first.main.outputs).toEqual({
      "live-digest": digests.good,
      "previous-digest": "",
      colour: "blue",
      "switched-back": "false",
      outcome: "released",
    });
    expect(first.main.summary).toContain(`### Released \`${digests.good}\` on \`prod\` (blue)`);
    expect(first.main.summary).toMatch(
      /\| pre-check \| skipped \| prod-blue reads back as sha256:[0-9a-f]{64}; no check asked for \|/,
    );

    const broken = await runBundledAction(releaseAction, {
      inputs: { model: `${repo}@${digests.broken}`, channel: "prod", ...checks },
      env: github,
      dirs,
    });
    expect(broken.main.exitCode).toBe(1);
    expect(broken.main.outputs).toMatchObject({
      "live-digest": digests.good,
      outcome: "pre-check-failed",
      colour: "green",
    });
    expect(broken.main.annotations.map((a) => a.message)).toEqual([
      expect.stringMatching(/^release pre-check-failed: .*suite example: 5\/6 passed, fail$/),
    ]);
    expect((await models.resolve("prod")).digest).toBe(digests.good);

    // Another digest of the good model cannot exist, so the broken one is released without checks and
    // caught by the smoke test after the switch.
    const smoke = await runBundledAction(releaseAction, {
      inputs: {
        model: `${repo}@${digests.broken}`,
        channel: "prod",
        "post-check": 'test "$CORTEX_RELEASE_DIGEST" != "$CORTEX_RELEASE_PREVIOUS_DIGEST" && exit 4',
      },
      env: github,
      dirs,
    });
    expect(smoke.main.exitCode).toBe(1);
    expect(smoke.main.outputs).toEqual({
      "live-digest": digests.good,
      "previous-digest": digests.good,
      colour: "green",
      "switched-back": "true",
      outcome: "post-check-failed",
    });
    const keys = opensslKeyPair();
    const untrusted = await runBundledAction(releaseAction, {
      inputs: { model: `${repo}@${digests.broken}`, channel: "signed", "verify-key": keys.publicPem },
      env: github,
      dirs,
    });
    await rm(keys.dir, { recursive: true, force: true });
    expect(untrusted.main.exitCode).toBe(1);
    expect(untrusted.main.annotations.map((a) => a.message)).toEqual([
      `${digests.broken} in ${repo} has no valid signature from a trusted signer: nothing is attached; nothing was promoted`,
    ]);
    await expect(models.resolve("signed-blue")).rejects.toThrow();

    const [back] = await readHistory(models, "prod");
    expect(back).toMatchObject({ action: "revert", digest: digests.good, actor: "octocat" });
    expect(back?.runUrl).toBe("https://github.com/acme/models/actions/runs/77");
    expect(back?.reason).toBe("release prod: switch back, post-switch check failed: post-check command exited 4");
  });

  it("test-model writes OpenMetrics and pushes to the Pushgateway under the runner's name", async () => {
    const run = await runBundledAction(testAction, {
      inputs: {
        suite: path.join(EXAMPLES, "suite.yaml"),
        "base-url": serve.baseUrl,
        model: "good",
        digest: digests.good,
        backend: "embedded",
        openmetrics: "results.om",
        pushgateway: gateway.url,
      },
      env: github,
      dirs,
    });
    expect(run.main.exitCode, run.main.stdout).toBe(0);
    const grouping = { model_digest: digests.good, backend: "embedded", runner: "hosted 3", scenario: "example" };
    const written = parseExposition(await readFile(path.join(dirs.workspace, "results.om"), "utf8"));
    expect(sampleValue(written, "cortex_compat_cases", { ...grouping, status: "pass" })).toBe(6);
    const pushed = parseExposition(await (await fetch(`${gateway.url}/metrics`)).text());
    expect(
      sampleValue(pushed, "cortex_compat_verdict", { ...grouping, job: "cortex-model-test", verdict: "pass" }),
    ).toBe(1);
  });
});
