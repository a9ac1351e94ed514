import { EndpointError } from "../client/endpoint-error.js";
import type { ModelClient } from "../client/types.js";
import { CortexError, UsageError } from "../core/errors.js";
import { baselineFrom, readBaseline, writeBaseline } from "./baseline-file.js";
import { differences } from "./compare.js";
import type { BackendInfo, CaseResult, CompatResults, ModelInfo } from "./results.js";
import { summarise } from "./results.js";
import { runSuite } from "./runner.js";
import type { Suite } from "./suite.js";

/** The endpoint did not answer at all, so the run says nothing about the model (exit 2, not a failure). */
export class EndpointUnavailableError extends CortexError {
  override readonly exitCode: number = 2;
}

export interface Endpoint {
  readonly client: ModelClient;
  readonly model: ModelInfo;
  readonly backend?: string;
}

export interface TestModelOptions {
  readonly suite: Suite;
  readonly endpoint: Endpoint;
  /** A second endpoint answering the same suite, to list the cases whose answers differ. */
  readonly compare?: Endpoint;
  /** Overrides the suite's own `baseline`. */
  readonly baselinePath?: string;
  /** Where to write the answers as a new baseline. */
  readonly recordPath?: string;
  /** How this shell's user gives a baseline, for the hint when one is missing (a flag, an action input). */
  readonly baselineHint?: string;
  readonly concurrency?: number;
  /** Overrides the suite's pass threshold (the action's and CLI's `fail-on`). */
  readonly threshold?: number;
  readonly onCase?: (result: CaseResult) => void;
  readonly now?: () => Date;
}

/** The whole of test-model, shared by the CLI and the action: check the endpoints, run, compare, record. */
export async function testModel(options: TestModelOptions): Promise<CompatResults> {
  const { suite, endpoint } = options;
  const threshold = options.threshold ?? suite.threshold;
  const now = options.now ?? (() => new Date());
  const baselinePath = options.baselinePath ?? suite.baseline;
  const needsBaseline = suite.cases.some((c) => c.assertions.some((a) => a.kind === "matches-baseline"));
  if (needsBaseline && !baselinePath && !options.recordPath) {
    throw new UsageError(
      `suite ${suite.file} uses matches-baseline but names no baseline: give ${options.baselineHint ?? "a baseline file"} or set baseline in the suite`,
    );
  }
  const baseline = baselinePath ? await readBaseline(baselinePath) : undefined;
  await reachable(endpoint);
  if (options.compare) await reachable(options.compare);

  const startedAt = now();
  const started = performance.now();
  const run = (target: Endpoint, onCase?: (result: CaseResult) => void) =>
    runSuite(suite, {
      client: target.client,
      model: target.model.name,
      ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
      ...(baseline && { baseline }),
      ...(onCase && { onCase }),
    });
  const cases = await run(endpoint, options.onCase);
  const durationMs = performance.now() - started;

  let comparison: CompatResults["comparison"];
  // After the first run, not beside it: two backends on one machine would skew each other's latencies.
  if (options.compare) {
    const other = await run(options.compare);
    comparison = {
      model: options.compare.model,
      backend: backendOf(options.compare),
      summary: summarise(other, threshold),
      differences: differences(cases, other),
    };
  }
  if (options.recordPath) {
    await writeBaseline(options.recordPath, baselineFrom(suite, cases, endpoint.model, endpoint.client.baseUrl, now()));
  }
  return {
    schemaVersion: 1,
    kind: "compat-results",
    suite: { name: suite.name, file: suite.file },
    model: endpoint.model,
    backend: backendOf(endpoint),
    startedAt: startedAt.toISOString(),
    durationMs,
    summary: summarise(cases, threshold),
    cases,
    ...(comparison && { comparison }),
  };
}

function backendOf(endpoint: Endpoint): BackendInfo {
  return { baseUrl: endpoint.client.baseUrl, ...(endpoint.backend !== undefined && { name: endpoint.backend }) };
}

async function reachable(endpoint: Endpoint): Promise<void> {
  try {
    await endpoint.client.listModels({ signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    // A server that answered with an HTTP error is there, at the wrong address or not OpenAI-compatible.
    if (error instanceof EndpointError && error.status !== undefined) {
      throw new EndpointUnavailableError(`endpoint ${endpoint.client.baseUrl} does not list models: ${error.message}`, {
        cause: error,
      });
    }
    throw new EndpointUnavailableError(`endpoint ${endpoint.client.baseUrl} is not answering`, { cause: error });
  }
}
