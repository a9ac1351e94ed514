import { join } from "node:path";
import type { Descriptor, Target } from "../core/target.js";
import { packageModel } from "../dmr/package-model.js";
import { readAnswersFile } from "../model/answers-file.js";
import { synthesizeKnownAnswer } from "../model/known-answer.js";

/** The three models of the story: what production runs now, and two candidates to replace it. */
export type ModelRole = "stable" | "good" | "regressed";

export interface DemoModel {
  readonly role: ModelRole;
  /** The tag it is pushed under in the demo's registry. */
  readonly tag: string;
  readonly descriptor: Descriptor;
}

interface Recipe {
  readonly role: ModelRole;
  readonly tag: string;
  readonly answers: string;
  readonly name: string;
}

/**
 * Production (`stable`) runs v1; v2 is the good candidate, the same answers from a newer build (another
 * name, so another digest); v2-rc1 is the regressed one, which answers one prompt wrong.
 */
const recipes: readonly Recipe[] = [
  { role: "stable", tag: "stable", answers: "answers.yaml", name: "cortex-demo-v1" },
  { role: "good", tag: "v2", answers: "answers.yaml", name: "cortex-demo-v2" },
  { role: "regressed", tag: "v2-rc1", answers: "answers-regressed.yaml", name: "cortex-demo-v2-rc1" },
];

/** Writes each known-answer GGUF under `workDir` and packages it into `registry` under its tag. */
export async function publishDemoModels(
  examplesDir: string,
  workDir: string,
  registry: Target,
  created: Date,
): Promise<Record<ModelRole, DemoModel>> {
  const models = {} as Record<ModelRole, DemoModel>;
  for (const recipe of recipes) {
    const gguf = join(workDir, `${recipe.name}.gguf`);
    const answers = await readAnswersFile(join(examplesDir, recipe.answers));
    await synthesizeKnownAnswer({ path: gguf, answers, name: recipe.name });
    const descriptor = await packageModel({ gguf, created }, registry, recipe.tag);
    models[recipe.role] = { role: recipe.role, tag: recipe.tag, descriptor };
  }
  return models;
}
