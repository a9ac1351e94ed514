import { readFile, writeFile } from "node:fs/promises";
import type { GenerationOptions } from "../client/types.js";
import { UsageError } from "../core/errors.js";
import type { CaseResult, ModelInfo } from "./results.js";
import type { Suite } from "./suite.js";

/** Golden outputs written by `--record`: what each case answered, on which digest, asked how. */
export interface BaselineFile {
  readonly schemaVersion: 1;
  readonly kind: "compat-baseline";
  readonly recordedAt: string;
  readonly suite: string;
  readonly model: ModelInfo;
  readonly baseUrl: string;
  readonly cases: Readonly<
    Record<string, { readonly api: string; readonly output: string; readonly options: GenerationOptions }>
  >;
}

/** Records the passing and failing cases alike (the answer is the golden output); errored cases have none. */
export function baselineFrom(
  suite: Suite,
  results: readonly CaseResult[],
  model: ModelInfo,
  baseUrl: string,
  recordedAt: Date,
): BaselineFile {
  const cases: Record<string, BaselineFile["cases"][string]> = {};
  for (const result of results) {
    const suiteCase = suite.cases.find((c) => c.id === result.id);
    if (result.status === "error" || !suiteCase) continue;
    cases[result.id] = { api: result.api, output: result.output, options: suiteCase.options };
  }
  return {
    schemaVersion: 1,
    kind: "compat-baseline",
    recordedAt: recordedAt.toISOString(),
    suite: suite.name,
    model,
    baseUrl,
    cases,
  };
}

export async function writeBaseline(path: string, baseline: BaselineFile): Promise<void> {
  await writeFile(path, `${JSON.stringify(baseline, null, 2)}\n`);
}

/** Reads golden outputs by case id; a file that is not a baseline is refused rather than half-used. */
export async function readBaseline(path: string): Promise<Map<string, string>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new UsageError(`cannot read baseline ${path}`, { cause: error });
  }
  const cases = (parsed as Partial<BaselineFile> | null)?.cases;
  if ((parsed as Partial<BaselineFile> | null)?.kind !== "compat-baseline" || !cases || typeof cases !== "object") {
    throw new UsageError(`${path} is not a baseline written by cortex-model test --record`);
  }
  const outputs = new Map<string, string>();
  for (const [id, entry] of Object.entries(cases)) {
    if (typeof entry?.output !== "string") throw new UsageError(`${path}: case "${id}" has no output text`);
    outputs.set(id, entry.output);
  }
  return outputs;
}
