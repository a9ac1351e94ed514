import { ATTESTED_KINDS, type AttestedKind, type Evidence } from "../trust/evidence.js";
import { statementPassed } from "../trust/predicates.js";
import type { ResultRecord } from "./policy.js";

const KIND_OF = new Map<string, AttestedKind>(
  Object.entries(ATTESTED_KINDS).map(([kind, predicateType]) => [predicateType, kind as AttestedKind]),
);

/**
 * The results a trust policy counts: attestations that verified, each a compat or bench record by its
 * predicate type, passed when the signed predicate says PASSED, with the bench verdict it signed.
 */
export function signedResults(evidence: Evidence): ResultRecord[] {
  return evidence.verified.flatMap((v): ResultRecord[] => {
    const kind = KIND_OF.get(v.statement.predicateType);
    if (kind === undefined) return [];
    const passed = statementPassed(v.statement);
    // The bench predicate carries the document's verdict; a result signed against it is an override.
    const verdict = v.statement.predicate.verdict;
    if (kind !== "bench" || typeof verdict !== "string") return [{ descriptor: v.referrer, kind, passed }];
    const overridden = (verdict !== "regression") !== passed;
    return [
      {
        descriptor: v.referrer,
        kind,
        passed,
        verdict,
        ...(overridden ? { override: passed ? ("passed" as const) : ("failed" as const) } : {}),
      },
    ];
  });
}
