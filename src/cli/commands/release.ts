import { mkdtemp, rm } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import type { BackendContext } from "../../backends/backend.js";
import { UsageError } from "../../core/errors.js";
import { destinationReference, openEndpoints, parsePinnedSource } from "../../promote/endpoints.js";
import { parseResultKinds } from "../../promote/policy.js";
import { type ReleaseCheck, type ReleaseResult, release, releaseExitCode } from "../../promote/release.js";
import { type Command, type CommandIO, parseCommandArgs, writeJson } from "../command.js";
import { provenanceFrom, provenanceOptions } from "../provenance.js";
import { servingOptions, servingRequest, servingUsage } from "../serving-options.js";
import { TOOLS_ENV } from "./setup.js";

const usage = `Usage: cortex-model release <repo@sha256:...> --channel <name> [options]

Blue/green release of a tested digest. The channel is three tags: <name>-blue, <name>-green and the live
tag <name>. The digest is promoted to the idle colour; the idle colour is pulled back by tag, served and
checked; then the live tag moves to it. When the post-switch check fails, the live tag moves back to the
previous digest by itself. Every move is recorded in its tag's history with the reason. Releases of one
channel wait for each other.

Options:
  --channel <name>           the channel (required)
  --to-repo <ref>            repository holding the channel (default: the source's)
  --require <kinds>          refuse unless passing results of these kinds exist: compat, bench
  --check-suite <file>       pre-switch: run this compatibility suite against the idle colour, served
  --check-bench              pre-switch: also benchmark the idle colour against the live digest, served
                             side by side; a regression fails the check
  --bench-scenario <file>    scenarios for --check-bench (default: the built-in one)
  --bench-runs <n>           measured runs per side for --check-bench (default: the scenario's)
  --post-check <cmd|url>     post-switch: a shell command (exit 0 is healthy; CORTEX_RELEASE_LIVE_REF,
                             CORTEX_RELEASE_REF, CORTEX_RELEASE_DIGEST, CORTEX_RELEASE_PREVIOUS_DIGEST,
                             CORTEX_RELEASE_COLOUR and CORTEX_RELEASE_CHANNEL in its environment) or an
                             http(s) URL that must answer 2xx
  --post-check-timeout <s>   how long the post-switch check may take (default 120)
  --lock-wait <s>            how long to wait for another release of the channel (default 900)
  --dry-run                  print the plan, change nothing
  --reason <text>            recorded in the history
  --actor <name>             recorded in the history (default: $GITHUB_ACTOR, else $USER)
  --run-url <url>            recorded in the history (default: the GitHub Actions run, when there is one)
  --json                     print the result as JSON

${servingUsage}

Exit: 0 released (or already live, or planned), 1 a check failed (live untouched, or switched back) or the
release could not run, 2 bad usage.`;

function seconds(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    throw new UsageError(`release: --${flag} must be a number of seconds above 0, got "${value}"`);
  }
  return number;
}

function writeText(io: CommandIO, result: ReleaseResult): void {
  for (const step of result.steps) {
    io.stdout.write(`  ${step.step.padEnd(12)} ${step.status.padEnd(8)} ${step.detail}\n`);
  }
  const where = `${result.destination}:${result.channel}`;
  const lines: Record<ReleaseResult["outcome"], string> = {
    released: `released ${result.digest} on ${where} (${result.colour}): ${result.previous ?? "none"} -> ${result.live}`,
    "already-live": `${where} already serves ${result.digest}: nothing to do`,
    planned: `would release ${result.digest} on ${where} through ${result.colour}`,
    "pre-check-failed": `not released: the pre-switch check of ${result.colour} failed; ${where} stays at ${result.live ?? "nothing"}`,
    "post-check-failed": result.switchedBack
      ? `switched back: the post-switch check failed; ${where} is at ${result.live} again`
      : `the post-switch check failed and there was nothing to switch back to; ${where} is at ${result.live}`,
  };
  io.stdout.write(`${lines[result.outcome]}\n`);
}

