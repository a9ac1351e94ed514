import { ATTESTED_KINDS, type AttestedKind, type Evidence } from "../trust/evidence.js";
import { statementPassed } from "../trust/predicates.js";
import type { ResultRecord } from "./policy.js";

const KIND_OF = new Map<string, AttestedKind>(
  Object.entries(ATTESTED_KINDS).map(([kind, predicateType]) => [predicateType, kind as AttestedKind]),
);

/**
 * The results a trust policy counts: attestations that verified, each a compat or bench record by its
 * predicate type, passed when the signed predicate says PASSED.
 */
export function signedResults(evidence: Evidence): ResultRecord[] {
  return evidence.verified.flatMap((v): ResultRecord[] => {
    const kind = KIND_OF.get(v.statement.predicateType);
    if (kind === undefined) return [];
    return [{ descriptor: v.referrer, kind, passed: statementPassed(v.statement) }];
  });
}
