import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CONCAT_CHAT_TEMPLATE } from "../../../src/model/known-answer.js";
import { scanChatTemplate } from "../../../src/scan/chat-template.js";

const fixtures = path.resolve(import.meta.dirname, "../../fixtures/scan/templates");
const real = readdirSync(fixtures).filter((name) => name.endsWith(".jinja"));

function rules(template: string) {
  return scanChatTemplate(template, "tokenizer.chat_template", "model.gguf").map((f) => f.ruleId);
}

describe("chat template scan", () => {
  it.each(real)("finds nothing in the real template %s", (name) => {
    const template = readFileSync(path.join(fixtures, name), "utf8");
    expect(scanChatTemplate(template, name, name)).toEqual([]);
  });

  it("finds nothing in the project's own synthetic-model template", () => {
    expect(rules(CONCAT_CHAT_TEMPLATE)).toEqual([]);
  });

  it("reports the classic escape from self to __import__ and the call that runs a command", () => {
    const findings = scanChatTemplate(
      "{{ bos_token }}\n{{ self.__init__.__globals__.__builtins__.__import__('os').popen('id').read() }}",
      "tokenizer.chat_template",
      "model.gguf",
    );
    expect(findings.map((f) => f.ruleId)).toEqual([
      "template/gadget",
      "template/dunder",
      "template/dunder",
      "template/dunder",
      "template/dunder",
      "template/escape-call",
      "template/gadget",
    ]);
    expect(findings[1]).toMatchObject({
      level: "error",
      line: 2,
      name: "tokenizer.chat_template",
      message: 'tokenizer.chat_template: reaches the dunder attribute "__init__"',
    });
  });

  it.each([
    ["{{ ''.__class__.__mro__[1].__subclasses__() }}", ["template/dunder", "template/escape-call"]],
    [
      "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
      ["template/gadget", "template/dunder", "template/escape-call"],
    ],
    [
      "{{ lipsum.__globals__['os'].popen('id').read() }}",
      ["template/gadget", "template/dunder", "template/escape-call"],
    ],
    ["{{ messages|attr('__class__') }}", ["template/dunder"]],
    ["{{ messages|attr('__cla' ~ 'ss__') }}", ["template/obfuscated-name"]],
    ["{{ messages['__cla' + 'ss__'] }}", ["template/obfuscated-name"]],
    [
      "{% set u = '_' * 2 %}{{ (messages|attr(u ~ 'class' ~ u)).mro() }}",
      ["template/obfuscated-name", "template/escape-call"],
    ],
    ["{{ request.application }}", ["template/gadget"]],
    ["{{ '{0.__init__.__globals__}'.format(messages) }}", ["template/dunder", "template/escape-call"]],
    ["{{ config.items() }}", ["template/gadget", "template/escape-call"]],
    ["{% set x = '\\x5f\\x5fglobals\\x5f\\x5f' %}{{ x }}", ["template/obfuscated-name"]],
  ])("reports %s", (template, expected) => {
    expect([...new Set(rules(template))]).toEqual(expected);
  });

  it("reports templates that load other templates, which a renderer with a loader reads from its file system", () => {
    expect(rules("{% include '/etc/passwd' %}")).toEqual(["template/parse", "template/gadget"]);
    expect(rules("{%- from 'x' import y %}{{ y }}")).toEqual(["template/parse", "template/gadget"]);
  });

  it("reports a template the parser refuses, and still finds the dunder names in it (CVE-2024-34359's payload)", () => {
    const payload =
      "{% for x in ().__class__.__base__.__subclasses__() %}{% if \"warning\" in x.__name__ %}{{x()._module.__builtins__['__import__']('os').popen(\"touch /tmp/pwned\")}}{%endif%}{% endfor %}";
    const found = rules(payload);
    expect(found[0]).toBe("template/parse");
    expect(found.filter((id) => id === "template/dunder")).toHaveLength(6);
  });
});
