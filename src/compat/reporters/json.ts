import { writeFile } from "node:fs/promises";
import type { CompatResults } from "../results.js";

/** The results document, as described by schemas/compat-results.schema.json. */
export async function writeResultsJson(path: string, results: CompatResults): Promise<void> {
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
}
