import type { CompatResults } from "../results.js";

/** One error annotation; the GitHub shell hands these to core.error, other CI shells print them. */
export interface Annotation {
  readonly title: string;
  readonly message: string;
  readonly file: string;
  readonly line: number;
}

/** One per failed or errored case, at its first failed assertion (or the case itself for an error). */
export function annotations(results: CompatResults): Annotation[] {
  return results.cases.flatMap((c): Annotation[] => {
    if (c.status === "pass") return [];
    if (c.status === "error") {
      return [{ title: `compat: case ${c.id} errored`, message: c.error ?? "backend error", ...c.location }];
    }
    const failed = c.assertions.filter((a) => !a.pass);
    const first = failed[0];
    const message = failed
      .map((a) => {
        const sides =
          a.expected !== undefined
            ? ` (expected ${JSON.stringify(a.expected)}, got ${JSON.stringify(a.actual ?? "")})`
            : "";
        return `${a.type}: ${a.reason}${sides}`;
      })
      .join("\n");
    return [{ title: `compat: case ${c.id} failed`, message, ...(first ? first.location : c.location) }];
  });
}
