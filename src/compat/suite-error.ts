import { UsageError } from "../core/errors.js";

/** One problem in a suite, at the line a person has to edit. */
export interface SuiteIssue {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export function formatIssue(issue: SuiteIssue): string {
  return `${issue.file}:${issue.line}: ${issue.message}`;
}

/** A suite that cannot run as written; carries every problem found, not only the first. */
export class SuiteError extends UsageError {
  readonly issues: readonly SuiteIssue[];

  constructor(issues: readonly SuiteIssue[], options?: { cause?: unknown }) {
    const [first] = issues;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    super(first ? `invalid suite: ${formatIssue(first)}${more}` : "invalid suite", options);
    this.issues = issues;
  }
}
