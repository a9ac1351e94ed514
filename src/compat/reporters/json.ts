import { writeFile } from "node:fs/promises";
import type { CompatResults } from "../results.js";

/** The results document, as described by schemas/compat-results.schema.json. */
export function resultsJson(results: CompatResults): string {
  return `${JSON.stringify(results, null, 2)}\n`;
}

export async function writeResultsJson(path: string, results: CompatResults): Promise<void> {
  await writeFile(path, resultsJson(results));
}
