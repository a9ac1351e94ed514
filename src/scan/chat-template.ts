import { parse, tokenize } from "@huggingface/jinja";
import { type Finding, FindingList, quoted } from "./findings.js";
import { RULES, type Rule } from "./rules.js";

/**
 * Looks for template-injection constructs in a chat template by parsing it with @huggingface/jinja (a
 * JavaScript Jinja subset with no access to host objects) and walking the syntax tree. Nothing is
 * rendered: the checks are about what the template names, so they hold for any runtime that renders it,
 * including unsandboxed Python Jinja (CVE-2024-34359).
 */

const DUNDER = /^__\w+__$/;
const DUNDER_INSIDE = /__[A-Za-z]\w*__/;
const FORMAT_FIELD_DUNDER = /\{[^{}]*?\.(__[A-Za-z]\w*__)[^{}]*\}/;

/** Globals that lead from a Jinja template to Python objects (Jinja's own, Flask's, common module names). */
const GADGET_GLOBALS = new Set([
  "lipsum",
  "cycler",
  "joiner",
  "self",
  "request",
  "config",
  "url_for",
  "get_flashed_messages",
  "os",
  "subprocess",
  "sys",
  "builtins",
  "eval",
  "exec",
  "getattr",
  "globals",
]);

/** Attributes that only matter on the way from a reached object to code execution. */
const GADGET_ATTRIBUTES = new Set([
  "popen",
  "system",
  "check_output",
  "import_module",
  "load_module",
  "func_globals",
  "f_globals",
  "f_locals",
  "f_back",
  "f_builtins",
  "gi_frame",
  "gi_code",
  "cr_frame",
  "co_code",
  "_module",
  "os",
  "subprocess",
  "sys",
  "modules",
  "builtins",
  "eval",
  "exec",
]);

interface Node {
  readonly type: string;
  readonly [field: string]: unknown;
}

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}

/** Child nodes of any node, whatever its kind: object literals keep their entries in a Map. */
function children(node: Node): Node[] {
  const found: Node[] = [];
  const collect = (value: unknown) => {
    if (isNode(value)) found.push(value);
    else if (Array.isArray(value)) for (const item of value) collect(item);
    else if (value instanceof Map) for (const entry of value) collect(entry);
  };
  for (const [field, value] of Object.entries(node)) if (field !== "type") collect(value);
  return found;
}

function stringValue(node: unknown): string | undefined {
  return isNode(node) && node.type === "StringLiteral" ? (node.value as string) : undefined;
}

function identifier(node: unknown): string | undefined {
  return isNode(node) && node.type === "Identifier" ? (node.value as string) : undefined;
}

function isConcatenation(node: unknown): boolean {
  if (!isNode(node) || node.type !== "BinaryExpression") return false;
  const operator = (node.operator as { value?: string }).value;
  return (operator === "+" || operator === "~") && [node.left, node.right].some((side) => isStringish(side));
}

function isStringish(node: unknown): boolean {
  return stringValue(node) !== undefined || isConcatenation(node);
}

/** The filter's name and its arguments, for `x|name` and `x|name(args)`. */
function filterParts(node: Node): { name: string | undefined; args: readonly unknown[] } {
  const filter = node.filter as Node;
  if (filter.type === "CallExpression") return { name: identifier(filter.callee), args: filter.args as unknown[] };
  return { name: identifier(filter), args: [] };
}

/** 1-based line of the first place `name` appears in the source, for a reviewer to find it. */
function lineOf(source: string, name: string): number {
  const at = source.indexOf(name);
  return at < 0 ? 1 : source.slice(0, at).split("\n").length;
}

class TemplateWalker {
  private readonly seen = new Set<string>();

  constructor(
    private readonly source: string,
    private readonly templateName: string,
    private readonly findings: FindingList,
  ) {}

