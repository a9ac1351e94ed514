import { parse } from "yaml";
import { UsageError } from "../core/errors.js";
import { parseReference, type Reference } from "../core/ref.js";
import { matchesOllamaModel, type OllamaStoreModel } from "../ollama/ollama-store.js";

/** Where migrated models go: a registry namespace (`host/ns`) or a directory holding one OCI layout per model. */
export type MigrationTarget =
  | { readonly kind: "registry"; readonly prefix: string }
  | { readonly kind: "layout"; readonly dir: string };

export function parseMigrationTarget(to: string): MigrationTarget {
  if (to.startsWith("oci:")) {
    const dir = to.slice("oci:".length);
    if (dir === "") throw new UsageError("--to oci: needs a directory");
    return { kind: "layout", dir };
  }
  const prefix = to.replace(/\/+$/, "");
  // Validated by parsing a reference under it; a bare host gets no Docker Hub namespace by accident.
  parseReference(`${prefix}/x:latest`);
  return { kind: "registry", prefix };
}

/** Ollama name -> target reference, from a YAML or JSON mapping file: `{ "tiny:latest": "host/team/tiny:v1" }`. */
export type NameMapping = ReadonlyMap<string, string>;

export function parseNameMapping(text: string, file: string): NameMapping {
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not YAML or JSON: ${(error as Error).message}`, { cause: error });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UsageError(`${file} must map Ollama names to target references`);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [key, target] of entries) {
    if (typeof target !== "string") throw new UsageError(`${file}: the target of "${key}" must be a string`);
    parseReference(target);
  }
  return new Map(entries as [string, string][]);
}

/**
 * The reference a model is migrated to: the mapping's entry when one names it, else
 * `<prefix>/<namespace>/<model>:<tag>`, or for a layout directory `oci:<dir>/<namespace>/<model>:<tag>`.
 */
export function targetReference(model: OllamaStoreModel, target: MigrationTarget, mapping?: NameMapping): Reference {
  for (const [selector, mapped] of mapping ?? []) {
    if (matchesOllamaModel(model, selector)) return parseReference(mapped);
  }
  const { namespace, model: base, tag } = model.name;
  if (target.kind === "layout") return parseReference(`oci:${target.dir}/${namespace}/${base}:${tag}`);
  return parseReference(`${target.prefix}/${namespace}/${base}:${tag}`);
}