export const releaseCommand: Command = {
  name: "release",
  summary: "blue/green release of a digest on a channel, switching back by itself when the live check fails",
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs("release", args, {
      channel: { type: "string" },
      "to-repo": { type: "string" },
      require: { type: "string", multiple: true },
      "check-suite": { type: "string" },
      "check-bench": { type: "boolean" },
      "bench-scenario": { type: "string" },
      "bench-runs": { type: "string" },
      "post-check": { type: "string" },
      "post-check-timeout": { type: "string" },
      "lock-wait": { type: "string" },
      "dry-run": { type: "boolean" },
      json: { type: "boolean" },
      ...provenanceOptions,
      ...servingOptions,
    });
    if (positionals.length !== 1) throw new UsageError(`release takes one source reference\n${usage}`);
    if (!values.channel) throw new UsageError("release: --channel <name> is required");
    const sourceRef = parsePinnedSource(positionals[0] as string);
    const require = parseResultKinds(values.require ?? []);
    const postTimeoutMs = 1000 * seconds("post-check-timeout", values["post-check-timeout"], 120);
    const lockWaitMs = 1000 * seconds("lock-wait", values["lock-wait"], 900);
    const checking = values["check-suite"] !== undefined || values["check-bench"] === true;
    const serving = checking ? servingRequest("release", values, io.env) : undefined;
    const benchRuns = values["bench-runs"];
    if (benchRuns !== undefined && !/^[1-9]\d*$/.test(benchRuns)) {
      throw new UsageError(`release: --bench-runs must be a whole number of at least 1, got "${benchRuns}"`);
    }
    const { source, destination } = await openEndpoints(sourceRef, destinationReference(sourceRef, values["to-repo"]));
    const log = (line: string) => io.stderr.write(`cortex-model release: ${line}\n`);
    const provenance = provenanceFrom(values, io.env);

    const workDir = checking ? await mkdtemp(path.join(tmpdir(), "cortex-model-release-")) : undefined;
    try {
      let preSwitch: ReleaseCheck | undefined;
      if (serving && workDir) {
        const context: BackendContext = {
          toolDir: io.env[TOOLS_ENV] ?? path.join(homedir(), ".cache", "cortex-model-tools"),
          workDir,
          env: io.env,
          log,
          lifetime: "caller",
        };
        const { loadSuite } = await import("../../compat/suite-load.js");
        const { gateScenarios } = await import("../../bench/scenario.js");
        const { serveCheck } = await import("../../release/serve-check.js");
        const suitePath = values["check-suite"];
        const suite = suitePath === undefined ? undefined : await loadSuite(suitePath, io.cwd);
        const bench = values["check-bench"]
          ? await gateScenarios(values["bench-scenario"], benchRuns === undefined ? {} : { runs: Number(benchRuns) })
          : undefined;
        preSwitch = serveCheck({
          setup: serving,
          context,
          ...(values.store === undefined ? {} : { store: values.store }),
          open: { env: io.env },
          ...(suite ? { suite } : {}),
          ...(bench ? { bench } : {}),
        });
      }
      const postSpec = values["post-check"];
      let postSwitch: ReleaseCheck | undefined;
      if (postSpec !== undefined) {
        const { postCheck } = await import("../../release/post-check.js");
        postSwitch = postCheck(postSpec, {
          channel: values.channel,
          env: io.env,
          cwd: io.cwd,
          timeoutMs: postTimeoutMs,
          log: (line) => log(`post-check: ${line}`),
        });
      }
      const result = await release({
        source,
        digest: sourceRef.digest,
        destination,
        channel: values.channel,
        require,
        dryRun: values["dry-run"] ?? false,
        ...(preSwitch ? { preSwitch } : {}),
        ...(postSwitch ? { postSwitch } : {}),
        lock: {
          waitMs: lockWaitMs,
          ...(provenance.actor || provenance.runUrl ? { owner: provenance.runUrl ?? provenance.actor } : {}),
          onWait: (holder) =>
            log(
              `waiting: ${holder.owner ? `${holder.owner} holds` : "another release holds"} ${values.channel} since ${holder.time}`,
            ),
        },
        onStep: (step) => log(`${step.step}: ${step.status}${step.detail ? ` (${step.detail})` : ""}`),
        ...provenance,
      });
      if (values.json) writeJson(io, result);
      else writeText(io, result);
      return releaseExitCode(result);
    } finally {
      if (workDir) await rm(workDir, { recursive: true, force: true });
    }
  },
};
