import * as core from "@actions/core";

/** One finding to show on the run page and, when it names a file, beside that line of the pull request. */
export interface AnnotationRecord {
  readonly title: string;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  /** error unless said otherwise. */
  readonly level?: "error" | "warning" | "notice";
}

const LEVELS = { error: core.error, warning: core.warning, notice: core.notice } as const;

export function annotate(records: readonly AnnotationRecord[]): void {
  for (const record of records) {
    LEVELS[record.level ?? "error"](record.message, {
      title: record.title,
      ...(record.file === undefined ? {} : { file: record.file }),
      ...(record.line === undefined ? {} : { startLine: record.line }),
    });
  }
}
