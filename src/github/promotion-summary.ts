import type { PromoteResult } from "../promote/promote.js";
import type { RevertResult } from "../promote/revert.js";
import type { RunContext } from "./run-context.js";

function code(value: string | null): string {
  return value === null ? "none" : `\`${value}\``;
}

function byline(context: RunContext): string {
  const who = context.actor ? ` by **${context.actor}**` : "";
  const where = context.runUrl ? ` in [this run](${context.runUrl})` : "";
  return who || where ? `\nMoved${who}${where}.\n` : "";
}

/** The job summary of a promotion: what moved, from where to where, by whom, from which run. */
export function promotionSummary(result: PromoteResult, context: RunContext): string {
  const title = result.dryRun ? "Dry run: would promote" : "Promoted";
  const from =
    result.source === result.destination
      ? `in \`${result.destination}\``
      : `from \`${result.source}\` to \`${result.destination}\``;
  const results = result.results;
  const carried =
    results && results.copied + results.present > 0
      ? `, with its results (${results.copied} copied, ${results.present} already there)`
      : "";
  const rows = result.tags.map((t) => {
    const what = t.changed ? (result.dryRun ? "would move" : "moved") : `unchanged${t.note ? `: ${t.note}` : ""}`;
    return `| \`${t.tag}\`${t.alias ? " (alias)" : ""} | ${code(t.previous)} | ${code(t.digest)} | ${what} |`;
  });
  return [
    `### ${title} \`${result.digest}\``,
    "",
    `${from}${carried}`,
    "",
    "| Tag | From | To | |",
    "| --- | --- | --- | --- |",
    ...rows,
    byline(context),
  ].join("\n");
}

/** The job summary of a revert. */
export function revertSummary(result: RevertResult, context: RunContext): string {
  const what = result.changed ? "reverted" : "already there";
  return [
    `### Reverted \`${result.target}:${result.tag}\``,
    "",
    "| Tag | From | To | |",
    "| --- | --- | --- | --- |",
    `| \`${result.tag}\` | ${code(result.previous)} | ${code(result.digest)} | ${what} |`,
    byline(context),
  ].join("\n");
}
