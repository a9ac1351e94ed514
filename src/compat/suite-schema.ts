import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import type { SuiteIssue } from "./suite-error.js";
import type { YamlSource } from "./yaml-source.js";

/** The published schema (schemas/suite.schema.json) is the one the loader enforces, so editors and CI agree. */
export const suiteSchemaUrl = new URL("../../schemas/suite.schema.json", import.meta.url);

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(suiteSchemaUrl, "utf8")) as Record<string, unknown>;
    compiled = new Ajv({ allErrors: true, verbose: true, strict: false }).compile(schema);
  }
  return compiled;
}

/** Checks a parsed suite against the schema; every problem comes back with the line it is on. */
export function schemaIssues(source: YamlSource): SuiteIssue[] {
  const validate = validator();
  if (validate(source.data)) return [];
  const seen = new Set<string>();
  const issues: SuiteIssue[] = [];
  for (const error of validate.errors ?? []) {
    const issue = toIssue(source, error);
    const key = `${issue.line}\0${issue.message}`;
    if (!issue.message || seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues.sort((a, b) => a.line - b.line);
}

function toIssue(source: YamlSource, error: ErrorObject): SuiteIssue {
  const path = error.instancePath
    .split("/")
    .slice(1)
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  const key = error.keyword === "additionalProperties" ? String(error.params.additionalProperty) : undefined;
  return { file: source.file, line: source.lineOf(path, key), message: describe(path, error) };
}

function where(path: readonly (string | number)[]): string {
  if (path.length === 0) return "suite";
  return path.map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`)).join("");
}

/** ajv's wording, made specific; branch-level noise from if/then, oneOf and anyOf is dropped (empty message). */
function describe(path: readonly (string | number)[], error: ErrorObject): string {
  if (error.keyword === "if" || /\/(oneOf|anyOf)\/\d+\//.test(error.schemaPath)) return "";
  const at = where(path);
  switch (error.keyword) {
    case "additionalProperties":
      return `${at}: unknown property "${String(error.params.additionalProperty)}"`;
    case "required":
      return `${at}: missing required property "${String(error.params.missingProperty)}"`;
    case "oneOf":
      return `${at}: a case needs exactly one of "messages", "prompt" or "input"`;
    case "anyOf": {
      const branches = (error.parentSchema?.anyOf ?? []) as { type?: string; items?: { type?: string } }[];
      const kinds = branches.map((b) => (b.type === "array" ? `a list of ${b.items?.type ?? "value"}s` : b.type));
      const article = (kind = "value") =>
        kind.startsWith("a ") ? kind : /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
      return `${at}: must be ${kinds.map(article).join(" or ")}`;
    }
    case "enum": {
      const allowed = (error.params.allowedValues as unknown[]).map(String);
      if (path.at(-1) === "type" && path.at(-3) === "assert") {
        return `${at}: unknown assertion type ${JSON.stringify(error.data)} (known: ${allowed.filter((a) => !a.startsWith("not-")).join(", ")}; prefix not- to negate)`;
      }
      return `${at}: must be one of ${allowed.join(", ")}`;
    }
    case "pattern":
      if (path.at(-1) === "id") {
        return `${at}: ${JSON.stringify(error.data)} is not a usable case id (letters, digits and _ . : / -, starting with a letter or digit)`;
      }
      return `${at}: ${error.message ?? error.keyword}`;
    case "type":
      if (path.length === 0 && error.data === null) return "suite: the file is empty; a suite needs at least cases";
      return `${at}: ${error.message ?? error.keyword}`;
    default:
      return `${at}: ${error.message ?? error.keyword}`;
  }
}
