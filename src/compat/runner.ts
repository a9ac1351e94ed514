import type { GenerationRequest, ModelClient } from "../client/types.js";
import { describeError } from "../core/errors.js";
import { mapLimit } from "../core/limit.js";
import { evaluate } from "./assertions/evaluate.js";
import type { Evidence, Sample } from "./assertions/evidence.js";
import type { CaseResult } from "./results.js";
import type { Suite, SuiteCase } from "./suite.js";

export interface RunOptions {
  readonly client: ModelClient;
  readonly model: string;
  /** Cases in flight at once (default 1: a local backend answers one request at a time anyway). */
  readonly concurrency?: number;
  /** Golden outputs by case id, for matches-baseline. */
  readonly baseline?: ReadonlyMap<string, string>;
  /** Called as each case finishes, for progress output. */
  readonly onCase?: (result: CaseResult) => void;
}

/** Runs every case of a suite; results come back in suite order whatever the concurrency. */
export async function runSuite(suite: Suite, options: RunOptions): Promise<CaseResult[]> {
  return mapLimit(suite.cases, options.concurrency ?? 1, async (suiteCase) => {
    const result = await runCase(suiteCase, options);
    options.onCase?.(result);
    return result;
  });
}

/** How many answers a case needs, and in which mode, to check all its assertions. */
function plan(suiteCase: SuiteCase): { samples: number; stream: boolean; otherMode: boolean } {
  let samples = suiteCase.repeats;
  let stream = false;
  let otherMode = false;
  for (const assertion of suiteCase.assertions) {
    if (assertion.kind === "deterministic") samples = Math.max(samples, assertion.n);
    // Time to first token only exists for a streamed answer.
    if (assertion.kind === "max-ttft-ms") stream = true;
    if (assertion.kind === "stream-consistent") otherMode = true;
  }
  return { samples, stream, otherMode };
}

export async function runCase(suiteCase: SuiteCase, options: RunOptions): Promise<CaseResult> {
  const started = performance.now();
  const base = {
    id: suiteCase.id,
    ...(suiteCase.description !== undefined && { description: suiteCase.description }),
    api: suiteCase.api,
    weight: suiteCase.weight,
    location: suiteCase.location,
  };
  let evidence: Evidence;
  try {
    evidence = await gather(suiteCase, options);
  } catch (error) {
    return {
      ...base,
      status: "error",
      output: "",
      error: describeError(error),
      assertions: [],
      timings: { samples: 0 },
      durationMs: performance.now() - started,
    };
  }
  const assertions = suiteCase.assertions.map((assertion) => evaluate(assertion, evidence));
  const first = evidence.samples[0];
  return {
    ...base,
    status: assertions.every((a) => a.pass) ? "pass" : "fail",
    output: first?.text ?? "",
    assertions,
    timings: {
      ...(first && { e2eMs: first.timing.e2eMs }),
      ...(first?.timing.ttftMs !== undefined && { ttftMs: first.timing.ttftMs }),
      samples: evidence.samples.length,
    },
    ...(first?.usage && { usage: first.usage }),
    durationMs: performance.now() - started,
  };
}

async function gather(suiteCase: SuiteCase, options: RunOptions): Promise<Evidence> {
  const { samples: count, stream, otherMode } = plan(suiteCase);
  const baseline = options.baseline?.get(suiteCase.id);
  const withBaseline = baseline === undefined ? {} : { baseline };
  const common = { model: options.model, timeoutMs: suiteCase.timeoutMs };
  if (suiteCase.api === "embeddings") {
    const samples: Sample[] = [];
    for (let i = 0; i < count; i++) {
      const result = await options.client.embed({ ...common, input: suiteCase.input });
      samples.push({
        text: "",
        finishReason: null,
        timing: result.timing,
        embeddings: result.embeddings,
        ...(result.usage && { usage: result.usage }),
      });
    }
    return { samples, ...withBaseline };
  }
  const request = (streamed: boolean): GenerationRequest => ({
    ...common,
    options: suiteCase.options,
    stream: streamed,
    ...(suiteCase.api === "chat"
      ? { api: "chat", messages: suiteCase.messages }
      : { api: "completions", prompt: suiteCase.prompt }),
  });
  const samples: Sample[] = [];
  // One after another, so that repeats of a case never compete with each other for the backend's slots.
  for (let i = 0; i < count; i++) samples.push(await options.client.generate(request(stream)));
  if (!otherMode) return { samples, ...withBaseline };
  const other = (await options.client.generate(request(!stream))).text;
  const mine = samples[0]?.text ?? "";
  return {
    samples,
    otherMode: stream ? { streamed: mine, plain: other } : { streamed: other, plain: mine },
    ...withBaseline,
  };
}
