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

/** The demo's registry (an OCI layout) and the three models published into it. */
interface DemoRegistry {
  readonly ref: LayoutReference;
  readonly layout: OciLayout;
  readonly models: Record<ModelRole, DemoModel>;
}

type GateRole = "good" | "regressed";

const required = ["compat", "bench"] as const;

export async function runDemo(options: DemoOptions): Promise<DemoOutcome> {
  await mkdir(options.outDir, { recursive: true });
  const registry = await packageModels(options);
  const paths = await pullModels(registry, options);
  const gates = await gateCandidates(registry, paths, options);
  const promoted = await promoteGood(registry, options.story);
  const refusal = await promoteRegressed(registry, options.story);
  const reverted = await revertStable(registry, options.story);
  const stableAfter = (await registry.layout.resolve("stable")).digest;
  const history = await readHistory(registry.layout, "stable");
  tellHistory(history, currentPosition(history, stableAfter), options.story);

  const digests = {
    stable: registry.models.stable.descriptor.digest,
    good: registry.models.good.descriptor.digest,
    regressed: registry.models.regressed.descriptor.digest,
  };
  const facts: DemoFacts = {
    registry: `oci:${registry.ref.path}`,
    digests,
    good: {
      compatPassed: gates.good.compatPassed,
      benchVerdict: gates.good.bench.verdict,
      benchPassed: gates.good.benchPassed,
      promoted: promoted?.changed === true && promoted.digest === digests.good,
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
  await writeFile(join(options.outDir, "history.json"), `${JSON.stringify(history, null, 2)}\n`);
  await writeFile(join(options.outDir, "demo.json"), `${JSON.stringify(final, null, 2)}\n`);
  await writeFile(join(options.outDir, "story.txt"), `${options.story.lines.join("\n")}\n`);
  return final;
}

/** Three synthetic known-answer models, packaged and pushed into a fresh OCI layout. */
async function packageModels(options: DemoOptions): Promise<DemoRegistry> {
  const ref: LayoutReference = { kind: "layout", path: join(options.workDir, "registry") };
  const layout = await OciLayout.open(ref.path, { create: true });
  const models = await publishDemoModels(examplesDir, options.workDir, layout, new Date(0));
  options.story.step("package", `3 synthetic known-answer models into the demo registry oci:${ref.path}`);
  for (const m of Object.values(models)) options.story.step("", `${m.tag.padEnd(7)} ${m.descriptor.digest}`);
  return { ref, layout, models };
}

/** Each model pulled by digest into a local store; the GGUF path of each. */
async function pullModels(registry: DemoRegistry, options: DemoOptions): Promise<Record<ModelRole, string>> {
  const store = await ModelStore.open({ dir: join(options.workDir, "store") });
  const paths = {} as Record<ModelRole, string>;
  for (const m of Object.values(registry.models)) {
    const pulled = await pull(registry.layout, { ...registry.ref, digest: m.descriptor.digest }, store);
    paths[m.role] = pulled.model;
  }
  options.story.step("pull", `each model by digest into the store ${store.root}`);
  return paths;
}

/** The suite and the benchmark against the served stable model, for each candidate in turn. */
async function gateCandidates(
  registry: DemoRegistry,
  paths: Record<ModelRole, string>,
  options: DemoOptions,
): Promise<Record<GateRole, GateOutcome>> {
  const { models } = registry;
  const serve = async (m: DemoModel): Promise<ServedModel> => {
    const served = await startServeChild({
      model: paths[m.role],
      modelId: `demo-${m.tag}`,
      readyFile: join(options.workDir, `${m.tag}.ready.json`),
    });
    options.story.step("serve", `${m.tag} ${m.descriptor.digest} at ${served.baseUrl} (embedded, 1 thread)`);
    const reference = formatReference({ ...registry.ref, digest: m.descriptor.digest });
    return { served, descriptor: m.descriptor, reference };
  };
  const suite = await loadSuite(join(examplesDir, "suite.yaml"));
  const baseline = await serve(models.stable);
  const gates = {} as Record<GateRole, GateOutcome>;
  try {
    for (const role of ["good", "regressed"] as const) {
      const candidate = await serve(models[role]);
      try {
        gates[role] = await runGate({
          suite,
          candidate,
          baseline,
          registry: registry.layout,
          outDir: options.outDir,
          name: role,
        });
      } finally {
        await candidate.served.stop();
      }
      options.story.step("test", `${models[role].tag} ${gateLine(gates[role])}`);
      options.story.step(
        "publish",
        `compat and bench results attached to ${models[role].descriptor.digest} as referrers`,
      );
    }
  } finally {
    await baseline.served.stop();
  }
  return gates;
}

/** stable := the good model, which the policy lets through on its attached results. */
async function promoteGood(registry: DemoRegistry, story: Story) {
  const promoted = await promote({
    source: registry.layout,
    digest: registry.models.good.descriptor.digest,
    destination: registry.layout,
    tags: ["stable"],
    require: required,
    reason: "v2 passed the suite and the benchmark",
    ...provenance,
  });
  const move = promoted.tags[0];
  story.step("promote", `stable: ${move?.previous ?? "none"} -> ${move?.digest} (required: ${required.join(", ")})`);
  return move;
}

/** The regressed model's promotion, which the policy must refuse; the refusal's message. */
async function promoteRegressed(registry: DemoRegistry, story: Story): Promise<string | undefined> {
  let refusal: string | undefined;
  try {
    await promote({
      source: registry.layout,
      digest: registry.models.regressed.descriptor.digest,
      destination: registry.layout,
      tags: ["stable"],
      require: required,
      ...provenance,
    });
  } catch (error) {
    if (!(error instanceof PromotionRefusedError)) throw error;
    refusal = error.message;
  }
  story.step("refuse", refusal ? `v2-rc1: ${refusal}` : "v2-rc1 was promoted: the policy did not stop it");
  return refusal;
}

async function revertStable(registry: DemoRegistry, story: Story) {
  const reverted = await revert({
    target: registry.layout,
    tag: "stable",
    to: { steps: 1 },
    reason: "demo: roll back to show revert",
    ...provenance,
  });
  story.step("revert", `stable: ${reverted.previous} -> ${reverted.digest}`);
  return reverted;
}

function tellHistory(history: readonly MoveEntry[], position: number, story: Story): void {
  story.step("history", `stable, newest first (* = current):`);
  history.forEach((entry, i) => {
    story.step(
      "",
      `${i === position ? "*" : " "} ${entry.action.padEnd(7)} ${shortDigest(entry.digest)}  from ${entry.previous ? shortDigest(entry.previous) : "none"}`,
    );
  });
}
