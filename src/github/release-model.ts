import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as core from "@actions/core";
import { GPU_MODES, type GpuMode } from "../backends/backend.js";
import type { ServeEntry } from "../backends/embedded-runtime.js";
import { parseBackendChoice, parseInstallPolicy, resolveEnvironment, resolveStrategy } from "../backends/select.js";
import type { SetupRequest } from "../backends/setup.js";
import { gateScenarios } from "../bench/scenario.js";
import { loadSuite } from "../compat/suite-load.js";
import { destinationReference, openEndpoints, parsePinnedSource } from "../promote/endpoints.js";
import { parseResultKinds } from "../promote/policy.js";
import { type ReleaseCheck, type ReleaseResult, release, releaseExitCode } from "../promote/release.js";
import { postCheck } from "../release/post-check.js";
import { serveCheck } from "../release/serve-check.js";
import { ReleaseModel } from "./constants.js";
import {
  booleanInput,
  InputError,
  listInput,
  maskSecret,
  numberInput,
  optionalInput,
  requiredInput,
} from "./inputs.js";
import { setOutputs } from "./outputs.js";
import { defaultStore } from "./pull-model.js";
import { credentialInputs } from "./registry-inputs.js";
import { runAction } from "./run.js";
import { runContext } from "./run-context.js";
import { appendSummary } from "./summary.js";

/**
 * The release-model action: `cortex-model release` as a step. The pre-switch check serves the idle colour
 * within this step (the backend ends with it); the outputs say where the live tag ended.
 */

const { inputs: names, outputs } = ReleaseModel;

function servingInput(serveEntry: ServeEntry | undefined, env: NodeJS.ProcessEnv): Omit<SetupRequest, "model"> {
  const backend = parseBackendChoice(optionalInput(names.backend) ?? "auto");
  if (backend === "openai") {
    throw new InputError(`input "${names.backend}" cannot be openai: a release serves the digest it pulls by tag`);
  }
  const gpu = optionalInput(names.gpu) ?? "none";
  if (!(GPU_MODES as readonly string[]).includes(gpu)) {
    throw new InputError(`input "${names.gpu}" must be one of ${GPU_MODES.join(", ")}, got "${gpu}"`);
  }
  const integer = (name: string, max: number) =>
    optionalInput(name) === undefined ? undefined : numberInput(name, { fallback: 1, min: 1, max, integer: true });
  const threads = integer(names.threads, 1024);
  const contextSize = integer(names.contextSize, 1 << 24);
  const version = optionalInput(names.version);
  return {
    selection: {
      backend,
      strategy: resolveStrategy(optionalInput(names.strategy), env),
      environment: resolveEnvironment(optionalInput(names.environment), env),
      install: parseInstallPolicy(optionalInput(names.install)),
    },
    settings: {
      gpu: gpu as GpuMode,
      port: 0,
      readyTimeoutMs: 1000 * numberInput(names.readyTimeout, { fallback: 600, min: 0.001 }),
      ...(version === undefined ? {} : { version }),
      ...(threads === undefined ? {} : { threads }),
      ...(contextSize === undefined ? {} : { contextSize }),
    },
    options: serveEntry ? { serveEntry } : {},
    installOption: `${names.install}: missing`,
  };
}

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
  const source = parsePinnedSource(requiredInput(names.model));
  const channel = requiredInput(names.channel);
  const destination = destinationReference(source, optionalInput(names.toRepo));
  const credentials = credentialInputs(names.registryUsername, names.registryPassword);
  const open = { ...(credentials ? { credentials } : {}), onSecret: maskSecret, env };
  const require = parseResultKinds(listInput(names.require));
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const suiteFile = optionalInput(names.checkSuite);
  const checkBench = booleanInput(names.checkBench, false);
  const benchScenario = optionalInput(names.benchScenario);
  const benchRuns =
    optionalInput(names.benchRuns) === undefined
      ? undefined
      : numberInput(names.benchRuns, { fallback: 1, min: 1, integer: true });
  const postSpec = optionalInput(names.postCheck);
  const postTimeoutMs = 1000 * numberInput(names.postCheckTimeout, { fallback: 120, min: 0.001 });
  const lockWaitMs = 1000 * numberInput(names.lockWait, { fallback: 900, min: 0 });
  const checking = suiteFile !== undefined || checkBench;
  const serving = checking ? servingInput(serveEntry, env) : undefined;
  const targets = await openEndpoints(source, destination, { source: open, destination: open });
  const context = runContext(env);
  const reason = optionalInput(names.reason);

  const temp = env.RUNNER_TEMP ?? tmpdir();
  await mkdir(temp, { recursive: true });
  const workDir = checking ? await mkdtemp(path.join(temp, "cortex-release-model-")) : undefined;
  try {
    let preSwitch: ReleaseCheck | undefined;
    if (serving && workDir) {
      const suitePath = suiteFile === undefined ? undefined : path.resolve(workspace, suiteFile);
      const suite = suitePath === undefined ? undefined : await loadSuite(suitePath, path.dirname(suitePath));
      const bench = checkBench
        ? await gateScenarios(benchScenario === undefined ? undefined : path.resolve(workspace, benchScenario), {
            runs: benchRuns,
          })
        : undefined;
      preSwitch = serveCheck({
        setup: serving,
        context: {
          toolDir: env.RUNNER_TOOL_CACHE ?? path.join(temp, "tool-cache"),
          workDir,
          env,
          log: (line) => core.info(line),
          // The check's backends serve within this step and end with it.
          lifetime: "caller",
        },
        store: defaultStore(env),
        open,
        ...(suite ? { suite } : {}),
        ...(bench ? { bench } : {}),
      });
    }
    const postSwitch = postSpec
      ? postCheck(postSpec, { channel, env, cwd: workspace, timeoutMs: postTimeoutMs, log: (line) => core.info(line) })
      : undefined;
    const result = await release({
      ...targets,
      digest: source.digest,
      channel,
      require,
      dryRun: booleanInput(names.dryRun, false),
      ...(preSwitch ? { preSwitch } : {}),
      ...(postSwitch ? { postSwitch } : {}),
      lock: {
        waitMs: lockWaitMs,
        ...(context.runUrl || context.actor ? { owner: context.runUrl ?? context.actor } : {}),
        onWait: (holder) =>
          core.info(`Waiting: ${holder.owner ?? "another release"} holds ${channel} since ${holder.time}`),
      },
      onStep: (step) => core.info(`${step.step}: ${step.status}${step.detail ? ` (${step.detail})` : ""}`),
      ...context,
      ...(reason ? { reason } : {}),
    });
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
    return result;
  } finally {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  }
}

/** The action's entry point; `serveEntry` is the bundled serve runtime beside the action's dist. */
export function run(serveEntry?: ServeEntry): Promise<void> {
  return runAction(async () => {
    await releaseModelStep(process.env, serveEntry);
  });
}
