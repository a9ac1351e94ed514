import { PromoteUsageError } from "../../promote/errors.js";
import { parseResultKinds } from "../../promote/policy.js";
import { type PromoteResult, promote } from "../../promote/promote.js";
import { formatReference, isPinned, parseReference, type Reference } from "../../ref.js";
import { openTarget } from "../../targets.js";
import { type Command, type CommandIO, parseCommandArgs, writeJson } from "../command.js";
import { provenanceFrom, provenanceOptions } from "../provenance.js";

const usage = `Usage: cortex-model promote <repo@sha256:...> --to <tag>[,<tag>...] [options]

Points release tags at a tested digest, records each move in the tag's history (kept in the registry), and
copies the model first when promoting into another repository, registry or oci: layout.

Options:
  --to <tags>          tags to move, comma-separated (repeatable)
  --to-repo <ref>      destination repository, registry/repository or oci:<dir> (default: the source's)
  --require <kinds>    refuse unless passing results of these kinds exist: compat, bench
  --semver-aliases     promoting v1.4.2 also moves v1.4 and v1, never backwards
  --dry-run            report what would move, change nothing
  --reason <text>      recorded in the history
  --actor <name>       recorded in the history (default: $GITHUB_ACTOR, else $USER)
  --run-url <url>      recorded in the history (default: the GitHub Actions run, when there is one)
  --json               print the result as JSON`;

function destinationOf(source: Reference, toRepo: string | undefined): Reference {
  if (toRepo === undefined) return { ...source, tag: undefined, digest: undefined };
  const ref = parseReference(toRepo);
  if (ref.tag !== undefined || ref.digest !== undefined) {
    throw new PromoteUsageError(
      `--to-repo ${toRepo} names a tag or digest: give the repository only, and tags in --to`,
    );
  }
  return ref;
}

function sameRepository(a: Reference, b: Reference): boolean {
  const bare = (r: Reference) => formatReference({ ...r, tag: undefined, digest: undefined });
  return bare(a) === bare(b);
}

function writeText(io: CommandIO, result: PromoteResult): void {
  const verb = result.dryRun ? "would promote" : "promoted";
  const where = result.source === result.destination ? result.destination : `${result.source} -> ${result.destination}`;
  io.stdout.write(`${verb} ${result.digest} (${where})\n`);
  const width = Math.max(...result.tags.map((t) => t.tag.length));
  for (const t of result.tags) {
    const from = t.previous ?? "none";
    const line = t.changed ? `${from} -> ${t.digest}` : `unchanged at ${from}${t.note ? ` (${t.note})` : ""}`;
    io.stdout.write(`  ${t.tag.padEnd(width)}  ${line}\n`);
  }
}

export const promoteCommand: Command = {
  name: "promote",
  summary: "point release tags at a tested digest, with history and a result policy",
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs("promote", args, {
      to: { type: "string", multiple: true },
      "to-repo": { type: "string" },
      require: { type: "string", multiple: true },
      "semver-aliases": { type: "boolean" },
      "dry-run": { type: "boolean" },
      json: { type: "boolean" },
      ...provenanceOptions,
    });
    if (positionals.length !== 1) throw new PromoteUsageError(`promote takes one source reference\n${usage}`);
    const sourceRef = parseReference(positionals[0] as string);
    if (!isPinned(sourceRef)) {
      throw new PromoteUsageError(
        `${positionals[0]} names a tag, not a digest: promotion takes the exact digest that was tested (a tag can move between test and promotion); use <repo>@sha256:<hex>`,
      );
    }
    const tags = (values.to ?? []).flatMap((t) => t.split(","));
    const require = parseResultKinds(values.require ?? []);
    const destinationRef = destinationOf(sourceRef, values["to-repo"]);
    const source = await openTarget(sourceRef);
    const destination = sameRepository(sourceRef, destinationRef)
      ? source
      : await openTarget(destinationRef, { create: true });
    const result = await promote({
      source,
      digest: sourceRef.digest,
      destination,
      tags,
      semverAliases: values["semver-aliases"] ?? false,
      dryRun: values["dry-run"] ?? false,
      require,
      ...provenanceFrom(values, io.env),
    });
    if (values.json) writeJson(io, result);
    else writeText(io, result);
    return 0;
  },
};
