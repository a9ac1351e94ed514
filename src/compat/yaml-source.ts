import { type Document, isMap, isPair, isScalar, LineCounter, parseDocument } from "yaml";
import { SuiteError, type SuiteIssue } from "./suite-error.js";

/** A parsed YAML file that can say on which line any value (or key) was written. */
export interface YamlSource {
  readonly file: string;
  readonly data: unknown;
  /** 1-based line of the node at `path`; falls back to the nearest ancestor that exists. */
  lineOf(path: readonly (string | number)[], key?: string): number;
}

/** Parses YAML text; syntax errors (duplicate keys included) become a SuiteError naming file and line. */
export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const issues: SuiteIssue[] = doc.errors.map((error) => ({
      file,
      line: lineCounter.linePos(error.pos[0]).line,
      message: error.message.split("\n")[0] ?? error.code,
    }));
    throw new SuiteError(issues);
  }
  return {
    file,
    data: doc.toJS({ maxAliasCount: 100 }),
    lineOf: (path, key) => lineOf(doc, lineCounter, path, key),
  };
}

function lineOf(doc: Document, lineCounter: LineCounter, path: readonly (string | number)[], key?: string): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    const start = nodeStart(node, depth === path.length ? key : undefined);
    if (start !== undefined) return lineCounter.linePos(start).line;
  }
  return 1;
}

function nodeStart(node: unknown, key: string | undefined): number | undefined {
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
    if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
  }
  if (node && typeof node === "object" && "range" in node) {
    const range = (node as { range?: [number, number, number] }).range;
    if (range) return range[0];
  }
  return undefined;
}
