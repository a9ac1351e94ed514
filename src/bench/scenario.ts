/**
 * Scenario files (YAML, schemas/scenario.schema.json): what workload the benchmark sends. Loading
 * resolves defaults and generated prompts, so the runner only ever sees complete scenarios.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { Ajv, type ValidateFunction } from "ajv";
import { parse } from "yaml";
import type { GenerationApi } from "../client/types.js";
import { UsageError } from "../core/errors.js";
import { type Random, seededRandom } from "./statistics.js";

export interface Scenario {
  readonly name: string;
  readonly api: GenerationApi;
  readonly prompts: readonly string[];
  readonly maxTokens: number;
  readonly concurrency: number;
  readonly runs: number;
  readonly warmup: number;
  readonly temperature: number;
  readonly seed: number;
  /** Ask for exactly `maxTokens` output tokens (ignore_eos, min_tokens), so both sides do the same work. */
  readonly fixedLength: boolean;
  /** Let the server reuse cached prompt prefixes; off by default, as it favours whichever side goes second. */
  readonly promptCache: boolean;
}

/**
 * The cap of repetitions per side, and warm-up runs, when neither the scenario nor the command line says
 * otherwise. Within a cap of 60, `npm run bench:gate-calibration` shows a 15% slowdown under 10% noise is
 * caught at the 5% default threshold (see docs/bench.md); the gate stops earlier when the data decide.
 */
export const defaultRuns = 60;
export const defaultWarmup = 3;

interface ScenarioFile {
  scenarios: {
    name: string;
    api?: GenerationApi;
    prompts?: string[];
    generated_prompts?: { words: number; count?: number; seed?: number };
    max_tokens: number;
    concurrency?: number;
    runs?: number;
    warmup?: number;
    temperature?: number;
    seed?: number;
    fixed_length?: boolean;
    prompt_cache?: boolean;
  }[];
}

/** The published schema is the one enforced; compiled on first use so importing the defaults costs nothing. */
let validator: ValidateFunction<ScenarioFile> | undefined;
function validate(document: unknown): document is ScenarioFile {
  if (!validator) {
    const schema = JSON.parse(readFileSync(new URL("../../schemas/scenario.schema.json", import.meta.url), "utf8"));
    validator = new Ajv({ allErrors: true }).compile<ScenarioFile>(schema);
  }
  return validator(document);
}

// Plain words that most tokenizers keep whole, so the prompt length in tokens tracks the word count.
const vocabulary =
  "the model answers a question about weather rivers cities music numbers colors animals trees stars light water stone paper garden window river morning evening bridge market island forest".split(
    " ",
  );

function pick(random: Random): string {
  return vocabulary[Math.floor(random() * vocabulary.length)] as string;
}

/** Deterministic prompts of `words` words, distinct by an index word so no server-side cache serves them. */
export function generatePrompts(words: number, count: number, seed: number): string[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, index) => {
    const body = Array.from({ length: Math.max(0, words - 1) }, () => pick(random));
    return [`prompt${index}`, ...body].join(" ");
  });
}

export const defaultScenario: Scenario = {
  name: "default",
  api: "completions",
  prompts: generatePrompts(64, 4, 1),
  maxTokens: 32,
  concurrency: 1,
  runs: defaultRuns,
  warmup: defaultWarmup,
  temperature: 0,
  seed: 42,
  fixedLength: true,
  promptCache: false,
};

export function parseScenarios(text: string, source: string): Scenario[] {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new UsageError(`${source} is not valid YAML: ${(error as Error).message.split("\n")[0]}`, {
      cause: error,
    });
  }
  if (!validate(document)) {
    const first = validator?.errors?.[0];
    throw new UsageError(
      `${source} does not match the scenario schema: ${first?.instancePath || "/"} ${first?.message}`,
    );
  }
  const names = new Set<string>();
  return document.scenarios.map((s) => {
    if (names.has(s.name)) throw new UsageError(`${source}: scenario name "${s.name}" is used twice`);
    names.add(s.name);
    const generated = s.generated_prompts;
    return {
      name: s.name,
      api: s.api ?? "completions",
      prompts: s.prompts ?? generatePrompts(generated?.words ?? 1, generated?.count ?? 4, generated?.seed ?? 1),
      maxTokens: s.max_tokens,
      concurrency: s.concurrency ?? 1,
      runs: s.runs ?? defaultRuns,
      warmup: s.warmup ?? defaultWarmup,
      temperature: s.temperature ?? 0,
      seed: s.seed ?? 42,
      fixedLength: s.fixed_length ?? true,
      promptCache: s.prompt_cache ?? false,
    };
  });
}

export async function loadScenarios(path: string): Promise<Scenario[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read scenario file ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseScenarios(text, path);
}

/** The scenarios of a gate: a file's or the built-in one, with `runs` and `warmup` overridden when given. */
export async function gateScenarios(
  file: string | undefined,
  overrides: { readonly runs?: number | undefined; readonly warmup?: number | undefined },
): Promise<Scenario[]> {
  return (file ? await loadScenarios(file) : [defaultScenario]).map((s) => ({
    ...s,
    ...(overrides.runs === undefined ? {} : { runs: overrides.runs }),
    ...(overrides.warmup === undefined ? {} : { warmup: overrides.warmup }),
  }));
}
