import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadSuite } from "../compat/suite-load.js";
import type { Digest } from "../core/digest.js";
import { formatReference, type LayoutReference } from "../core/ref.js";
import { PromotionRefusedError } from "../promote/errors.js";
import { currentPosition, readHistory } from "../promote/history.js";
import type { MoveEntry } from "../promote/history-entry.js";
import { promote } from "../promote/promote.js";
import { revert } from "../promote/revert.js";
import { pull } from "../pull/pull.js";
import { ModelStore } from "../store/model-store.js";
import { OciLayout } from "../store/oci-layout.js";
import { type GateOutcome, runGate, type ServedModel } from "./gate.js";
import { type DemoModel, type ModelRole, publishDemoModels } from "./models.js";
import { startServeChild } from "./serve-child.js";
import { type Story, shortDigest } from "./story.js";

const examplesDir = fileURLToPath(new URL("../../examples/", import.meta.url));
const provenance = { actor: "cortex-demo" } as const;

export interface DemoOptions {
  /** Where the reports go. */
  readonly outDir: string;
  /** Scratch space: the demo's registry (an OCI layout), its store and the GGUF files. */
  readonly workDir: string;
  readonly story: Story;
}

/** The key facts of the run, also written to demo.json so tests and people can check them. */
export interface DemoFacts {
  readonly registry: string;
  readonly digests: Record<ModelRole, Digest>;
  readonly good: {
    readonly compatPassed: boolean;
    readonly benchVerdict: string;
    readonly benchPassed: boolean;
    readonly promoted: boolean;
  };
  readonly regressed: {
    readonly compatPassed: boolean;
    readonly benchVerdict: string;
    readonly refused: boolean;
    readonly refusal?: string;
  };
  readonly revert: { readonly from: Digest | null; readonly to: Digest };
  readonly stableAfter: Digest;
  readonly history: readonly MoveEntry[];
  readonly files: readonly string[];
}

export interface DemoOutcome extends DemoFacts {
  /** True when every step went the way the story says it should. */
  readonly asExpected: boolean;
}

/** v2 passed and was promoted, v2-rc1 failed the suite and was refused, and the revert put v1 back. */
export function storyHeld(facts: DemoFacts): boolean {
  const { good, regressed, digests } = facts;
  return (
    good.compatPassed &&
    good.benchPassed &&
    good.promoted &&
    !regressed.compatPassed &&
    regressed.refused &&
    facts.revert.from === digests.good &&
    facts.revert.to === digests.stable &&
    facts.stableAfter === digests.stable
  );
}

function gateLine(outcome: GateOutcome): string {
  const { summary } = outcome.compat;
  const failed = outcome.compat.cases.filter((c) => c.status !== "pass").map((c) => c.id);
  return `suite ${summary.passed}/${summary.total} passed${failed.length ? ` (failed: ${failed.join(", ")})` : ""}; bench vs stable: ${outcome.bench.verdict}${outcome.bench.verdict === "inconclusive" ? " (no regression shown)" : ""}`;
}

