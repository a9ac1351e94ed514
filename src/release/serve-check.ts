import type { BackendContext } from "../backends/backend.js";
import { type SetupRequest, type SetupResult, setupBackend, stopBackend } from "../backends/setup.js";
import { type GateSide, runBench } from "../bench/bench.js";
import type { Scenario } from "../bench/scenario.js";
import { defaultComparisonSettings, gateExitCode } from "../bench/verdict.js";
import { OpenAIClient } from "../client/openai-client.js";
import type { CompatResults } from "../compat/results.js";
import type { Suite } from "../compat/suite.js";
import { testModel } from "../compat/test-model.js";
import { type OpenTargetOptions, openTarget } from "../copy/targets.js";
import type { Digest } from "../core/digest.js";
import { CortexError, describeError } from "../core/errors.js";
import { isPinned, type Reference } from "../core/ref.js";
import type { ReleaseCheck, ReleaseCheckResult, ReleaseSubject } from "../promote/release.js";
import { pull, pullFromStore } from "../pull/pull.js";
import { ModelStore } from "../store/model-store.js";

/**
 * The pre-switch check of a release: the idle colour is pulled back from the registry by its tag (what a
 * deployment pulling that tag would get), served with the chosen backend, and the compatibility suite is
 * run against it; with a bench, it is also measured against the live digest served beside it, and a
 * regression fails the check.
 */

export interface ServeCheckOptions {
  /** How to serve: backend choice and settings, as setup takes them. `model` is set per side. */
  readonly setup: Omit<SetupRequest, "model">;
  readonly context: BackendContext;
  /** The local store to pull into (default: the CLI's). */
  readonly store?: string;
  /** Credentials and environment for opening the registry. */
  readonly open?: OpenTargetOptions;
  readonly suite?: Suite;
  /** Scenarios for an interleaved A/B against the live digest; none, no bench. */
  readonly bench?: readonly Scenario[];
  /** Results of each part, for reports; called before the check answers. */
  readonly onCompat?: (results: CompatResults) => void;
  readonly onBench?: (verdict: string, markdown: string) => void;
}

interface Served {
  readonly result: SetupResult;
  /** What the reference resolved to when pulled. */
  readonly digest: Digest;
}

async function serveReference(reference: string, options: ServeCheckOptions): Promise<Served> {
  let digest: Digest | undefined;
  const result = await setupBackend({ ...options.setup, model: reference }, options.context, {
    async pull(ref: Reference) {
      const store = await ModelStore.open({
        ...(options.store ? { dir: options.store } : {}),
        env: options.context.env,
      });
      const pulled =
        (isPinned(ref) ? await pullFromStore(store, ref) : undefined) ??
        (await pull(await openTarget(ref, { env: options.context.env, ...options.open }), ref, store));
      digest = pulled.digest;
      return { store: store.root, digest: pulled.digest, pulled, cacheHit: false };
    },
    started() {},
  });
  if (digest === undefined) {
    await stopBackend(result.handle, options.context);
    throw new CortexError(`${reference}: the ${result.backend} backend serves no pulled model, so nothing was checked`);
  }
  return { result, digest };
}

function gateSide(served: Served, reference: string): GateSide {
  const { endpoint } = served.result;
  return {
    client: new OpenAIClient({ baseUrl: endpoint.baseUrl, ...(endpoint.apiKey ? { apiKey: endpoint.apiKey } : {}) }),
    model: endpoint.modelId,
    ...(endpoint.pid === undefined ? {} : { pid: endpoint.pid }),
    loads: { coldMs: [served.result.loadSeconds * 1000], warmMs: [] },
    info: {
      modelRef: reference,
      digest: served.digest,
      backend: served.result.backend,
      baseUrl: endpoint.baseUrl,
      ...(endpoint.threads === undefined ? {} : { threads: endpoint.threads }),
    },
  };
}

async function checkServed(
  subject: ReleaseSubject,
  candidate: Served,
  options: ServeCheckOptions,
): Promise<ReleaseCheckResult> {
  const parts: string[] = [`${subject.tagReference} served by ${candidate.result.backend}`];
  const { endpoint } = candidate.result;
  if (options.suite) {
    const compat = await testModel({
      suite: options.suite,
      endpoint: {
        client: new OpenAIClient({
          baseUrl: endpoint.baseUrl,
          ...(endpoint.apiKey ? { apiKey: endpoint.apiKey } : {}),
        }),
        model: { name: endpoint.modelId, reference: subject.tagReference, digest: candidate.digest },
        backend: candidate.result.backend,
      },
    });
    options.onCompat?.(compat);
    const { summary } = compat;
    parts.push(`suite ${options.suite.name}: ${summary.passed}/${summary.total} passed, ${summary.verdict}`);
    if (summary.verdict !== "pass") return { passed: false, detail: parts.join("; "), digest: candidate.digest };
  }
  if (options.bench && options.bench.length > 0 && subject.previous !== null) {
    const liveReference = `${subject.repository}@${subject.previous}`;
    const live = await serveReference(liveReference, options);
    try {
      const { results, markdown } = await runBench({
        scenarios: options.bench,
        candidate: gateSide(candidate, subject.tagReference),
        baseline: { kind: "served", side: gateSide(live, liveReference) },
        settings: defaultComparisonSettings,
        warnOnly: false,
        gateName: "release",
      });
      options.onBench?.(results.verdict, markdown);
      parts.push(`bench against the live ${subject.previous}: ${results.verdict}`);
      if (gateExitCode(results.verdict, false) !== 0) {
        return { passed: false, detail: parts.join("; "), digest: candidate.digest };
      }
    } finally {
      await stopBackend(live.result.handle, options.context);
    }
  } else if (options.bench && options.bench.length > 0) {
    parts.push("no bench: the channel has no live digest to compare with");
  }
  return { passed: true, detail: parts.join("; "), digest: candidate.digest };
}

/** The pre-switch check: serve the idle colour by tag, then the suite and the bench. */
export function serveCheck(options: ServeCheckOptions): ReleaseCheck {
  return async (subject) => {
    let candidate: Served;
    try {
      candidate = await serveReference(subject.tagReference, options);
    } catch (error) {
      return { passed: false, detail: `${subject.tagReference} could not be served: ${describeError(error)}` };
    }
    try {
      return await checkServed(subject, candidate, options);
    } catch (error) {
      const detail = `${subject.tagReference} failed its check: ${describeError(error)}`;
      return { passed: false, detail, digest: candidate.digest };
    } finally {
      await stopBackend(candidate.result.handle, options.context);
    }
  };
}
