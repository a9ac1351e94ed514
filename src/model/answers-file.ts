import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { UsageError } from "../core/errors.js";
import type { KnownAnswer } from "./known-answer.js";

/** A known-answer list from a YAML or JSON file: a list of `{prompt, answer}` (JSON is YAML too). */
export async function readAnswersFile(path: string): Promise<KnownAnswer[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read the answers file ${path}`, { cause: error });
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new UsageError(`the answers file ${path} is neither YAML nor JSON`, { cause: error });
  }
  if (!Array.isArray(document)) {
    throw new UsageError(`the answers file ${path} must hold a list of {prompt, answer} entries`);
  }
  return document.map((entry, index) => {
    const { prompt, answer } = (entry ?? {}) as Record<string, unknown>;
    if (typeof prompt !== "string" || typeof answer !== "string") {
      throw new UsageError(`${path}: entry ${index + 1} needs a string "prompt" and a string "answer"`);
    }
    return { prompt, answer };
  });
}
