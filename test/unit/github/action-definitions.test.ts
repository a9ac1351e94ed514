import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BenchModel, PullModel, TestModel } from "../../../src/github/constants.js";

// actionlint lints workflows, not action.yml: this checks what the runner would refuse or silently ignore.
const actionsDir = path.resolve(import.meta.dirname, "../../../actions");
const REPOSITORY = "cortex/cortex-model-ci";

interface ActionFile {
  name?: string;
  description?: string;
  inputs?: Record<string, { description?: string; required?: boolean; default?: unknown }>;
  outputs?: Record<string, { description?: string; value?: string }>;
  runs: {
    using: string;
    main?: string;
    steps?: { id?: string; uses?: string; run?: string; shell?: string; with?: Record<string, unknown>; if?: string }[];
  };
}

const names = readdirSync(actionsDir).filter((name) => existsSync(path.join(actionsDir, name, "action.yml")));
const load = (name: string) => parse(readFileSync(path.join(actionsDir, name, "action.yml"), "utf8")) as ActionFile;
const constants: Record<string, { inputs: Record<string, string>; outputs: Record<string, string> }> = {
  "pull-model": PullModel,
  "test-model": TestModel,
  "bench-model": BenchModel,
};

describe.each(names)("actions/%s/action.yml", (name) => {
  const action = load(name);

  it("has a name, a description, described inputs and outputs, and a runnable entry", () => {
    expect(action.name).toEqual(expect.any(String));
    expect(action.description).toEqual(expect.any(String));
    for (const spec of [...Object.values(action.inputs ?? {}), ...Object.values(action.outputs ?? {})]) {
      expect(spec.description).toEqual(expect.any(String));
    }
    if (action.runs.using === "composite") {
      expect(action.runs.steps?.length).toBeGreaterThan(0);
      for (const output of Object.values(action.outputs ?? {})) expect(output.value).toMatch(/^\$\{\{ .+ \}\}$/);
    } else {
      expect(action.runs.using).toBe("node24");
      expect(existsSync(path.join(actionsDir, name, action.runs.main as string))).toBe(true);
    }
  });
});

describe.each(Object.keys(constants))("actions/%s/action.yml against src/github/constants.ts", (name) => {
  it("declares exactly the inputs and outputs its code reads and writes", () => {
    const action = load(name);
    const names = constants[name] as (typeof constants)[string];
    expect(Object.keys(action.inputs ?? {}).sort()).toEqual([...new Set(Object.values(names.inputs))].sort());
    expect(Object.keys(action.outputs ?? {}).sort()).toEqual(Object.values(names.outputs).sort());
  });
});

describe("actions/model-gate composite steps", () => {
  const gate = load("model-gate");
  const steps = gate.runs.steps ?? [];
  const declaredInputs = Object.keys(gate.inputs ?? {});

  it("use sibling actions of this repository, pinned to the release, that exist here", () => {
    const siblings = steps.map((step) => {
      const match = new RegExp(`^${REPOSITORY}/actions/([a-z-]+)@v1$`).exec(step.uses ?? "");
      expect(match, step.uses).not.toBeNull();
      return match?.[1] as string;
    });
    expect(siblings).toEqual(["setup-model", "setup-model", "test-model", "bench-model"]);
    for (const sibling of siblings.filter((s) => s !== "setup-model")) {
      expect(existsSync(path.join(actionsDir, sibling, "action.yml")), sibling).toBe(true);
    }
  });

  it("pass only inputs the sibling declares, and reference only declared inputs and step outputs", () => {
    const ids = new Map(steps.map((step) => [step.id, step]));
    const referenced = (text: string) => [...text.matchAll(/\$\{\{([^}]*)\}\}/g)].map((m) => m[1] as string);
    const check = (expression: string) => {
      for (const m of expression.matchAll(/inputs\.([a-z-]+)/g)) expect(declaredInputs, m[0]).toContain(m[1]);
      for (const m of expression.matchAll(/steps\.([a-z-]+)\.outputs\.([a-z-]+)/g)) {
        const step = ids.get(m[1]);
        expect(step, m[0]).toBeDefined();
        const sibling = /actions\/([a-z-]+)@/.exec(step?.uses ?? "")?.[1] as string;
        if (existsSync(path.join(actionsDir, sibling, "action.yml"))) {
          expect(Object.keys(load(sibling).outputs ?? {}), m[0]).toContain(m[2]);
        }
      }
    };
    for (const step of steps) {
      const sibling = /actions\/([a-z-]+)@/.exec(step.uses ?? "")?.[1] as string;
      const siblingInputs = existsSync(path.join(actionsDir, sibling, "action.yml"))
        ? Object.keys(load(sibling).inputs ?? {})
        : undefined;
      for (const [input, value] of Object.entries(step.with ?? {})) {
        if (siblingInputs) expect(siblingInputs, `${step.id}: ${input}`).toContain(input);
        for (const expression of referenced(String(value))) check(expression);
      }
      if (step.if) check(step.if);
    }
    for (const output of Object.values(gate.outputs ?? {})) for (const e of referenced(output.value ?? "")) check(e);
  });
});