export async function runDemo(options: DemoOptions): Promise<DemoOutcome> {
  const { story, outDir } = options;
  await mkdir(outDir, { recursive: true });
  const registryRef: LayoutReference = { kind: "layout", path: join(options.workDir, "registry") };
  const registry = await OciLayout.open(registryRef.path, { create: true });
  const models = await publishDemoModels(examplesDir, options.workDir, registry, new Date(0));
  story.step("package", `3 synthetic known-answer models into the demo registry oci:${registryRef.path}`);
  for (const m of Object.values(models)) story.step("", `${m.tag.padEnd(7)} ${m.descriptor.digest}`);

  const store = await ModelStore.open({ dir: join(options.workDir, "store") });
  const pinned = (m: DemoModel) => formatReference({ ...registryRef, digest: m.descriptor.digest });
  const paths = {} as Record<ModelRole, string>;
  for (const m of Object.values(models)) {
    const pulled = await pull(registry, { ...registryRef, digest: m.descriptor.digest }, store);
    paths[m.role] = pulled.model;
  }
  story.step("pull", `each model by digest into the store ${store.root}`);

  const serve = async (m: DemoModel): Promise<ServedModel> => {
    const served = await startServeChild({
      model: paths[m.role],
      modelId: `demo-${m.tag}`,
      readyFile: join(options.workDir, `${m.tag}.ready.json`),
    });
    story.step("serve", `${m.tag} ${m.descriptor.digest} at ${served.baseUrl} (embedded, 1 thread)`);
    return { served, descriptor: m.descriptor, reference: pinned(m) };
  };

  const suite = await loadSuite(join(examplesDir, "suite.yaml"));
  const baseline = await serve(models.stable);
  const gates = {} as Record<"good" | "regressed", GateOutcome>;
  try {
    for (const role of ["good", "regressed"] as const) {
      const candidate = await serve(models[role]);
      try {
        gates[role] = await runGate({ suite, candidate, baseline, registry, outDir, name: role });
      } finally {
        await candidate.served.stop();
      }
      story.step("test", `${models[role].tag} ${gateLine(gates[role])}`);
      story.step("publish", `compat and bench results attached to ${models[role].descriptor.digest} as referrers`);
    }
  } finally {
    await baseline.served.stop();
  }

  const require = ["compat", "bench"] as const;
  const promoted = await promote({
    source: registry,
    digest: models.good.descriptor.digest,
    destination: registry,
    tags: ["stable"],
    require,
    reason: "v2 passed the suite and the benchmark",
    ...provenance,
  });
  const move = promoted.tags[0];
  story.step("promote", `stable: ${move?.previous ?? "none"} -> ${move?.digest} (required: ${require.join(", ")})`);

  let refusal: string | undefined;
  try {
    await promote({
      source: registry,
      digest: models.regressed.descriptor.digest,
      destination: registry,
      tags: ["stable"],
      require,
      ...provenance,
    });
  } catch (error) {
    if (!(error instanceof PromotionRefusedError)) throw error;
    refusal = error.message;
  }
  story.step("refuse", refusal ? `v2-rc1: ${refusal}` : "v2-rc1 was promoted: the policy did not stop it");

  const reverted = await revert({
    target: registry,
    tag: "stable",
    to: { steps: 1 },
    reason: "demo: roll back to show revert",
    ...provenance,
  });
  story.step("revert", `stable: ${reverted.previous} -> ${reverted.digest}`);

  const stableAfter = (await registry.resolve("stable")).digest;
  const history = await readHistory(registry, "stable");
  const position = currentPosition(history, stableAfter);
  story.step("history", `stable, newest first (* = current):`);
  history.forEach((entry, i) => {
    story.step(
      "",
      `${i === position ? "*" : " "} ${entry.action.padEnd(7)} ${shortDigest(entry.digest)}  from ${entry.previous ? shortDigest(entry.previous) : "none"}`,
    );
  });

  const digests = {
    stable: models.stable.descriptor.digest,
    good: models.good.descriptor.digest,
    regressed: models.regressed.descriptor.digest,
  };
  const facts: DemoFacts = {
    registry: `oci:${registryRef.path}`,
    digests,
    good: {
      compatPassed: gates.good.compatPassed,
      benchVerdict: gates.good.bench.verdict,
      benchPassed: gates.good.benchPassed,
      promoted: move?.changed === true && move.digest === digests.good,
    },
    regressed: {
      compatPassed: gates.regressed.compatPassed,
      benchVerdict: gates.regressed.bench.verdict,
      refused: refusal !== undefined,
      ...(refusal ? { refusal } : {}),
    },
    revert: { from: reverted.previous, to: reverted.digest },
    stableAfter,
    history,
    files: [...gates.good.files, ...gates.regressed.files, "history.json", "story.txt", "demo.json"],
  };
  const final: DemoOutcome = { ...facts, asExpected: storyHeld(facts) };
  await writeFile(join(outDir, "history.json"), `${JSON.stringify(history, null, 2)}\n`);
  await writeFile(join(outDir, "demo.json"), `${JSON.stringify(final, null, 2)}\n`);
  await writeFile(join(outDir, "story.txt"), `${story.lines.join("\n")}\n`);
  return final;
}
