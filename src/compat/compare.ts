import type { CaseDifference, CaseResult } from "./results.js";

/** Cases whose answers differ between two runs of one suite (an error on either side counts as different). */
export function differences(primary: readonly CaseResult[], other: readonly CaseResult[]): CaseDifference[] {
  const byId = new Map(other.map((c) => [c.id, c]));
  const found: CaseDifference[] = [];
  for (const mine of primary) {
    const theirs = byId.get(mine.id);
    if (!theirs) continue;
    const same = mine.status !== "error" && theirs.status !== "error" && mine.output === theirs.output;
    if (same) continue;
    found.push({
      id: mine.id,
      primary: mine.error ?? mine.output,
      other: theirs.error ?? theirs.output,
      primaryStatus: mine.status,
      otherStatus: theirs.status,
    });
  }
  return found;
}
