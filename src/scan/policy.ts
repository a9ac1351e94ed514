import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { Ajv, type ValidateFunction } from "ajv";
import { parse } from "yaml";
import { parseByteSize } from "../core/byte-size.js";
import { UsageError } from "../core/errors.js";
import { type FindingList, quoted } from "./findings.js";
import { RULES } from "./rules.js";

/**
 * The optional scan policy file (YAML or JSON): what an organisation accepts in a model beyond its being
 * well formed. Every field is optional; an empty policy checks nothing.
 */
export interface ScanPolicy {
  /** SPDX ids or names, compared without regard to case. */
  readonly licenses?: readonly string[];
  readonly architectures?: readonly string[];
  /** Bytes of all the model's files together. */
  readonly maxSize?: number;
  readonly requiredKeys?: readonly string[];
}

interface PolicyFile {
  licenses?: string[];
  architectures?: string[];
  "max-size"?: string | number;
  "required-keys"?: string[];
}

/** The published schema is the one enforced; compiled on first use. */
let validator: ValidateFunction<PolicyFile> | undefined;
function validate(document: unknown): document is PolicyFile {
  if (!validator) {
    const schema = JSON.parse(readFileSync(new URL("../../schemas/scan-policy.schema.json", import.meta.url), "utf8"));
    validator = new Ajv({ allErrors: true, allowUnionTypes: true }).compile<PolicyFile>(schema);
  }
  return validator(document);
}

export function parseScanPolicy(text: string, file: string): ScanPolicy {
  let document: unknown;
  try {
    document = parse(text) ?? {};
  } catch (error) {
    throw new UsageError(`${file} is not YAML or JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!validate(document)) {
    const problems = (validator?.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ");
    throw new UsageError(`${file}: ${problems} (fields: licenses, architectures, max-size, required-keys)`);
  }
  const size = document["max-size"];
  return {
    ...(document.licenses && { licenses: document.licenses }),
    ...(document.architectures && { architectures: document.architectures }),
    ...(size !== undefined && { maxSize: typeof size === "number" ? size : parseByteSize(size, `${file}: max-size`) }),
    ...(document["required-keys"] && { requiredKeys: document["required-keys"] }),
  };
}

export async function loadScanPolicy(file: string): Promise<ScanPolicy> {
  const text = await readFile(file, "utf8").catch((error: unknown) => {
    throw new UsageError(`cannot read the scan policy ${file}: ${(error as Error).message}`, { cause: error });
  });
  return parseScanPolicy(text, file);
}

/** What the policy is checked against, gathered from the headers and layers. */
export interface PolicyFacts {
  readonly architecture?: string;
  /** Licence ids or expressions the model declares (metadata and licence files). */
  readonly licenses: readonly string[];
  readonly size: number;
  readonly metadataKeys: ReadonlySet<string>;
}

/** `MIT OR Apache-2.0` needs one of its ids allowed; `A AND B` needs both; a plain id itself. */
function licenseAllowed(expression: string, allowed: ReadonlySet<string>): boolean {
  const ids = (separator: RegExp) =>
    expression.split(separator).map((id) => id.replace(/[()]/g, "").trim().toLowerCase());
  if (/\sOR\s/i.test(expression)) return ids(/\sOR\s/i).some((id) => allowed.has(id));
  return ids(/\sAND\s/i).every((id) => allowed.has(id));
}

export function checkPolicy(policy: ScanPolicy, facts: PolicyFacts, findings: FindingList): void {
  if (policy.licenses) checkLicenses(policy.licenses, facts.licenses, findings);
  if (policy.architectures) checkArchitecture(policy.architectures, facts.architecture, findings);
  if (policy.maxSize !== undefined && facts.size > policy.maxSize) {
    findings.add(RULES.policySize, `the model is ${facts.size} bytes, more than the policy's ${policy.maxSize}`);
  }
  for (const key of policy.requiredKeys ?? []) {
    if (!facts.metadataKeys.has(key)) {
      findings.add(RULES.policyRequiredKey, `metadata key ${quoted(key)} is required by the policy`, { name: key });
    }
  }
}

function checkLicenses(allowedLicenses: readonly string[], licenses: readonly string[], findings: FindingList): void {
  const allowed = new Set(allowedLicenses.map((l) => l.toLowerCase()));
  if (licenses.length === 0) {
    findings.add(RULES.policyLicense, "the model declares no licence (general.license or a licence file)");
  }
  for (const license of licenses) {
    if (!licenseAllowed(license, allowed)) {
      findings.add(RULES.policyLicense, `licence ${quoted(license)} is not allowed by the policy`, {
        name: license,
      });
    }
  }
}

function checkArchitecture(
  architectures: readonly string[],
  architecture: string | undefined,
  findings: FindingList,
): void {
  const allowed = new Set(architectures.map((a) => a.toLowerCase()));
  if (architecture !== undefined && allowed.has(architecture.toLowerCase())) return;
  const what = architecture === undefined ? "no architecture" : `architecture ${quoted(architecture)}`;
  findings.add(RULES.policyArchitecture, `${what} is not allowed by the policy`, {
    name: architecture ?? "general.architecture",
  });
}

const SPDX_LINE = /SPDX-License-Identifier:\s*([^\s*#]+(?:\s+(?:OR|AND)\s+[^\s*#]+)*)/i;

/** Licence texts recognised by their opening words, for licence files without an SPDX line. */
const KNOWN_TEXTS: readonly [RegExp, string][] = [
  [/Apache License\s+Version 2\.0/i, "Apache-2.0"],
  [/^\s*MIT License/i, "MIT"],
  [/Permission is hereby granted, free of charge/i, "MIT"],
  [/LLAMA 3\.1 COMMUNITY LICENSE/i, "llama3.1"],
  [/LLAMA 3\.2 COMMUNITY LICENSE/i, "llama3.2"],
  [/META LLAMA 3 COMMUNITY LICENSE/i, "llama3"],
  [/Gemma Terms of Use/i, "gemma"],
];

/** The licence a licence file states: its SPDX line, else a well-known text, else undefined. */
export function identifyLicenseText(text: string): string | undefined {
  const spdx = SPDX_LINE.exec(text)?.[1];
  if (spdx) return spdx;
  return KNOWN_TEXTS.find(([pattern]) => pattern.test(text))?.[1];
}
