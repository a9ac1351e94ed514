import { readFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import type { ChatMessage, GenerationOptions } from "../client/types.js";
import { compileJsonSchema } from "./json-schema-compile.js";
import {
  type Assertion,
  type AssertionName,
  type CaseRequest,
  type CaseSettings,
  defaultDeterministicN,
  defaultTimeoutMs,
  type SourceLocation,
  type Suite,
  type SuiteCase,
} from "./suite.js";
import { SuiteError, type SuiteIssue } from "./suite-error.js";
import { schemaIssues } from "./suite-schema.js";
import { substitute, type Vars } from "./template.js";
import { parseYamlSource, type YamlSource } from "./yaml-source.js";

/** The shapes the schema guarantees, before templating and typing. */
interface RawOptions {
  temperature?: number;
  seed?: number;
  max_tokens?: number;
  stop?: string[];
  top_p?: number;
  response_format?: Record<string, unknown>;
  timeout_ms?: number;
  repeats?: number;
}

interface RawAssertion {
  type: string;
  value?: unknown;
  flags?: string;
  schema?: Record<string, unknown> | string;
  threshold?: number;
  n?: number;
}

interface RawCase {
  id: string;
  description?: string;
  api?: CaseRequest["api"];
  messages?: ChatMessage[];
  prompt?: string;
  input?: string | string[];
  options?: RawOptions;
  vars?: Vars;
  weight?: number;
  assert: RawAssertion[];
}

interface RawSuite {
  name?: string;
  description?: string;
  threshold?: number;
  baseline?: string;
  vars?: Vars;
  defaults?: RawOptions;
  cases: RawCase[];
}

/** The assertions an embeddings case can use: the rest read text, tokens or streaming an embedding lacks. */
const embeddingAssertions: ReadonlySet<AssertionName> = new Set(["embedding-dim", "max-latency-ms", "deterministic"]);

/** Reads, validates and types a suite file; every problem is reported at once, each with its line. */
export async function loadSuite(file: string, cwd = process.cwd()): Promise<Suite> {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new SuiteError([{ file, line: 1, message: `cannot read suite: ${(error as Error).message}` }], {
      cause: error,
    });
  }
  return parseSuite(file, text, dirname(path));
}

/** Parses suite text; `dir` is where `file:` schemas and the baseline are looked up. */
export async function parseSuite(file: string, text: string, dir: string): Promise<Suite> {
  const source = parseYamlSource(file, text);
  const issues = schemaIssues(source);
  if (issues.length > 0) throw new SuiteError(issues);
  const raw = source.data as RawSuite;
  const builder = new SuiteBuilder(source, dir);
  const cases: SuiteCase[] = [];
  for (const [index, rawCase] of raw.cases.entries()) cases.push(await builder.buildCase(raw, rawCase, index));
  builder.checkUniqueIds(cases);
  if (builder.issues.length > 0) throw new SuiteError(builder.issues.sort((a, b) => a.line - b.line));
  return {
    file,
    name: raw.name ?? basename(file).replace(/\.ya?ml$/i, ""),
    ...(raw.description !== undefined && { description: raw.description }),
    threshold: raw.threshold ?? 1,
    ...(raw.baseline !== undefined && { baseline: resolve(dir, raw.baseline) }),
    cases,
  };
}

/** The case field that holds each API's input. */
const inputField: Record<CaseRequest["api"], string> = { chat: "messages", completions: "prompt", embeddings: "input" };

class SuiteBuilder {
  readonly issues: SuiteIssue[] = [];

  constructor(
    private readonly source: YamlSource,
    private readonly dir: string,
  ) {}

  private at(path: readonly (string | number)[]): SourceLocation {
    return { file: this.source.file, line: this.source.lineOf(path) };
  }

  private report(path: readonly (string | number)[], message: string): void {
    this.issues.push({ ...this.at(path), message });
  }

  /** Substitutes variables in one string, reporting each unknown name at that string's line. */
  private fill(text: string, vars: Vars, path: readonly (string | number)[]): string {
    const result = substitute(text, vars);
    for (const name of result.missing) this.report(path, `unknown variable "${name}" (define it under vars)`);
    return result.text;
  }

  async buildCase(suite: RawSuite, raw: RawCase, index: number): Promise<SuiteCase> {
    const path = ["cases", index];
    const vars: Vars = { ...suite.vars, ...raw.vars };
    const request = this.buildRequest(raw, vars, path);
    const assertions: Assertion[] = [];
    for (const [i, rawAssertion] of raw.assert.entries()) {
      const assertion = await this.buildAssertion(rawAssertion, vars, [...path, "assert", i]);
      if (!assertion) continue;
      // Once the api itself is wrong, saying which assertions fit it would only add noise.
      if (raw.api === undefined || raw.api === request.api)
        this.checkApplies(request.api, assertion, [...path, "assert", i]);
      assertions.push(assertion);
    }
    return {
      ...request,
      ...settings(suite.defaults, raw.options),
      id: raw.id,
      ...(raw.description !== undefined && { description: raw.description }),
      weight: raw.weight ?? 1,
      assertions,
      location: this.at(path),
    };
  }

