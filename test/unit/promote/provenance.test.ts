import { describe, expect, it } from "vitest";
import { provenanceFrom } from "../../../src/cli/provenance.js";
import { sha256Digest } from "../../../src/core/digest.js";
import { promotionSummary, revertSummary } from "../../../src/github/promotion-summary.js";
import { runContext } from "../../../src/github/run-context.js";

const A = sha256Digest("a");
const B = sha256Digest("b");
const actions = {
  GITHUB_ACTOR: "octocat",
  GITHUB_SERVER_URL: "https://ghe.example",
  GITHUB_REPOSITORY: "o/r",
  GITHUB_RUN_ID: "9",
};

describe("who moved a tag, and from which run", () => {
  it("reads the run from GitHub's variables, only when all of them are there", () => {
    expect(runContext(actions)).toEqual({ actor: "octocat", runUrl: "https://ghe.example/o/r/actions/runs/9" });
    expect(runContext({ GITHUB_ACTOR: "octocat", GITHUB_RUN_ID: "9" })).toEqual({ actor: "octocat" });
  });

  it("lets flags win over the environment, and falls back to the login name", () => {
    expect(provenanceFrom({ actor: "release-bot", reason: "why" }, actions)).toEqual({
      actor: "release-bot",
      runUrl: "https://ghe.example/o/r/actions/runs/9",
      reason: "why",
    });
    expect(provenanceFrom({}, { USER: "alice" })).toEqual({ actor: "alice" });
  });
});

describe("job summaries", () => {
  it("table every tag with where it came from and went, and say by whom from which run", () => {
    const summary = promotionSummary(
      {
        source: "reg/ai/model",
        destination: "reg/prod/model",
        digest: B,
        dryRun: false,
        results: { copied: 2, present: 0 },
        tags: [
          { tag: "stable", previous: A, digest: B, changed: true, alias: false },
          { tag: "v1", previous: A, digest: A, changed: false, alias: true, note: "v1 stays at v1.5.0" },
        ],
      },
      runContext(actions),
    );
    expect(summary).toContain(`### Promoted \`${B}\``);
    expect(summary).toContain("from `reg/ai/model` to `reg/prod/model`, with its results (2 copied, 0 already there)");
    expect(summary).toContain(`| \`stable\` | \`${A}\` | \`${B}\` | moved |`);
    expect(summary).toContain(`| \`v1\` (alias) | \`${A}\` | \`${A}\` | unchanged: v1 stays at v1.5.0 |`);
    expect(summary).toContain("Moved by **octocat** in [this run](https://ghe.example/o/r/actions/runs/9).");
    const revert = revertSummary(
      { target: "reg/ai/model", tag: "stable", previous: null, digest: A, changed: true },
      {},
    );
    expect(revert).toContain(`| \`stable\` | none | \`${A}\` | reverted |`);
    expect(revert).not.toContain("Moved");
  });
});
