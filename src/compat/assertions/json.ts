import { compileJsonSchema } from "../json-schema-compile.js";
import type { Observation, Sample } from "./evidence.js";

type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

/** The whole answer, trimmed, must be one JSON document: prose around it is a failure, as an API client would see. */
function parse(text: string): Parsed {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: false, error: "output is empty, not JSON" };
  try {
    return { ok: true, value: JSON.parse(trimmed) };
  } catch (error) {
    return { ok: false, error: `output is not JSON (${(error as Error).message})` };
  }
}

export function isJson(sample: Sample): Observation {
  const parsed = parse(sample.text);
  return parsed.ok
    ? { holds: true, reason: "output is valid JSON" }
    : { holds: false, reason: parsed.error, actual: sample.text };
}

export function matchesJsonSchema(sample: Sample, schema: Readonly<Record<string, unknown>>): Observation {
  const parsed = parse(sample.text);
  if (!parsed.ok) return { holds: false, reason: parsed.error, actual: sample.text };
  const validate = compileJsonSchema(schema);
  if (validate(parsed.value)) return { holds: true, reason: "output matches the JSON Schema" };
  const problems = (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}`);
  return { holds: false, reason: `output does not match the JSON Schema: ${problems.join("; ")}`, actual: sample.text };
}
