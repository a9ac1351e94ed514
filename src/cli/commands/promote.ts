import { destinationReference, openEndpoints, parsePinnedSource } from "../../promote/endpoints.js";
import { PromoteUsageError } from "../../promote/errors.js";
import { parseResultKinds } from "../../promote/policy.js";
import { type PromoteResult, promote } from "../../promote/promote.js";
import { resolvePolicy, resolveSigning } from "../../trust/request.js";
import { type Command, type CommandIO, parseCommandArgs, writeJson } from "../command.js";
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

const usage = `Usage: cortex-model promote <repo@sha256:...> --to <tag>[,<tag>...] [options]

Points release tags at a tested digest, records each move in the tag's history (kept in the registry), and
copies the model first, with the results attached to it, when promoting into another repository, registry
or oci: layout.

Options:
  --to <tags>          tags to move, comma-separated (repeatable)
  --to-repo <ref>      destination repository, registry/repository or oci:<dir> (default: the source's)
  --require <kinds>    refuse unless results meeting these exist: compat (suite passed), bench (no
                       regression shown), bench:pass (a pass or improvement shown), scan (clean scan)
${verificationUsage}
                       with any of these, the digest must be signed by a trusted signer, and --require
                       counts only attestations signed by one
${signingUsage}
                       sign the digest where it is promoted, before any tag moves
  --no-legacy          with signing: the bundle only, not cosign's legacy sha256-<hex>.sig
  --semver-aliases     promoting v1.4.2 also moves v1.4 and v1, never backwards
  --dry-run            report what would move, change nothing
  --reason <text>      recorded in the history
  --actor <name>       recorded in the history (default: $GITHUB_ACTOR, else $USER)
  --run-url <url>      recorded in the history (default: the GitHub Actions run, when there is one)
  --json               print the result as JSON`;

function writeText(io: CommandIO, result: PromoteResult): void {
  const verb = result.dryRun ? "would promote" : "promoted";
  const where = result.source === result.destination ? result.destination : `${result.source} -> ${result.destination}`;
  io.stdout.write(`${verb} ${result.digest} (${where})\n`);
  for (const signer of result.signedBy ?? []) io.stdout.write(`  signed by ${signer}\n`);
  const width = Math.max(...result.tags.map((t) => t.tag.length));
  for (const t of result.tags) {
    const from = t.previous ?? "none";
    const line = t.changed ? `${from} -> ${t.digest}` : `unchanged at ${from}${t.note ? ` (${t.note})` : ""}`;
    io.stdout.write(`  ${t.tag.padEnd(width)}  ${line}\n`);
  }
  if (result.signature) io.stdout.write(`  signed: bundle ${result.signature.bundle.digest}\n`);
  const results = result.results;
  if (results && results.copied + results.present > 0) {
    io.stdout.write(`  results copied: ${results.copied} (${results.present} already there)\n`);
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
      ...verificationOptions,
      ...signingOptions,
      "no-legacy": { type: "boolean" },
    });
    if (positionals.length !== 1) throw new PromoteUsageError(`promote takes one source reference\n${usage}`);
    const sourceRef = parsePinnedSource(positionals[0] as string);
    const tags = (values.to ?? []).flatMap((t) => t.split(","));
    const require = parseResultKinds(values.require ?? []);
    const trust = await resolvePolicy(verificationRequest(values), trustLookups(io));
    const identity = await resolveSigning(signingRequest(values), trustLookups(io));
    const { source, destination } = await openEndpoints(sourceRef, destinationReference(sourceRef, values["to-repo"]));
    const result = await promote({
      source,
      digest: sourceRef.digest,
      destination,
      tags,
      semverAliases: values["semver-aliases"] ?? false,
      dryRun: values["dry-run"] ?? false,
      require,
      ...(trust ? { trust } : {}),
      ...(identity ? { sign: { identity, legacy: values["no-legacy"] !== true } } : {}),
      ...provenanceFrom(values, io.env),
    });
    if (values.json) writeJson(io, result);
    else writeText(io, result);
    return 0;
  },
};
