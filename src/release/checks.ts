import path from "node:path";
import type { BackendContext, BackendOptions } from "../backends/backend.js";
import { gateScenarios } from "../bench/scenario.js";
import { loadSuite } from "../compat/suite-load.js";
import type { OpenTargetOptions } from "../copy/targets.js";
import type { ReadOnlyTarget, Target } from "../core/target.js";
import type { Provenance } from "../promote/history-entry.js";
import { type ReleaseCheck, type ReleaseOptions, type ReleaseResult, release } from "../promote/release.js";
import { postCheck } from "./post-check.js";
import type { ReleaseSettings } from "./release-request.js";
import { serveCheck } from "./serve-check.js";

export interface ReleaseCheckContext {
  /** Where the checks' backends run; only needed when the settings ask for a served check. */
  readonly backend?: BackendContext;
  readonly backendOptions: BackendOptions;
  /** How the shell tells its user to allow installs (`--install missing`, `install: missing`). */
  readonly installOption: string;
  readonly store?: string | undefined;
  readonly open?: OpenTargetOptions | undefined;
  readonly env: NodeJS.ProcessEnv;
  /** Where the post-switch command runs. */
  readonly cwd: string;
  readonly log: (line: string) => void;
}

/** Serving the candidate before the switch (with the suite and the benchmark when asked), when set up. */
async function preSwitchCheck(
  settings: ReleaseSettings,
  context: ReleaseCheckContext,
): Promise<ReleaseCheck | undefined> {
  if (!settings.serving || !context.backend) return undefined;
  const suite =
    settings.checkSuite === undefined
      ? undefined
      : await loadSuite(settings.checkSuite, path.dirname(settings.checkSuite));
  const bench = settings.checkBench
    ? await gateScenarios(settings.benchScenario, { runs: settings.benchRuns })
    : undefined;
  return serveCheck({
    setup: { ...settings.serving, options: context.backendOptions, installOption: context.installOption },
    context: context.backend,
    ...(context.store === undefined ? {} : { store: context.store }),
    ...(context.open ? { open: context.open } : {}),
    ...(suite ? { suite } : {}),
    ...(bench ? { bench } : {}),
  });
}

/** The checks the settings ask for; the suite and scenarios are read now, so a bad file fails before anything moves. */
export async function releaseChecks(
  settings: ReleaseSettings,
  context: ReleaseCheckContext,
): Promise<{ preSwitch?: ReleaseCheck; postSwitch?: ReleaseCheck }> {
  const preSwitch = await preSwitchCheck(settings, context);
  const postSwitch =
    settings.postCheck === undefined
      ? undefined
      : postCheck(settings.postCheck, {
          channel: settings.channel,
          env: context.env,
          cwd: context.cwd,
          timeoutMs: settings.postCheckTimeoutMs,
          log: context.log,
        });
  return { ...(preSwitch ? { preSwitch } : {}), ...(postSwitch ? { postSwitch } : {}) };
}

/** Runs the release the settings describe, logging each step and any wait for the channel. */
export function runRelease(
  settings: ReleaseSettings,
  targets: { readonly source: ReadOnlyTarget; readonly destination: Target },
  checks: { preSwitch?: ReleaseCheck; postSwitch?: ReleaseCheck },
  provenance: Provenance,
  log: (line: string) => void,
  evidence: Pick<ReleaseOptions, "trust" | "sign"> = {},
): Promise<ReleaseResult> {
  const owner = provenance.runUrl ?? provenance.actor;
  return release({
    ...targets,
    digest: settings.source.digest,
    channel: settings.channel,
    require: settings.require,
    dryRun: settings.dryRun,
    ...checks,
    ...evidence,
    lock: {
      waitMs: settings.lockWaitMs,
      ...(owner ? { owner } : {}),
      onWait: (holder) =>
        log(`waiting: ${holder.owner ?? "another release"} holds ${settings.channel} since ${holder.time}`),
    },
    onStep: (step) => log(`${step.step}: ${step.status}${step.detail ? ` (${step.detail})` : ""}`),
    ...provenance,
  });
}
