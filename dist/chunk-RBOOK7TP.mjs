import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/github/promotion-summary.ts
function code(value) {
  return value === null ? "none" : `\`${value}\``;
}
__name(code, "code");
function byline(context) {
  const who = context.actor ? ` by **${context.actor}**` : "";
  const where = context.runUrl ? ` in [this run](${context.runUrl})` : "";
  return who || where ? `
Moved${who}${where}.
` : "";
}
__name(byline, "byline");
function promotionSummary(result, context) {
  const title = result.dryRun ? "Dry run: would promote" : "Promoted";
  const from = result.source === result.destination ? `in \`${result.destination}\`` : `from \`${result.source}\` to \`${result.destination}\``;
  const results = result.results;
  const carried = results && results.copied + results.present > 0 ? `, with its results (${results.copied} copied, ${results.present} already there)` : "";
  const rows = result.tags.map((t) => {
    const what = t.changed ? result.dryRun ? "would move" : "moved" : `unchanged${t.note ? `: ${t.note}` : ""}`;
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
    byline(context)
  ].join("\n");
}
__name(promotionSummary, "promotionSummary");
function revertSummary(result, context) {
  const what = result.changed ? "reverted" : "already there";
  return [
    `### Reverted \`${result.target}:${result.tag}\``,
    "",
    "| Tag | From | To | |",
    "| --- | --- | --- | --- |",
    `| \`${result.tag}\` | ${code(result.previous)} | ${code(result.digest)} | ${what} |`,
    byline(context)
  ].join("\n");
}
__name(revertSummary, "revertSummary");

export {
  promotionSummary,
  revertSummary
};
