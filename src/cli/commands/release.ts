import { mkdtemp, rm } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { UsageError } from "../../core/errors.js";
import { destinationReference, openEndpoints } from "../../promote/endpoints.js";
import { type ReleaseResult, releaseExitCode } from "../../promote/release.js";
import { parseReleaseSettings } from "../../release/release-request.js";
import { resolvePolicy, resolveSigning } from "../../trust/request.js";
import { type Command, type CommandIO, flagSource, parseCommandArgs, writeJson } from "../command.js";
import { provenanceFrom, provenanceOptions } from "../provenance.js";
import {
  signingOptions,
  signingRequest,
  signingUsage,
  trustLookups,
  verificationOptions,
  verificationRequest,
  verificationUsage,
} from "../trust-flags.js";
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
  --require <kinds>          refuse unless passing results of these kinds exist: compat, bench, scan
${verificationUsage}
                             with any of these, the digest must be signed by a trusted signer, and
                             --require counts only attestations signed by one
${signingUsage}
                             sign the digest where it is released, before any tag moves
  --no-legacy                with signing: the bundle only, not cosign's legacy sha256-<hex>.sig
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

Serving, for the pre-switch check (as setup takes them):
  --backend <name>           auto (default), embedded, ollama, docker or llama-server
  --strategy <s>             for auto: hybrid, docker-only, ollama-only, embedded-only
  --environment <e>          for auto: production, staging, enterprise, development
  --install <policy>         auto, missing or never (default auto)
  --store <dir>              store directory (default: $CORTEX_MODEL_STORE, else ~/.cache/cortex-model)
  --version <v>              backend version to install
  --threads <n>              CPU threads (default: the backend chooses; embedded measures)
  --context-size <n>         tokens of context per request
  --gpu <mode>               none (default), auto or cuda
  --ready-timeout <s>        seconds to wait for the model to load and answer (default 600)

Exit: 0 released (or already live, or planned), 1 a check failed (live untouched, or switched back) or the
release could not run, 2 bad usage.`;

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
      ...verificationOptions,
      ...signingOptions,
      "no-legacy": { type: "boolean" },
      backend: { type: "string" },
      strategy: { type: "string" },
      environment: { type: "string" },
      install: { type: "string" },
      store: { type: "string" },
      version: { type: "string" },
      threads: { type: "string" },
      "context-size": { type: "string" },
      gpu: { type: "string" },
      "ready-timeout": { type: "string" },
    });
    if (positionals.length !== 1) throw new UsageError(`release takes one source reference\n${usage}`);
    const scalars = Object.fromEntries(Object.entries(values).filter(([, value]) => !Array.isArray(value)));
    const flags = flagSource({ ...scalars, require: values.require?.join(","), model: positionals[0] });
    const settings = parseReleaseSettings(
      { ...flags, label: (name) => (name === "model" ? "the source reference" : flags.label(name)) },
      io.cwd,
      io.env,
    );
    const trust = await resolvePolicy(verificationRequest(values), trustLookups(io));
    const identity = await resolveSigning(signingRequest(values), trustLookups(io));
    const { source, destination } = await openEndpoints(
      settings.source,
      destinationReference(settings.source, settings.toRepo),
    );
    const log = (line: string) => io.stderr.write(`cortex-model release: ${line}\n`);
    const provenance = provenanceFrom(values, io.env);
    const workDir = settings.serving ? await mkdtemp(path.join(tmpdir(), "cortex-model-release-")) : undefined;
    try {
      const { releaseChecks, runRelease } = await import("../../release/checks.js");
      const checks = await releaseChecks(settings, {
        ...(workDir
          ? {
              backend: {
                toolDir: io.env[TOOLS_ENV] ?? path.join(homedir(), ".cache", "cortex-model-tools"),
                workDir,
                env: io.env,
                log,
                lifetime: "caller",
              },
            }
          : {}),
        backendOptions: {},
        installOption: "--install missing",
        store: values.store,
        open: { env: io.env },
        env: io.env,
        cwd: io.cwd,
        log: (line) => log(`post-check: ${line}`),
      });
      const result = await runRelease(settings, { source, destination }, checks, provenance, log, {
        ...(trust ? { trust } : {}),
        ...(identity ? { sign: { identity, legacy: values["no-legacy"] !== true } } : {}),
      });
      if (values.json) writeJson(io, result);
      else writeText(io, result);
      return releaseExitCode(result);
    } finally {
      if (workDir) await rm(workDir, { recursive: true, force: true });
    }
  },
};
