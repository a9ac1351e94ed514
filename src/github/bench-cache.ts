import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import * as cache from "@actions/cache";
import * as core from "@actions/core";
import { describeError, UsageError } from "../core/errors.js";

/**
 * Bench results in the Actions cache, for the `baseline-cache` input. A push to a branch saves its results
 * under `cortex-bench-<gate>-<branch>-<run id>`; a pull request restores the newest entry whose key starts
 * with `cortex-bench-<gate>-<base branch>-` (the cache service matches a prefix to its newest entry, and lets a
 * pull request read its base branch's entries). Cache entries are immutable, hence one key per run.
 */
export interface BenchCachePlan {
  /** Key this run saves its results under (pushes to a branch). */
  readonly saveKey?: string;
  /** Prefix this run restores a baseline by (pull requests). */
  readonly restorePrefix?: string;
  /** Where the results are put for saving and restored to; its path is part of the entry's version. */
  readonly file: string;
}

export function benchCachePrefix(gateName: string, branch: string): string {
  return `cortex-bench-${gateName}-${branch}-`;
}

/** What this workflow run saves or restores, from the runner's environment. */
export function benchCachePlan(gateName: string, env: NodeJS.ProcessEnv): BenchCachePlan {
  const temp = env.RUNNER_TEMP;
  if (!temp) throw new UsageError("RUNNER_TEMP is not set: baseline-cache needs the runner's temp directory");
  // The same path on every run of the gate: @actions/cache folds the paths into the entry's version.
  const file = path.join(temp, "cortex-model", "bench-baseline-cache", `${gateName.replaceAll("/", "-")}.json`);
  const event = env.GITHUB_EVENT_NAME;
  if (event === "pull_request" || event === "pull_request_target") {
    const base = env.GITHUB_BASE_REF;
    return base ? { file, restorePrefix: benchCachePrefix(gateName, base) } : { file };
  }
  const ref = env.GITHUB_REF ?? "";
  const runId = env.GITHUB_RUN_ID;
  if (event === "push" && ref.startsWith("refs/heads/") && runId) {
    return { file, saveKey: `${benchCachePrefix(gateName, ref.slice("refs/heads/".length))}${runId}` };
  }
  return { file };
}

/**
 * Restores the newest cached results under `prefix` into `file` and returns the key, or throws a UsageError
 * naming the prefix and how to seed it. An entry of another branch whose name merely starts with this one
 * (`main-next` for `main`) is refused: after the prefix a key of ours holds only the run id.
 */
export async function restoreBenchBaseline(prefix: string, file: string): Promise<string> {
  const seed = `a push to that branch with baseline-cache: true saves one (keys ${prefix}<run id>)`;
  if (!cache.isFeatureAvailable()) {
    throw new UsageError(
      `baseline-cache: the Actions cache service is not available here, so no baseline under ${prefix}`,
    );
  }
  let key: string | undefined;
  try {
    // The service matches restore keys as prefixes (the newest entry wins); the primary key only exactly.
    key = await cache.restoreCache([file], prefix, [prefix]);
  } catch (error) {
    throw new UsageError(`baseline-cache: restoring ${prefix} failed: ${describeError(error)}`, { cause: error });
  }
  if (key === undefined) throw new UsageError(`baseline-cache: no cached bench results under ${prefix}; ${seed}`);
  if (!/^\d+$/.test(key.slice(prefix.length))) {
    throw new UsageError(
      `baseline-cache: the newest entry under ${prefix} is ${key}, another branch's; no baseline of this one. ${seed}`,
    );
  }
  return key;
}

/** Saves the results; a failure warns and does not fail the step, whose verdict is already made. */
export async function saveBenchResults(key: string, file: string, json: string): Promise<boolean> {
  if (!cache.isFeatureAvailable()) {
    core.warning(`Not saving bench results as ${key}: the Actions cache service is not available here.`);
    return false;
  }
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, json);
  try {
    // The library reports its own service failures as warnings and returns -1 for "not saved".
    return (await cache.saveCache([file], key)) !== -1;
  } catch (error) {
    core.warning(`Could not save bench results to the Actions cache (${key}): ${describeError(error)}`);
    return false;
  }
}