  private checkApplies(api: CaseRequest["api"], assertion: Assertion, path: readonly (string | number)[]): void {
    if (api === "embeddings" && !embeddingAssertions.has(assertion.kind)) {
      this.report(path, `${assertion.label} does not apply to an embeddings case`);
    } else if (api !== "embeddings" && assertion.kind === "embedding-dim") {
      this.report(path, `${assertion.label} applies only to an embeddings case`);
    }
  }

  private buildRequest(raw: RawCase, vars: Vars, path: readonly (string | number)[]): CaseRequest {
    const given = raw.messages ? "chat" : raw.prompt !== undefined ? "completions" : "embeddings";
    const api = raw.api ?? given;
    // Messages and a prompt convert into each other; embeddings input does not.
    if ((api === "embeddings") !== (given === "embeddings")) {
      this.report([...path, "api"], `api ${api} needs "${inputField[api]}"`);
    }
    if (raw.messages) return this.messagesRequest(raw.messages, api, vars, path);
    if (raw.prompt !== undefined) {
      const prompt = this.fill(raw.prompt, vars, [...path, "prompt"]);
      return api === "chat" ? { api, messages: [{ role: "user", content: prompt }] } : { api: "completions", prompt };
    }
    const input = raw.input ?? "";
    return {
      api: "embeddings",
      input:
        typeof input === "string"
          ? this.fill(input, vars, [...path, "input"])
          : input.map((item, i) => this.fill(item, vars, [...path, "input", i])),
    };
  }

  /** A chat case, or a completions case whose prompt is the messages' contents, one per line. */
  private messagesRequest(
    raw: NonNullable<RawCase["messages"]>,
    api: CaseRequest["api"],
    vars: Vars,
    path: readonly (string | number)[],
  ): CaseRequest {
    const messages = raw.map((m, i) => ({
      role: m.role,
      content: this.fill(m.content, vars, [...path, "messages", i, "content"]),
    }));
    return api === "completions"
      ? { api, prompt: messages.map((m) => m.content).join("\n") }
      : { api: "chat", messages };
  }

  private async buildAssertion(
    raw: RawAssertion,
    vars: Vars,
    path: readonly (string | number)[],
  ): Promise<Assertion | undefined> {
    const negate = raw.type.startsWith("not-");
    const kind = (negate ? raw.type.slice(4) : raw.type) as AssertionName;
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
          value: (raw.value as string[]).map((v, i) => this.fill(v, vars, [...valuePath, i])),
        };
      case "regex": {
        const text = this.fill(String(raw.value), vars, valuePath);
        try {
          return { ...base, kind, pattern: new RegExp(text, raw.flags ?? "") };
        } catch (error) {
          this.report(valuePath, `invalid regular expression: ${(error as Error).message}`);
          return undefined;
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
        return { ...base, kind, ...(raw.threshold !== undefined && { threshold: raw.threshold }) };
    }
  }

  private async resolveSchema(
    given: Record<string, unknown> | string,
    path: readonly (string | number)[],
  ): Promise<Record<string, unknown> | undefined> {
    let schema: unknown = given;
    if (typeof given === "string") {
      const file = resolve(this.dir, given.slice("file:".length));
      try {
        schema = parseYaml(await readFile(file, "utf8"));
      } catch (error) {
        this.report(path, `cannot read schema ${file}: ${(error as Error).message.split("\n")[0]}`);
        return undefined;
      }
    }
    if (schema === null || typeof schema !== "object" || Array.isArray(schema)) {
      this.report(path, "schema must be a JSON Schema object");
      return undefined;
    }
    try {
      compileJsonSchema(schema as Record<string, unknown>);
    } catch (error) {
      this.report(path, `invalid JSON Schema: ${(error as Error).message}`);
      return undefined;
    }
    return schema as Record<string, unknown>;
  }

  checkUniqueIds(cases: readonly SuiteCase[]): void {
    const seen = new Set<string>();
    for (const [index, c] of cases.entries()) {
      if (seen.has(c.id)) this.report(["cases", index, "id"], `duplicate case id "${c.id}"`);
      seen.add(c.id);
    }
  }
}

function settings(defaults: RawOptions = {}, own: RawOptions = {}): CaseSettings {
  const merged = { temperature: 0, ...defaults, ...own };
  const options: GenerationOptions = {
    temperature: merged.temperature,
    ...(merged.seed !== undefined && { seed: merged.seed }),
    ...(merged.max_tokens !== undefined && { maxTokens: merged.max_tokens }),
    ...(merged.stop !== undefined && { stop: merged.stop }),
    ...(merged.top_p !== undefined && { topP: merged.top_p }),
    ...(merged.response_format !== undefined && { responseFormat: merged.response_format }),
  };
  return { options, timeoutMs: merged.timeout_ms ?? defaultTimeoutMs, repeats: merged.repeats ?? 1 };
}
