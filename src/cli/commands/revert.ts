import { openTarget } from "../../copy/targets.js";
import { BOUNDS, boundsRange } from "../../core/bounds.js";
import { parseDigest } from "../../core/digest.js";
import { PromoteUsageError } from "../../promote/errors.js";
import { type RevertSelector, revert } from "../../promote/revert.js";
import { type Command, parseCommandArgs, writeJson } from "../command.js";
import { parseNumberOption } from "../option-values.js";
import { provenanceFrom, provenanceOptions } from "../provenance.js";
import { parseTagReference } from "../tag-ref.js";

const usage = `Usage: cortex-model revert <repo:tag> [--to previous | --to sha256:<hex> | --steps N] [options]

Points a tag back at a digest from its history, and records the revert.

Options:
  --to previous        the digest before the current one (the default)
  --to sha256:<hex>    a digest the tag pointed at before
  --steps <N>          N changes back, ${boundsRange(BOUNDS.revertSteps)}
  --reason <text>      recorded in the history
  --actor <name>       recorded in the history (default: $GITHUB_ACTOR, else $USER)
  --run-url <url>      recorded in the history (default: the GitHub Actions run, when there is one)
  --json               print the result as JSON`;

function selector(to: string | undefined, steps: string | undefined): RevertSelector {
  if (to !== undefined && steps !== undefined) throw new PromoteUsageError("give --to or --steps, not both");
  if (steps !== undefined) {
    return { steps: parseNumberOption(steps, "--steps", BOUNDS.revertSteps) };
  }
  if (to === undefined || to === "previous") return { steps: 1 };
  if (!to.startsWith("sha256:")) throw new PromoteUsageError(`--to takes "previous" or sha256:<hex>, got ${to}`);
  return { digest: parseDigest(to) };
}

export const revertCommand: Command = {
  name: "revert",
  summary: "point a tag back at an earlier digest from its history",
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs("revert", args, {
      to: { type: "string" },
      steps: { type: "string" },
      json: { type: "boolean" },
      ...provenanceOptions,
    });
    const ref = parseTagReference("revert", positionals.length === 1 ? positionals[0] : undefined);
    const to = selector(values.to, values.steps);
    const result = await revert({ target: await openTarget(ref), tag: ref.tag, to, ...provenanceFrom(values, io.env) });
    if (values.json) writeJson(io, result);
    else if (result.changed)
      io.stdout.write(`reverted ${result.target}:${result.tag}: ${result.previous} -> ${result.digest}\n`);
    else io.stdout.write(`${result.target}:${result.tag} already points at ${result.digest}: nothing to do\n`);
    return 0;
  },
};
