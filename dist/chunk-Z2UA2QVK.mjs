import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  EndpointError
} from "./chunk-PTCBALH6.mjs";
import {
  require_ajv,
  require_dist
} from "./chunk-NXMSOHYS.mjs";
import {
  mapLimit
} from "./chunk-OKSVDTLS.mjs";
import {
  CortexError,
  UsageError,
  describeError
} from "./chunk-X6O7WWHG.mjs";
import {
  __name,
  __toESM
} from "./chunk-R62IGYHN.mjs";

// src/compat/suite-load.ts
var import_yaml2 = __toESM(require_dist(), 1);
import { readFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";

// src/compat/json-schema-compile.ts
var import_ajv = __toESM(require_ajv(), 1);
var cache = /* @__PURE__ */ new WeakMap();
function compileJsonSchema(schema) {
  let validate = cache.get(schema);
  if (!validate) {
    validate = new import_ajv.Ajv({ allErrors: true, strict: false }).compile(schema);
    cache.set(schema, validate);
  }
  return validate;
}
__name(compileJsonSchema, "compileJsonSchema");

// src/compat/suite.ts
var defaultTimeoutMs = 6e4;
var defaultDeterministicN = 3;

// src/compat/suite-error.ts
function formatIssue(issue) {
  return `${issue.file}:${issue.line}: ${issue.message}`;
}
__name(formatIssue, "formatIssue");
var SuiteError = class extends UsageError {
  static {
    __name(this, "SuiteError");
  }
  issues;
  constructor(issues, options) {
    const [first] = issues;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    super(first ? `invalid suite: ${formatIssue(first)}${more}` : "invalid suite", options);
    this.issues = issues;
  }
};

// src/compat/suite-schema.ts
var import_ajv2 = __toESM(require_ajv(), 1);
import { readFileSync } from "node:fs";
var suiteSchemaUrl = new URL("./suite.schema.json", import.meta.url);
var compiled;
function validator() {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(suiteSchemaUrl, "utf8"));
    compiled = new import_ajv2.Ajv({ allErrors: true, verbose: true, strict: false }).compile(schema);
  }
  return compiled;
}
__name(validator, "validator");
function schemaIssues(source) {
  const validate = validator();
  if (validate(source.data)) return [];
  const seen = /* @__PURE__ */ new Set();
  const issues = [];
  for (const error of validate.errors ?? []) {
    const issue = toIssue(source, error);
    const key = `${issue.line}\0${issue.message}`;
    if (!issue.message || seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues.sort((a, b) => a.line - b.line);
}
__name(schemaIssues, "schemaIssues");
function toIssue(source, error) {
  const path = error.instancePath.split("/").slice(1).map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~")).map((part) => /^\d+$/.test(part) ? Number(part) : part);
  const key = error.keyword === "additionalProperties" ? String(error.params.additionalProperty) : void 0;
  return { file: source.file, line: source.lineOf(path, key), message: describe(path, error) };
}
__name(toIssue, "toIssue");
function where(path) {
  if (path.length === 0) return "suite";
  return path.map((part, i) => typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`).join("");
}
__name(where, "where");
function describe(path, error) {
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
      const branches = error.parentSchema?.anyOf ?? [];
      const kinds = branches.map((b) => b.type === "array" ? `a list of ${b.items?.type ?? "value"}s` : b.type);
      const article = /* @__PURE__ */ __name((kind = "value") => kind.startsWith("a ") ? kind : /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`, "article");
      return `${at}: must be ${kinds.map(article).join(" or ")}`;
    }
    case "enum": {
      const allowed = error.params.allowedValues.map(String);
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
__name(describe, "describe");

// src/compat/template.ts
var placeholder = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
function substitute(text, vars) {
  const missing = [];
  const result = text.replace(placeholder, (whole, name) => {
    const value = vars[name];
    if (value === void 0) {
      missing.push(name);
      return whole;
    }
    return String(value);
  });
  return { text: result, missing };
}
__name(substitute, "substitute");

// src/compat/yaml-source.ts
var import_yaml = __toESM(require_dist(), 1);
function parseYamlSource(file, text) {
  const lineCounter = new import_yaml.LineCounter();
  const doc = (0, import_yaml.parseDocument)(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((error) => ({
      file,
      line: lineCounter.linePos(error.pos[0]).line,
      message: error.message.split("\n")[0] ?? error.code
    }));
    throw new SuiteError(issues);
  }
  return {
    file,
    data: doc.toJS({ maxAliasCount: 100 }),
    lineOf: /* @__PURE__ */ __name((path, key) => lineOf(doc, lineCounter, path, key), "lineOf")
  };
}
__name(parseYamlSource, "parseYamlSource");
function lineOf(doc, lineCounter, path, key) {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    const start = nodeStart(node, depth === path.length ? key : void 0);
    if (start !== void 0) return lineCounter.linePos(start).line;
  }
  return 1;
}
__name(lineOf, "lineOf");
function nodeStart(node, key) {
  if (key !== void 0 && (0, import_yaml.isMap)(node)) {
    const pair = node.items.find((item) => (0, import_yaml.isPair)(item) && (0, import_yaml.isScalar)(item.key) && item.key.value === key);
    if (pair && (0, import_yaml.isScalar)(pair.key) && pair.key.range) return pair.key.range[0];
  }
  if (node && typeof node === "object" && "range" in node) {
    const range = node.range;
    if (range) return range[0];
  }
  return void 0;
}
__name(nodeStart, "nodeStart");

// src/compat/suite-load.ts
var embeddingAssertions = /* @__PURE__ */ new Set(["embedding-dim", "max-latency-ms", "deterministic"]);
async function loadSuite(file, cwd = process.cwd()) {
  const path = resolve(cwd, file);
  let text;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new SuiteError([{ file, line: 1, message: `cannot read suite: ${error.message}` }], {
      cause: error
    });
  }
  return parseSuite(file, text, dirname(path));
}
__name(loadSuite, "loadSuite");
async function parseSuite(file, text, dir) {
  const source = parseYamlSource(file, text);
  const issues = schemaIssues(source);
  if (issues.length > 0) throw new SuiteError(issues);
  const raw = source.data;
  const builder = new SuiteBuilder(source, dir);
  const cases = [];
  for (const [index, rawCase] of raw.cases.entries()) cases.push(await builder.buildCase(raw, rawCase, index));
  builder.checkUniqueIds(cases);
  if (builder.issues.length > 0) throw new SuiteError(builder.issues.sort((a, b) => a.line - b.line));
  return {
    file,
    name: raw.name ?? basename(file).replace(/\.ya?ml$/i, ""),
    ...raw.description !== void 0 && { description: raw.description },
    threshold: raw.threshold ?? 1,
    ...raw.baseline !== void 0 && { baseline: resolve(dir, raw.baseline) },
    cases
  };
}
__name(parseSuite, "parseSuite");
var inputField = { chat: "messages", completions: "prompt", embeddings: "input" };
var SuiteBuilder = class {
  constructor(source, dir) {
    this.source = source;
    this.dir = dir;
  }
  source;
  dir;
  static {
    __name(this, "SuiteBuilder");
  }
  issues = [];
  at(path) {
    return { file: this.source.file, line: this.source.lineOf(path) };
  }
  report(path, message) {
    this.issues.push({ ...this.at(path), message });
  }
  /** Substitutes variables in one string, reporting each unknown name at that string's line. */
  fill(text, vars, path) {
    const result = substitute(text, vars);
    for (const name of result.missing) this.report(path, `unknown variable "${name}" (define it under vars)`);
    return result.text;
  }
  async buildCase(suite, raw, index) {
    const path = ["cases", index];
    const vars = { ...suite.vars, ...raw.vars };
    const request = this.buildRequest(raw, vars, path);
    const assertions = [];
    for (const [i, rawAssertion] of raw.assert.entries()) {
      const assertion = await this.buildAssertion(rawAssertion, vars, [...path, "assert", i]);
      if (!assertion) continue;
      if (raw.api === void 0 || raw.api === request.api)
        this.checkApplies(request.api, assertion, [...path, "assert", i]);
      assertions.push(assertion);
    }
    return {
      ...request,
      ...settings(suite.defaults, raw.options),
      id: raw.id,
      ...raw.description !== void 0 && { description: raw.description },
      weight: raw.weight ?? 1,
      assertions,
      location: this.at(path)
    };
  }
  checkApplies(api, assertion, path) {
    if (api === "embeddings" && !embeddingAssertions.has(assertion.kind)) {
      this.report(path, `${assertion.label} does not apply to an embeddings case`);
    } else if (api !== "embeddings" && assertion.kind === "embedding-dim") {
      this.report(path, `${assertion.label} applies only to an embeddings case`);
    }
  }
  buildRequest(raw, vars, path) {
    const given = raw.messages ? "chat" : raw.prompt !== void 0 ? "completions" : "embeddings";
    const api = raw.api ?? given;
    if (api === "embeddings" !== (given === "embeddings")) {
      this.report([...path, "api"], `api ${api} needs "${inputField[api]}"`);
    }
    if (raw.messages) return this.messagesRequest(raw.messages, api, vars, path);
    if (raw.prompt !== void 0) {
      const prompt = this.fill(raw.prompt, vars, [...path, "prompt"]);
      return api === "chat" ? { api, messages: [{ role: "user", content: prompt }] } : { api: "completions", prompt };
    }
    const input = raw.input ?? "";
    return {
      api: "embeddings",
      input: typeof input === "string" ? this.fill(input, vars, [...path, "input"]) : input.map((item, i) => this.fill(item, vars, [...path, "input", i]))
    };
  }
  /** A chat case, or a completions case whose prompt is the messages' contents, one per line. */
  messagesRequest(raw, api, vars, path) {
    const messages = raw.map((m, i) => ({
      role: m.role,
      content: this.fill(m.content, vars, [...path, "messages", i, "content"])
    }));
    return api === "completions" ? { api, prompt: messages.map((m) => m.content).join("\n") } : { api: "chat", messages };
  }
  async buildAssertion(raw, vars, path) {
    const negate = raw.type.startsWith("not-");
    const kind = negate ? raw.type.slice(4) : raw.type;
    const base = { label: raw.type, negate, location: this.at(path) };
    const valuePath = [...path, "value"];
    switch (kind) {
      case "equals":
      case "contains":
      case "icontains":
      case "starts-with":
      case "finish-reason":
        return { ...base, kind, value: this.fill(String(raw.value), vars, valuePath) };
      case "contains-any":
      case "contains-all":
        return {
          ...base,
          kind,
          value: raw.value.map((v, i) => this.fill(v, vars, [...valuePath, i]))
        };
      case "regex": {
        const text = this.fill(String(raw.value), vars, valuePath);
        try {
          return { ...base, kind, pattern: new RegExp(text, raw.flags ?? "") };
        } catch (error) {
          this.report(valuePath, `invalid regular expression: ${error.message}`);
          return void 0;
        }
      }
      case "is-json":
      case "stream-consistent":
        return { ...base, kind };
      case "json-schema": {
        const schema = await this.resolveSchema(raw.schema ?? {}, [...path, "schema"]);
        return schema && { ...base, kind, schema };
      }
      case "max-latency-ms":
      case "max-ttft-ms":
      case "max-tokens":
      case "min-tokens":
      case "embedding-dim":
        return { ...base, kind, value: Number(raw.value) };
      case "deterministic":
        return { ...base, kind, n: raw.n ?? defaultDeterministicN };
      case "matches-baseline":
        return { ...base, kind, ...raw.threshold !== void 0 && { threshold: raw.threshold } };
    }
  }
  async resolveSchema(given, path) {
    let schema = given;
    if (typeof given === "string") {
      const file = resolve(this.dir, given.slice("file:".length));
      try {
        schema = (0, import_yaml2.parse)(await readFile(file, "utf8"));
      } catch (error) {
        this.report(path, `cannot read schema ${file}: ${error.message.split("\n")[0]}`);
        return void 0;
      }
    }
    if (schema === null || typeof schema !== "object" || Array.isArray(schema)) {
      this.report(path, "schema must be a JSON Schema object");
      return void 0;
    }
    try {
      compileJsonSchema(schema);
    } catch (error) {
      this.report(path, `invalid JSON Schema: ${error.message}`);
      return void 0;
    }
    return schema;
  }
  checkUniqueIds(cases) {
    const seen = /* @__PURE__ */ new Set();
    for (const [index, c] of cases.entries()) {
      if (seen.has(c.id)) this.report(["cases", index, "id"], `duplicate case id "${c.id}"`);
      seen.add(c.id);
    }
  }
};
function settings(defaults = {}, own = {}) {
  const merged = { temperature: 0, ...defaults, ...own };
  const options = {
    temperature: merged.temperature,
    ...merged.seed !== void 0 && { seed: merged.seed },
    ...merged.max_tokens !== void 0 && { maxTokens: merged.max_tokens },
    ...merged.stop !== void 0 && { stop: merged.stop },
    ...merged.top_p !== void 0 && { topP: merged.top_p },
    ...merged.response_format !== void 0 && { responseFormat: merged.response_format }
  };
  return { options, timeoutMs: merged.timeout_ms ?? defaultTimeoutMs, repeats: merged.repeats ?? 1 };
}
__name(settings, "settings");

// src/compat/results.ts
function summarise(cases, threshold) {
  const count = /* @__PURE__ */ __name((status) => cases.filter((c) => c.status === status).length, "count");
  const totalWeight = cases.reduce((sum, c) => sum + c.weight, 0);
  const passedWeight = cases.filter((c) => c.status === "pass").reduce((sum, c) => sum + c.weight, 0);
  const passRate = totalWeight > 0 ? passedWeight / totalWeight : 0;
  return {
    total: cases.length,
    passed: count("pass"),
    failed: count("fail"),
    errors: count("error"),
    passRate,
    threshold,
    // A tiny tolerance so that weights like 0.1 + 0.2 do not miss a threshold they meet.
    verdict: passRate + 1e-9 >= threshold ? "pass" : "fail"
  };
}
__name(summarise, "summarise");
function exitCodeFor(summary) {
  if (summary.total > 0 && summary.errors === summary.total) return 2;
  return summary.verdict === "pass" ? 0 : 1;
}
__name(exitCodeFor, "exitCodeFor");
function parseFailOn(text) {
  if (text === "any") return 1;
  const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  if (!match) return void 0;
  const value = Number(match[1]) / (match[2] ? 100 : 1);
  return value >= 0 && value <= 1 ? value : void 0;
}
__name(parseFailOn, "parseFailOn");

// src/compat/baseline-file.ts
import { readFile as readFile2, writeFile } from "node:fs/promises";
function baselineFrom(suite, results, model, baseUrl, recordedAt) {
  const cases = {};
  for (const result of results) {
    const suiteCase = suite.cases.find((c) => c.id === result.id);
    if (result.status === "error" || !suiteCase) continue;
    cases[result.id] = { api: result.api, output: result.output, options: suiteCase.options };
  }
  return {
    schemaVersion: 1,
    kind: "compat-baseline",
    recordedAt: recordedAt.toISOString(),
    suite: suite.name,
    model,
    baseUrl,
    cases
  };
}
__name(baselineFrom, "baselineFrom");
async function writeBaseline(path, baseline) {
  await writeFile(path, `${JSON.stringify(baseline, null, 2)}
`);
}
__name(writeBaseline, "writeBaseline");
async function readBaseline(path) {
  let parsed;
  try {
    parsed = JSON.parse(await readFile2(path, "utf8"));
  } catch (error) {
    throw new UsageError(`cannot read baseline ${path}`, { cause: error });
  }
  const cases = parsed?.cases;
  if (parsed?.kind !== "compat-baseline" || !cases || typeof cases !== "object") {
    throw new UsageError(`${path} is not a baseline written by cortex-model test --record`);
  }
  const outputs = /* @__PURE__ */ new Map();
  for (const [id, entry] of Object.entries(cases)) {
    if (typeof entry?.output !== "string") throw new UsageError(`${path}: case "${id}" has no output text`);
    outputs.set(id, entry.output);
  }
  return outputs;
}
__name(readBaseline, "readBaseline");

// src/compat/compare.ts
function differences(primary, other) {
  const byId = new Map(other.map((c) => [c.id, c]));
  const found = [];
  for (const mine of primary) {
    const theirs = byId.get(mine.id);
    if (!theirs) continue;
    const same = mine.status !== "error" && theirs.status !== "error" && mine.output === theirs.output;
    if (same) continue;
    found.push({
      id: mine.id,
      primary: mine.error ?? mine.output,
      other: theirs.error ?? theirs.output,
      primaryStatus: mine.status,
      otherStatus: theirs.status
    });
  }
  return found;
}
__name(differences, "differences");

// src/compat/similarity.ts
function normalisedSimilarity(a, b) {
  const left = Array.from(normaliseText(a));
  const right = Array.from(normaliseText(b));
  const longest = Math.max(left.length, right.length);
  if (longest === 0) return 1;
  return 1 - levenshtein(left, right) / longest;
}
__name(normalisedSimilarity, "normalisedSimilarity");
function normaliseText(text) {
  return text.normalize("NFC").trim().replace(/\s+/g, " ");
}
__name(normaliseText, "normaliseText");
function levenshtein(a, b) {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
__name(levenshtein, "levenshtein");

// src/compat/assertions/baseline.ts
function matchesBaseline(sample, baseline, threshold) {
  if (baseline === void 0) return { holds: false, reason: "no baseline output is recorded for this case" };
  if (threshold === void 0) {
    const holds = sample.text === baseline;
    return {
      holds,
      reason: holds ? "output equals the baseline" : "output differs from the baseline",
      expected: baseline,
      actual: sample.text
    };
  }
  const similarity = normalisedSimilarity(baseline, sample.text);
  return {
    holds: similarity >= threshold,
    reason: `similarity to the baseline ${similarity.toFixed(3)} (threshold ${threshold})`,
    expected: baseline,
    actual: sample.text
  };
}
__name(matchesBaseline, "matchesBaseline");

// src/compat/assertions/consistency.ts
function fingerprint(sample) {
  return sample.embeddings ? JSON.stringify(sample.embeddings) : sample.text;
}
__name(fingerprint, "fingerprint");
function deterministic(evidence, n) {
  const samples = evidence.samples.slice(0, n);
  if (samples.length < n) return { holds: false, reason: `only ${samples.length} of ${n} answers were received` };
  const [first, ...rest] = samples;
  const firstPrint = first ? fingerprint(first) : "";
  const index = rest.findIndex((s) => fingerprint(s) !== firstPrint);
  if (index < 0) return { holds: true, reason: `${n} answers are identical` };
  return {
    holds: false,
    reason: `answer ${index + 2} of ${n} differs from answer 1`,
    expected: first?.text ?? "",
    actual: rest[index]?.text ?? ""
  };
}
__name(deterministic, "deterministic");
function streamConsistent(evidence) {
  const pair = evidence.otherMode;
  if (!pair) return { holds: false, reason: "no streamed and non-streamed answers to compare" };
  const holds = pair.streamed === pair.plain;
  return {
    holds,
    reason: holds ? "streamed text equals the non-streamed text" : "streamed text differs from the non-streamed text",
    expected: pair.plain,
    actual: pair.streamed
  };
}
__name(streamConsistent, "streamConsistent");

// src/compat/assertions/json.ts
function parse(text) {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: false, error: "output is empty, not JSON" };
  try {
    return { ok: true, value: JSON.parse(trimmed) };
  } catch (error) {
    return { ok: false, error: `output is not JSON (${error.message})` };
  }
}
__name(parse, "parse");
function isJson(sample) {
  const parsed = parse(sample.text);
  return parsed.ok ? { holds: true, reason: "output is valid JSON" } : { holds: false, reason: parsed.error, actual: sample.text };
}
__name(isJson, "isJson");
function matchesJsonSchema(sample, schema) {
  const parsed = parse(sample.text);
  if (!parsed.ok) return { holds: false, reason: parsed.error, actual: sample.text };
  const validate = compileJsonSchema(schema);
  if (validate(parsed.value)) return { holds: true, reason: "output matches the JSON Schema" };
  const problems = (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}`);
  return { holds: false, reason: `output does not match the JSON Schema: ${problems.join("; ")}`, actual: sample.text };
}
__name(matchesJsonSchema, "matchesJsonSchema");

// src/compat/assertions/metrics.ts
var ms = /* @__PURE__ */ __name((value) => `${Math.round(value)} ms`, "ms");
function maxLatency(sample, limitMs) {
  const took = sample.timing.e2eMs;
  return { holds: took <= limitMs, reason: `answer took ${ms(took)} (limit ${ms(limitMs)})` };
}
__name(maxLatency, "maxLatency");
function maxTtft(sample, limitMs) {
  const ttft = sample.timing.ttftMs;
  if (ttft === void 0) return { holds: false, reason: "no time to first token: the answer carried no content" };
  return { holds: ttft <= limitMs, reason: `first token after ${ms(ttft)} (limit ${ms(limitMs)})` };
}
__name(maxTtft, "maxTtft");
function tokenCount(sample, limit, bound) {
  const count = sample.usage?.completionTokens;
  if (count === void 0) return { holds: false, reason: "the server reported no usage, so tokens cannot be counted" };
  const holds = bound === "max" ? count <= limit : count >= limit;
  return { holds, reason: `answer has ${count} tokens (${bound} ${limit})` };
}
__name(tokenCount, "tokenCount");
function embeddingDim(sample, expected) {
  const vectors = sample.embeddings ?? [];
  if (vectors.length === 0) return { holds: false, reason: "the server returned no embedding" };
  const dims = [...new Set(vectors.map((v) => v.length))];
  return {
    holds: dims.length === 1 && dims[0] === expected,
    reason: `embedding dimension ${dims.join(", ")} (expected ${expected})`
  };
}
__name(embeddingDim, "embeddingDim");

// src/compat/assertions/text.ts
var nfc = /* @__PURE__ */ __name((text) => text.normalize("NFC"), "nfc");
var quote = /* @__PURE__ */ __name((text) => JSON.stringify(text), "quote");
function equals(sample, expected) {
  const holds = nfc(sample.text) === nfc(expected);
  return {
    holds,
    reason: holds ? `output equals ${quote(expected)}` : "output differs from the expected text",
    expected,
    actual: sample.text
  };
}
__name(equals, "equals");
function contains(sample, needle) {
  const holds = nfc(sample.text).includes(nfc(needle));
  return { holds, reason: `output ${holds ? "contains" : "does not contain"} ${quote(needle)}`, actual: sample.text };
}
__name(contains, "contains");
function icontains(sample, needle) {
  const holds = nfc(sample.text).toLowerCase().includes(nfc(needle).toLowerCase());
  return {
    holds,
    reason: `output ${holds ? "contains" : "does not contain"} ${quote(needle)} (ignoring case)`,
    actual: sample.text
  };
}
__name(icontains, "icontains");
function startsWith(sample, prefix) {
  const holds = nfc(sample.text).startsWith(nfc(prefix));
  return {
    holds,
    reason: `output ${holds ? "starts" : "does not start"} with ${quote(prefix)}`,
    expected: prefix,
    actual: sample.text
  };
}
__name(startsWith, "startsWith");
function containsAny(sample, needles) {
  const text = nfc(sample.text);
  const found = needles.filter((n) => text.includes(nfc(n)));
  return {
    holds: found.length > 0,
    reason: found.length > 0 ? `output contains ${found.map(quote).join(", ")}` : `output contains none of ${needles.map(quote).join(", ")}`,
    actual: sample.text
  };
}
__name(containsAny, "containsAny");
function containsAll(sample, needles) {
  const text = nfc(sample.text);
  const missing = needles.filter((n) => !text.includes(nfc(n)));
  return {
    holds: missing.length === 0,
    reason: missing.length === 0 ? `output contains all of ${needles.map(quote).join(", ")}` : `output lacks ${missing.map(quote).join(", ")}`,
    actual: sample.text
  };
}
__name(containsAll, "containsAll");
function regex(sample, pattern) {
  const holds = new RegExp(pattern.source, pattern.flags).test(nfc(sample.text));
  return {
    holds,
    reason: `output ${holds ? "matches" : "does not match"} /${pattern.source}/${pattern.flags}`,
    actual: sample.text
  };
}
__name(regex, "regex");
function finishReason(sample, expected) {
  const actual = sample.finishReason ?? "none";
  return {
    holds: actual === expected,
    reason: `finish reason is ${quote(actual)}`,
    expected,
    actual
  };
}
__name(finishReason, "finishReason");

// src/compat/assertions/evaluate.ts
function evaluate(assertion, evidence) {
  if (assertion.kind === "deterministic") return verdict(assertion, deterministic(evidence, assertion.n));
  if (assertion.kind === "stream-consistent") return verdict(assertion, streamConsistent(evidence));
  return perSample(assertion, evidence.samples, (sample) => observe(assertion, sample, evidence));
}
__name(evaluate, "evaluate");
function perSample(assertion, samples, check) {
  if (samples.length === 0) return verdict(assertion, { holds: false, reason: "no answer was received" });
  let first;
  for (const [index, sample] of samples.entries()) {
    const result = verdict(assertion, check(sample));
    if (!result.pass) {
      return samples.length > 1 ? { ...result, reason: `answer ${index + 1} of ${samples.length}: ${result.reason}` } : result;
    }
    first ??= result;
  }
  return first;
}
__name(perSample, "perSample");
function observe(assertion, sample, evidence) {
  switch (assertion.kind) {
    case "equals":
      return equals(sample, assertion.value);
    case "contains":
      return contains(sample, assertion.value);
    case "icontains":
      return icontains(sample, assertion.value);
    case "starts-with":
      return startsWith(sample, assertion.value);
    case "contains-any":
      return containsAny(sample, assertion.value);
    case "contains-all":
      return containsAll(sample, assertion.value);
    case "regex":
      return regex(sample, assertion.pattern);
    case "finish-reason":
      return finishReason(sample, assertion.value);
    case "is-json":
      return isJson(sample);
    case "json-schema":
      return matchesJsonSchema(sample, assertion.schema);
    case "max-latency-ms":
      return maxLatency(sample, assertion.value);
    case "max-ttft-ms":
      return maxTtft(sample, assertion.value);
    case "max-tokens":
      return tokenCount(sample, assertion.value, "max");
    case "min-tokens":
      return tokenCount(sample, assertion.value, "min");
    case "embedding-dim":
      return embeddingDim(sample, assertion.value);
    case "matches-baseline":
      return matchesBaseline(sample, evidence.baseline, assertion.threshold);
  }
}
__name(observe, "observe");
function verdict(assertion, observation) {
  const pass = assertion.negate ? !observation.holds : observation.holds;
  const showDiff = !pass && !assertion.negate && observation.expected !== void 0;
  return {
    type: assertion.label,
    pass,
    reason: observation.reason,
    ...showDiff && { expected: observation.expected },
    ...!pass && observation.actual !== void 0 && { actual: observation.actual },
    location: assertion.location
  };
}
__name(verdict, "verdict");

// src/compat/runner.ts
async function runSuite(suite, options) {
  return mapLimit(suite.cases, options.concurrency ?? 1, async (suiteCase) => {
    const result = await runCase(suiteCase, options);
    options.onCase?.(result);
    return result;
  });
}
__name(runSuite, "runSuite");
function plan(suiteCase) {
  let samples = suiteCase.repeats;
  let stream = false;
  let otherMode = false;
  for (const assertion of suiteCase.assertions) {
    if (assertion.kind === "deterministic") samples = Math.max(samples, assertion.n);
    if (assertion.kind === "max-ttft-ms") stream = true;
    if (assertion.kind === "stream-consistent") otherMode = true;
  }
  return { samples, stream, otherMode };
}
__name(plan, "plan");
async function runCase(suiteCase, options) {
  const started = performance.now();
  const base = {
    id: suiteCase.id,
    ...suiteCase.description !== void 0 && { description: suiteCase.description },
    api: suiteCase.api,
    weight: suiteCase.weight,
    location: suiteCase.location
  };
  let evidence;
  try {
    evidence = await gather(suiteCase, options);
  } catch (error) {
    return {
      ...base,
      status: "error",
      output: "",
      error: describeError(error),
      assertions: [],
      timings: { samples: 0 },
      durationMs: performance.now() - started
    };
  }
  const assertions = suiteCase.assertions.map((assertion) => evaluate(assertion, evidence));
  const first = evidence.samples[0];
  return {
    ...base,
    status: assertions.every((a) => a.pass) ? "pass" : "fail",
    output: first?.text ?? "",
    assertions,
    timings: {
      ...first && { e2eMs: first.timing.e2eMs },
      ...first?.timing.ttftMs !== void 0 && { ttftMs: first.timing.ttftMs },
      samples: evidence.samples.length
    },
    ...first?.usage && { usage: first.usage },
    durationMs: performance.now() - started
  };
}
__name(runCase, "runCase");
async function gather(suiteCase, options) {
  const { samples: count, stream, otherMode } = plan(suiteCase);
  const baseline = options.baseline?.get(suiteCase.id);
  const withBaseline = baseline === void 0 ? {} : { baseline };
  const common = { model: options.model, timeoutMs: suiteCase.timeoutMs };
  if (suiteCase.api === "embeddings") {
    const samples2 = [];
    for (let i = 0; i < count; i++) {
      const result = await options.client.embed({ ...common, input: suiteCase.input });
      samples2.push({
        text: "",
        finishReason: null,
        timing: result.timing,
        embeddings: result.embeddings,
        ...result.usage && { usage: result.usage }
      });
    }
    return { samples: samples2, ...withBaseline };
  }
  const request = /* @__PURE__ */ __name((streamed) => ({
    ...common,
    options: suiteCase.options,
    stream: streamed,
    ...suiteCase.api === "chat" ? { api: "chat", messages: suiteCase.messages } : { api: "completions", prompt: suiteCase.prompt }
  }), "request");
  const samples = [];
  for (let i = 0; i < count; i++) samples.push(await options.client.generate(request(stream)));
  if (!otherMode) return { samples, ...withBaseline };
  const other = (await options.client.generate(request(!stream))).text;
  const mine = samples[0]?.text ?? "";
  return {
    samples,
    otherMode: stream ? { streamed: mine, plain: other } : { streamed: other, plain: mine },
    ...withBaseline
  };
}
__name(gather, "gather");

// src/compat/test-model.ts
var EndpointUnavailableError = class extends CortexError {
  static {
    __name(this, "EndpointUnavailableError");
  }
  exitCode = 2;
};
async function testModel(options) {
  const { suite, endpoint } = options;
  const threshold = options.threshold ?? suite.threshold;
  const now = options.now ?? (() => /* @__PURE__ */ new Date());
  const baselinePath = options.baselinePath ?? suite.baseline;
  const needsBaseline = suite.cases.some((c) => c.assertions.some((a) => a.kind === "matches-baseline"));
  if (needsBaseline && !baselinePath && !options.recordPath) {
    throw new UsageError(
      `suite ${suite.file} uses matches-baseline but names no baseline: give ${options.baselineHint ?? "a baseline file"} or set baseline in the suite`
    );
  }
  const baseline = baselinePath ? await readBaseline(baselinePath) : void 0;
  await reachable(endpoint);
  if (options.compare) await reachable(options.compare);
  const startedAt = now();
  const started = performance.now();
  const run = /* @__PURE__ */ __name((target, onCase) => runSuite(suite, {
    client: target.client,
    model: target.model.name,
    ...options.concurrency !== void 0 && { concurrency: options.concurrency },
    ...baseline && { baseline },
    ...onCase && { onCase }
  }), "run");
  const cases = await run(endpoint, options.onCase);
  const durationMs = performance.now() - started;
  let comparison;
  if (options.compare) {
    const other = await run(options.compare);
    comparison = {
      model: options.compare.model,
      backend: backendOf(options.compare),
      summary: summarise(other, threshold),
      differences: differences(cases, other)
    };
  }
  if (options.recordPath) {
    await writeBaseline(options.recordPath, baselineFrom(suite, cases, endpoint.model, endpoint.client.baseUrl, now()));
  }
  return {
    schemaVersion: 1,
    kind: "compat-results",
    suite: { name: suite.name, file: suite.file },
    model: endpoint.model,
    backend: backendOf(endpoint),
    startedAt: startedAt.toISOString(),
    durationMs,
    summary: summarise(cases, threshold),
    cases,
    ...comparison && { comparison }
  };
}
__name(testModel, "testModel");
function backendOf(endpoint) {
  return { baseUrl: endpoint.client.baseUrl, ...endpoint.backend !== void 0 && { name: endpoint.backend } };
}
__name(backendOf, "backendOf");
async function reachable(endpoint) {
  try {
    await endpoint.client.listModels({ signal: AbortSignal.timeout(3e4) });
  } catch (error) {
    if (error instanceof EndpointError && error.status !== void 0) {
      throw new EndpointUnavailableError(`endpoint ${endpoint.client.baseUrl} does not list models: ${error.message}`, {
        cause: error
      });
    }
    throw new EndpointUnavailableError(`endpoint ${endpoint.client.baseUrl} is not answering`, { cause: error });
  }
}
__name(reachable, "reachable");

export {
  loadSuite,
  exitCodeFor,
  parseFailOn,
  testModel
};
