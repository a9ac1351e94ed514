/**
 * Every check the scanner makes, with an id that never changes once released: GitHub code scanning matches
 * alerts across runs by rule id, and a promotion policy or a suppression may name one.
 */

export type FindingLevel = "error" | "warning" | "note";

export interface Rule {
  readonly id: string;
  /** PascalCase name, as SARIF's reportingDescriptor.name wants it. */
  readonly name: string;
  readonly level: FindingLevel;
  /** One sentence: what the rule reports. */
  readonly summary: string;
  /** Why it matters and what to do about it. */
  readonly help: string;
  /** CVSS-like 0-10 score GitHub uses to rank security alerts. */
  readonly severity: number;
}

function rule(id: string, name: string, level: FindingLevel, severity: number, summary: string, help: string): Rule {
  return { id, name, level, severity, summary, help };
}

const PARSER_RISK =
  "Parsers that trust GGUF headers have read and written out of bounds on crafted files; rebuild the file with a maintained converter rather than loading it.";

export const RULES = {
  badMagic: rule(
    "gguf/magic",
    "GgufMagic",
    "error",
    5,
    "The file does not start with the GGUF magic bytes.",
    "The file is not a GGUF model; a runtime given it may misinterpret every following byte.",
  ),
  version: rule(
    "gguf/version",
    "GgufVersion",
    "error",
    5,
    "The GGUF version is not 2 or 3.",
    "Only GGUF versions 2 and 3 have the 64-bit counts this scanner and current runtimes read; convert the model again with a current converter.",
  ),
  truncated: rule(
    "gguf/truncated",
    "GgufTruncated",
    "error",
    7,
    "The header declares more bytes than the file holds.",
    `A count or length in the header runs past the end of the file: the file was cut short or crafted. ${PARSER_RISK}`,
  ),
  countLimit: rule(
    "gguf/count-limit",
    "GgufCountLimit",
    "error",
    8,
    "A tensor, key or array count is beyond what the file could hold or beyond a sane limit.",
    `Huge counts make parsers allocate or loop without bound (heap overflows in 2024 came from such headers). ${PARSER_RISK}`,
  ),
  lengthLimit: rule(
    "gguf/length-limit",
    "GgufLengthLimit",
    "error",
    8,
    "A string length is beyond the file's end or a sane limit.",
    `Oversized string lengths are the classic out-of-bounds read in GGUF parsers. ${PARSER_RISK}`,
  ),
  valueType: rule(
    "gguf/value-type",
    "GgufValueType",
    "error",
    7,
    "A metadata value has an unknown type, or a well-known key has the wrong type.",
    `Runtimes read a value by its declared type; an unknown type or a key with an unexpected type makes them misread what follows. ${PARSER_RISK}`,
  ),
  duplicateKey: rule(
    "gguf/duplicate-key",
    "GgufDuplicateKey",
    "error",
    6,
    "A metadata key appears more than once.",
    "Runtimes disagree on which copy wins, so a reviewer and the runtime can see different values (for example two chat templates).",
  ),
  duplicateTensor: rule(
    "gguf/duplicate-tensor",
    "GgufDuplicateTensor",
    "error",
    6,
    "A tensor name appears more than once.",
    "Runtimes disagree on which tensor they load; llama.cpp refuses such files.",
  ),
  tensorName: rule(
    "gguf/tensor-name",
    "GgufTensorName",
    "error",
    6,
    "A tensor name is longer than ggml allows (63 bytes) or is not UTF-8.",
    `ggml keeps tensor names in fixed 64-byte buffers. ${PARSER_RISK}`,
  ),
  tensorType: rule(
    "gguf/tensor-type",
    "GgufTensorType",
    "error",
    7,
    "A tensor has a type ggml does not know (or no longer supports).",
    `The tensor's size cannot be computed, so its bounds cannot be checked. ${PARSER_RISK}`,
  ),
  tensorShape: rule(
    "gguf/tensor-shape",
    "GgufTensorShape",
    "error",
    8,
    "A tensor has no dimensions or more than four, a dimension that is not positive, a row not a whole number of blocks, or a size that overflows 64 bits.",
    `Size arithmetic on such dimensions wraps around, and a runtime then allocates little and copies much. ${PARSER_RISK}`,
  ),
  tensorAlignment: rule(
    "gguf/tensor-alignment",
    "GgufTensorAlignment",
    "error",
    6,
    "A tensor's offset is not a multiple of the file's alignment, or the alignment itself is invalid.",
    `Runtimes map tensor data in place and assume the alignment. ${PARSER_RISK}`,
  ),
  tensorBounds: rule(
    "gguf/tensor-bounds",
    "GgufTensorBounds",
    "error",
    8,
    "A tensor's data lies outside the data section, or overlaps another tensor.",
    `A runtime that maps the tensor reads past the file or aliases two tensors. ${PARSER_RISK}`,
  ),
  vocabulary: rule(
    "gguf/vocabulary",
    "GgufVocabulary",
    "error",
    7,
    "Declared vocabulary sizes disagree (tokens, scores, token types, embedding rows) or a special token id is outside the vocabulary.",
    "Token ids index these arrays and the embedding matrix; a mismatch reads out of bounds at inference time.",
  ),
  shards: rule(
    "gguf/shards",
    "GgufShards",
    "error",
    6,
    "The shards of a split model disagree: split.no out of order, split.count or split.tensors.count not matching, or a tensor in two shards.",
    "Runtimes load split models by these keys; a shard set that disagrees with itself loads the wrong tensors or reads past a shard.",
  ),
  headerLimit: rule(
    "gguf/header-limit",
    "GgufHeaderLimit",
    "warning",
    3,
    "The header holds more text than the scanner keeps in memory; some values were not checked.",
    "The scanner bounds its memory; values past its budget (very long descriptions, templates) are skipped rather than read.",
  ),
  templateParse: rule(
    "template/parse",
    "ChatTemplateParse",
    "warning",
    4,
    "A chat template does not parse as the Jinja subset chat templates use.",
    "The template could not be checked. Runtimes with a full Jinja engine may still render it; review it by hand.",
  ),
  templateDunder: rule(
    "template/dunder",
    "ChatTemplateDunderAccess",
    "error",
    9,
    "A chat template reaches a dunder attribute (__class__, __mro__, __subclasses__, __globals__, __builtins__, ...).",
    "Dunder attributes serve only to escape the template into the host language: server-side template injection (CVE-2024-34359). Do not serve this model with a runtime that renders templates in unsandboxed Jinja.",
  ),
  templateGadget: rule(
    "template/gadget",
    "ChatTemplateGadget",
    "error",
    9,
    "A chat template names a known template-injection gadget (lipsum, cycler, joiner, self, request, config, os, popen, eval, ...) or loads another template (include, import, extends).",
    "These names lead from a Jinja template to Python's globals and to command execution, and loads reach the renderer's file system; chat templates never need them.",
  ),
  templateCall: rule(
    "template/escape-call",
    "ChatTemplateEscapeCall",
    "error",
    9,
    "A chat template calls a function reached through a dunder attribute or a gadget.",
    "Calling what such a chain reaches is how a template injection executes code on the host that renders it.",
  ),
  templateObfuscation: rule(
    "template/obfuscated-name",
    "ChatTemplateObfuscatedName",
    "warning",
    6,
    "A chat template builds an attribute name at run time (attr or an item lookup with a computed name, or a string holding a dunder).",
    "Building attribute names from pieces is how injections hide dunder names from simple scanners. Review the template.",
  ),
  templateSize: rule(
    "template/size",
    "ChatTemplateSize",
    "warning",
    3,
    "A chat template is larger than the scanner reads.",
    "Real chat templates are a few kilobytes; the template was not checked.",
  ),
  policyLicense: rule(
    "policy/license",
    "PolicyLicense",
    "error",
    0,
    "The model's licence is missing or not among the policy's allowed licences.",
    "The scan policy lists the licences this organisation accepts; take another model or extend the policy on purpose.",
  ),
  policyArchitecture: rule(
    "policy/architecture",
    "PolicyArchitecture",
    "error",
    0,
    "The model's architecture is not among the policy's allowed architectures.",
    "The scan policy lists the architectures the product's runtimes are known to serve.",
  ),
  policySize: rule(
    "policy/max-size",
    "PolicyMaxSize",
    "error",
    0,
    "The model is larger than the policy's maximum size.",
    "The scan policy caps model size (memory, disk and download time on the serving machines).",
  ),
  policyRequiredKey: rule(
    "policy/required-key",
    "PolicyRequiredKey",
    "error",
    0,
    "A metadata key the policy requires is missing.",
    "The scan policy names metadata every model must carry (licence, chat template, context length, ...).",
  ),
} as const satisfies Record<string, Rule>;

export type RuleKey = keyof typeof RULES;

export const ALL_RULES: readonly Rule[] = Object.values(RULES);
