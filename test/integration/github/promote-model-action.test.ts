import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReference, type RegistryReference } from "../../../src/core/ref.js";
import { readHistory } from "../../../src/promote/history.js";
import { openRepository, type RemoteRepository } from "../../../src/registry/index.js";
import { pushTestModel } from "../../helpers/model-fixture.js";
import { startRegistry, type TestRegistry } from "../../helpers/registry.js";
import { runBundledAction } from "../../helpers/run-action.js";

const actions = path.resolve(import.meta.dirname, "../../../actions");
const github = {
  GITHUB_ACTOR: "octocat",
  GITHUB_SERVER_URL: "https://github.com",
  GITHUB_REPOSITORY: "acme/models",
  GITHUB_RUN_ID: "4242",
};
const RUN_URL = "https://github.com/acme/models/actions/runs/4242";

describe("the bundled promote-model and revert-model actions, run as the runner runs them", () => {
  let registry: TestRegistry;
  let models: RemoteRepository;
  let repo: string;
  let credentials: Record<string, string>;

  beforeAll(async () => {
    registry = await startRegistry({ auth: "token" });
    repo = `${registry.host}/ai/model`;
    credentials = { "registry-username": registry.username ?? "", "registry-password": registry.password ?? "" };
    models = openRepository(parseReference(repo) as RegistryReference, {
      credentials: { username: registry.username ?? "", password: registry.password ?? "" },
      env: {},
    });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it("promotes with aliases, reports outputs and a summary, records who and which run, then reverts", async () => {
    const a = (await pushTestModel(models, "action-a")).descriptor.digest;
    const b = (await pushTestModel(models, "action-b")).descriptor.digest;
    const first = await runBundledAction(path.join(actions, "promote-model"), {
      inputs: {
        model: `${repo}@${a}`,
        tags: "stable, v1.0.0",
        "semver-aliases": "true",
        reason: "gate passed",
        ...credentials,
      },
      env: github,
    });
    expect(first.main.stderr).toBe("");
    expect(first.main.exitCode).toBe(0);
    expect(first.main.outputs).toEqual({ "previous-digest": "", digest: a, tags: "stable,v1.0.0,v1.0,v1" });
    expect(first.main.summary).toContain(`| \`v1\` (alias) | none | \`${a}\` | moved |`);
    expect(first.main.summary).toContain(`Moved by **octocat** in [this run](${RUN_URL}).`);
    expect(first.main.masks).toContain(registry.password);
    expect(first.main.stdout.replaceAll(`::add-mask::${registry.password}`, "")).not.toContain(registry.password);

    const second = await runBundledAction(path.join(actions, "promote-model"), {
      inputs: { model: `${repo}@${b}`, tags: "stable", ...credentials },
      env: github,
    });
    expect(second.main.outputs).toEqual({ "previous-digest": a, digest: b, tags: "stable" });
    expect(second.main.summary).toContain(`| \`stable\` | \`${a}\` | \`${b}\` | moved |`);

    const back = await runBundledAction(path.join(actions, "revert-model"), {
      inputs: { model: `${repo}:stable`, reason: "regression", ...credentials },
      env: github,
    });
    expect(back.main.exitCode).toBe(0);
    expect(back.main.outputs).toEqual({ "previous-digest": b, digest: a, tags: "stable" });
    expect(back.main.summary).toContain(`| \`stable\` | \`${b}\` | \`${a}\` | reverted |`);
    const history = await readHistory(models, "stable");
    expect(history.map((e) => [e.action, e.digest, e.actor, e.runUrl])).toEqual([
      ["revert", a, "octocat", RUN_URL],
      ["promote", b, "octocat", RUN_URL],
      ["promote", a, "octocat", RUN_URL],
    ]);
    expect(history[2]?.reason).toBe("gate passed");
  });

  it("fails the step with one clear line for a tag-only model and for a digest outside the history", async () => {
    const refused = await runBundledAction(path.join(actions, "promote-model"), {
      inputs: { model: `${repo}:stable`, tags: "prod", ...credentials },
      env: github,
    });
    expect(refused.main.exitCode).toBe(1);
    expect(refused.main.annotations.map((a) => a.message)).toEqual([
      expect.stringMatching(/names a tag, not a digest: promotion takes the exact digest that was tested/),
    ]);
    const outside = await runBundledAction(path.join(actions, "revert-model"), {
      inputs: { model: `${repo}:stable`, to: `sha256:${"0".repeat(64)}`, ...credentials },
      env: github,
    });
    expect(outside.main.exitCode).toBe(1);
    expect(outside.main.annotations[0]?.message).toMatch(/is not in the history of .*:stable/);
    expect(outside.main.outputs).toEqual({});
  });
});