  report(rule: Rule, name: string, message: string): void {
    const key = `${rule.id}\u0000${name}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.findings.add(rule, `${this.templateName}: ${message}`, {
      name: this.templateName,
      line: lineOf(this.source, name),
    });
  }

  /** Whether an attribute name is an escape route, reporting it when it is. */
  private attribute(name: string): boolean {
    if (DUNDER.test(name)) {
      this.report(RULES.templateDunder, name, `reaches the dunder attribute ${quoted(name)}`);
      return true;
    }
    if (GADGET_ATTRIBUTES.has(name)) {
      this.report(RULES.templateGadget, name, `reaches the attribute ${quoted(name)}, a known injection gadget`);
      return true;
    }
    return false;
  }

  /** Walks a node; returns whether it reaches an escape route (so a call on it is an escape call). */
  walk(node: Node): boolean {
    switch (node.type) {
      case "Identifier":
        return this.#identifier(node.value as string);
      case "MemberExpression":
        return this.#member(node);
      case "FilterExpression":
        return this.#filter(node);
      case "CallExpression": {
        const reached = this.walk(node.callee as Node);
        if (reached) {
          this.report(RULES.templateCall, "(", "calls a function reached through a dunder attribute or a gadget");
        }
        for (const arg of node.args as Node[]) this.walk(arg);
        return reached;
      }
      case "StringLiteral":
        return this.#string(node.value as string);
      default:
        return children(node).reduce((reached, child) => this.walk(child) || reached, false);
    }
  }

  #identifier(name: string): boolean {
    if (!GADGET_GLOBALS.has(name) && !DUNDER.test(name)) return false;
    this.report(RULES.templateGadget, name, `names ${quoted(name)}, a known injection gadget`);
    return true;
  }

  #member(node: Node): boolean {
    const reached = this.walk(node.object as Node);
    const property = node.property as Node;
    const name = node.computed ? stringValue(property) : identifier(property);
    if (name !== undefined) return this.attribute(name) || reached;
    if (isConcatenation(property)) {
      this.report(RULES.templateObfuscation, "[", "looks an item up by a name built from strings");
    }
    return this.walk(property) || reached;
  }

  #filter(node: Node): boolean {
    const reached = this.walk(node.operand as Node);
    const { name, args } = filterParts(node);
    if (name !== "attr") return args.filter(isNode).reduce((r, arg) => this.walk(arg) || r, reached);
    const attribute = stringValue(args[0]);
    if (attribute !== undefined) return this.attribute(attribute) || reached;
    this.report(RULES.templateObfuscation, "attr", "reads an attribute through attr() with a computed name");
    for (const arg of args) if (isNode(arg)) this.walk(arg);
    return true;
  }

  /** A string literal: a format field reaching a dunder attribute is an escape route, a dunder name a hint. */
  #string(value: string): boolean {
    // Python's str.format follows attribute paths in its fields: '{0.__class__}'.format(x) is x.__class__.
    const field = FORMAT_FIELD_DUNDER.exec(value)?.[1];
    if (field !== undefined) {
      this.report(
        RULES.templateDunder,
        field,
        `holds a format field that reaches the dunder attribute ${quoted(field)}`,
      );
      return true;
    }
    const dunder = DUNDER_INSIDE.exec(value)?.[0];
    if (dunder !== undefined) {
      this.report(RULES.templateObfuscation, dunder, `holds the string ${quoted(dunder)}, a dunder name`);
    }
    return false;
  }
}

/**
 * Checks one chat template. `artifact` names the file or layer it came from; `templateName` the key
 * (`tokenizer.chat_template`, `tokenizer.chat_template.tool_use`) or layer it was read from.
 */
export function scanChatTemplate(source: string, templateName: string, artifact: string): Finding[] {
  const findings = new FindingList(artifact);
  const walker = new TemplateWalker(source, templateName, findings);
  let program: Node;
  try {
    program = parse(tokenize(source)) as unknown as Node;
  } catch (error) {
    findings.add(RULES.templateParse, `${templateName}: does not parse (${(error as Error).message})`, {
      name: templateName,
    });
    // A template the parser refuses may still render elsewhere: its dunder names and its loads of other
    // templates (which reach the renderer's file system when it has a loader) are found in the text.
    for (const match of source.matchAll(/__[A-Za-z]\w*__/g)) {
      walker.report(RULES.templateDunder, match[0], `names the dunder attribute ${quoted(match[0])}`);
    }
    for (const match of source.matchAll(/\{%[-+]?\s*(include|import|extends|from)\b/g)) {
      const statement = match[1] as string;
      walker.report(RULES.templateGadget, match[0], `loads another template with ${quoted(statement)}`);
    }
    return findings.list();
  }
  walker.walk(program);
  return findings.list();
}
