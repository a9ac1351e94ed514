import type { Observation, Sample } from "./evidence.js";

/** Text assertions compare NFC-normalised text, so composed and decomposed accents are the same answer. */
const nfc = (text: string) => text.normalize("NFC");
const quote = (text: string) => JSON.stringify(text);

export function equals(sample: Sample, expected: string): Observation {
  const holds = nfc(sample.text) === nfc(expected);
  return {
    holds,
    reason: holds ? `output equals ${quote(expected)}` : "output differs from the expected text",
    expected,
    actual: sample.text,
  };
}

export function contains(sample: Sample, needle: string): Observation {
  const holds = nfc(sample.text).includes(nfc(needle));
  return { holds, reason: `output ${holds ? "contains" : "does not contain"} ${quote(needle)}`, actual: sample.text };
}

export function icontains(sample: Sample, needle: string): Observation {
  const holds = nfc(sample.text).toLowerCase().includes(nfc(needle).toLowerCase());
  return {
    holds,
    reason: `output ${holds ? "contains" : "does not contain"} ${quote(needle)} (ignoring case)`,
    actual: sample.text,
  };
}

export function startsWith(sample: Sample, prefix: string): Observation {
  const holds = nfc(sample.text).startsWith(nfc(prefix));
  return {
    holds,
    reason: `output ${holds ? "starts" : "does not start"} with ${quote(prefix)}`,
    expected: prefix,
    actual: sample.text,
  };
}

export function containsAny(sample: Sample, needles: readonly string[]): Observation {
  const text = nfc(sample.text);
  const found = needles.filter((n) => text.includes(nfc(n)));
  return {
    holds: found.length > 0,
    reason:
      found.length > 0
        ? `output contains ${found.map(quote).join(", ")}`
        : `output contains none of ${needles.map(quote).join(", ")}`,
    actual: sample.text,
  };
}

export function containsAll(sample: Sample, needles: readonly string[]): Observation {
  const text = nfc(sample.text);
  const missing = needles.filter((n) => !text.includes(nfc(n)));
  return {
    holds: missing.length === 0,
    reason:
      missing.length === 0
        ? `output contains all of ${needles.map(quote).join(", ")}`
        : `output lacks ${missing.map(quote).join(", ")}`,
    actual: sample.text,
  };
}

export function regex(sample: Sample, pattern: RegExp): Observation {
  // A fresh RegExp so a `g` or `y` flag's lastIndex never carries over between answers.
  const holds = new RegExp(pattern.source, pattern.flags).test(nfc(sample.text));
  return {
    holds,
    reason: `output ${holds ? "matches" : "does not match"} /${pattern.source}/${pattern.flags}`,
    actual: sample.text,
  };
}

export function finishReason(sample: Sample, expected: string): Observation {
  const actual = sample.finishReason ?? "none";
  return {
    holds: actual === expected,
    reason: `finish reason is ${quote(actual)}`,
    expected,
    actual,
  };
}
