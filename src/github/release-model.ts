import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as core from "@actions/core";
import type { ServeEntry } from "../backends/embedded-runtime.js";
import { destinationReference, openEndpoints } from "../promote/endpoints.js";
import { type ReleaseResult, releaseExitCode } from "../promote/release.js";
import { releaseChecks, runRelease } from "../release/checks.js";
import { parseReleaseSettings } from "../release/release-request.js";
import { ReleaseModel } from "./constants.js";
import { actionInputs, booleanInput, maskSecret } from "./inputs.js";
import { setOutputs } from "./outputs.js";
import { defaultStore } from "./pull-model.js";
import { credentialInputs } from "./registry-inputs.js";
import { runAction } from "./run.js";
import { runContext } from "./run-context.js";
import { appendSummary } from "./summary.js";
import { signingInput, verificationInput } from "./trust-inputs.js";

/**
 * The release-model action: `cortex-model release` as a step. The pre-switch check serves the idle colour
 * within this step (the backend ends with it); the outputs say where the live tag ended.
 */

const { inputs: names, outputs } = ReleaseModel;

function code(value: string | null): string {
  return value === null ? "none" : `\`${value}\``;
}

/** The job summary: the outcome, then every step as a table row. */
export function releaseSummary(result: ReleaseResult): string {
  const head = {
    released: `Released ${code(result.digest)} on \`${result.channel}\` (${result.colour})`,
    "already-live": `\`${result.channel}\` already serves ${code(result.digest)}`,
    planned: `Dry run: would release ${code(result.digest)} on \`${result.channel}\` through ${result.colour}`,
    "pre-check-failed": `Not released: the pre-switch check of ${result.colour} failed; \`${result.channel}\` stays at ${code(result.live)}`,
    "post-check-failed": result.switchedBack
      ? `Switched back: the post-switch check failed; \`${result.channel}\` is at ${code(result.live)} again`
      : `The post-switch check failed with nothing to switch back to; \`${result.channel}\` is at ${code(result.live)}`,
  }[result.outcome];
  const rows = result.steps.map((s) => `| ${s.step} | ${s.status} | ${s.detail.replaceAll("|", "\\|")} |`);
  return [
    `### ${head}`,
    "",
    `In \`${result.destination}\`.`,
    "",
    "| step | status | detail |",
    "| --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}

export async function releaseModelStep(
  env: NodeJS.ProcessEnv = process.env,
  serveEntry?: ServeEntry,
): Promise<ReleaseResult> {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const settings = parseReleaseSettings(actionInputs, workspace, env);
  const credentials = credentialInputs(names.registryUsername, names.registryPassword);
  const open = { ...(credentials ? { credentials } : {}), onSecret: maskSecret, env };
  const destination = destinationReference(settings.source, settings.toRepo);
  const targets = await openEndpoints(settings.source, destination, { source: open, destination: open });
  const identity = signingInput(env);
  const trust = await verificationInput(env);
  const temp = env.RUNNER_TEMP ?? tmpdir();
  await mkdir(temp, { recursive: true });
  const workDir = settings.serving ? await mkdtemp(path.join(temp, "cortex-release-model-")) : undefined;
  try {
    const checks = await releaseChecks(settings, checkOptions(env, { workspace, temp, workDir, open, serveEntry }));
    const result = await runRelease(
      settings,
      targets,
      checks,
      { ...runContext(env), ...(settings.reason ? { reason: settings.reason } : {}) },
      (line) => core.info(line),
      {
        ...(trust ? { trust } : {}),
        ...(identity ? { sign: { identity, legacy: booleanInput(names.signLegacy, true) } } : {}),
      },
    );
    await reportRelease(result);
    return result;
  } finally {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  }
}

/** How the checks reach the model: the backend serving it in this step's work directory, when one serves it. */
function checkOptions(
  env: NodeJS.ProcessEnv,
  step: {
    workspace: string;
    temp: string;
    workDir: string | undefined;
    open: Parameters<typeof releaseChecks>[1]["open"];
    serveEntry: ServeEntry | undefined;
  },
): Parameters<typeof releaseChecks>[1] {
  const { workspace, temp, workDir, open, serveEntry } = step;
  const log = (line: string) => core.info(line);
  const toolDir = env.RUNNER_TOOL_CACHE ?? path.join(temp, "tool-cache");
  // The check's backends serve within this step and end with it.
  const lifetime = "caller" as const;
  return {
    ...(workDir ? { backend: { toolDir, workDir, env, log, lifetime }, store: defaultStore(env) } : {}),
    backendOptions: serveEntry ? { serveEntry } : {},
    installOption: `${names.install}: missing`,
    open,
    env,
    cwd: workspace,
    log,
  };
}

/** Outputs, the job summary, and a failed step when the channel does not serve the digest. */
async function reportRelease(result: ReleaseResult): Promise<void> {
  setOutputs({
    [outputs.liveDigest]: result.live ?? "",
    [outputs.previousDigest]: result.previous ?? "",
    [outputs.colour]: result.colour ?? "",
    [outputs.switchedBack]: result.switchedBack,
    [outputs.outcome]: result.outcome,
  });
  await appendSummary(releaseSummary(result));
  if (releaseExitCode(result) !== 0) {
    const failed = result.steps.find((s) => s.status === "failed");
    core.setFailed(`release ${result.outcome}: ${failed?.detail ?? ""}`);
  }
}

/** The action's entry point; `serveEntry` is the bundled serve runtime beside the action's dist. */
export function run(serveEntry?: ServeEntry): Promise<void> {
  return runAction(async () => {
    await releaseModelStep(process.env, serveEntry);
  });
}
