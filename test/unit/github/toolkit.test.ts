import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { BOUNDS } from "../../../src/core/bounds.js";
import { annotate } from "../../../src/github/annotate.js";
import { POST_STATE } from "../../../src/github/constants.js";
import {
  booleanInput,
  InputError,
  listInput,
  numberInput,
  optionalInput,
  optionalNumberInput,
  requiredInput,
  secretInput,
} from "../../../src/github/inputs.js";
import { setOutputs } from "../../../src/github/outputs.js";
import { runAction } from "../../../src/github/run.js";
import type { StateProvider } from "../../../src/github/state.js";
import { appendSummary } from "../../../src/github/summary.js";

/** Everything @actions/core writes to stdout while `fn` runs: workflow commands are its interface. */
async function captureStdout(fn: () => Promise<void> | void): Promise<string> {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return written.join("");
}

function memoryState(initial: Record<string, string> = {}): StateProvider & { values: Record<string, string> } {
  const values = { ...initial };
  return {
    values,
    get: (name) => values[name],
    set: (name, value) => {
      values[name] = value;
    },
  };
}

const touched = new Set<string>();
function setInput(name: string, value: string): void {
  const variable = `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
  touched.add(variable);
  process.env[variable] = value;
}

afterEach(() => {
  for (const variable of touched) delete process.env[variable];
  touched.clear();
  process.exitCode = undefined;
});

describe("inputs read through the real core.getInput", () => {
  it("reads optional and required inputs, naming a missing one", () => {
    setInput("model", "  ai/smollm2:latest ");
    expect(optionalInput("model")).toBe("ai/smollm2:latest");
    expect(optionalInput("store")).toBeUndefined();
    expect(requiredInput("model")).toBe("ai/smollm2:latest");
    expect(() => requiredInput("store")).toThrow(new InputError('input "store" is required and was not given'));
  });

  it("reads YAML booleans with a default and rejects anything else", () => {
    expect(booleanInput("cache", true)).toBe(true);
    setInput("cache", "False");
    expect(booleanInput("cache", true)).toBe(false);
    setInput("cache", "yes");
    expect(() => booleanInput("cache", true)).toThrow(/input "cache" must be true or false, got "yes"/);
  });

  it("splits lists on newlines and commas", () => {
    setInput("threshold", "ttft=10\n tps=5, ,load=20\n");
    expect(listInput("threshold")).toEqual(["ttft=10", "tps=5", "load=20"]);
    expect(listInput("missing")).toEqual([]);
  });

  it("reads numbers within bounds, naming the input and the range", () => {
    expect(numberInput("runs", BOUNDS.runs, 5)).toBe(5);
    expect(optionalNumberInput("runs", BOUNDS.runs)).toBeUndefined();
    setInput("runs", "7");
    expect(numberInput("runs", BOUNDS.runs, 5)).toBe(7);
    const range = 'input "runs" must be an integer from 1 to 10000, got';
    for (const bad of ["2.5", "0", "-3", "10001", "abc", "0x10", "1e3", "Infinity"]) {
      setInput("runs", bad);
      expect(() => numberInput("runs", BOUNDS.runs, 5), bad).toThrow(`${range} "${bad}"`);
    }
    setInput("ready-timeout", "0.5");
    expect(numberInput("ready-timeout", BOUNDS.readyTimeoutSeconds, 600)).toBe(0.5);
    setInput("ready-timeout", "0");
    expect(() => numberInput("ready-timeout", BOUNDS.readyTimeoutSeconds, 600)).toThrow(
      'input "ready-timeout" must be a number from 0.001 to 86400, got "0"',
    );
  });

  it("masks a secret input, line by line when it has several", async () => {
    setInput("registry-password", "pa55\nword-two");
    const out = await captureStdout(() => {
      expect(secretInput("registry-password")).toBe("pa55\nword-two");
    });
    expect(out.split("\n").filter((line) => line.startsWith("::add-mask::"))).toEqual([
      "::add-mask::pa55%0Aword-two",
      "::add-mask::pa55",
      "::add-mask::word-two",
    ]);
  });
});

describe("outputs, summary and annotations through files and workflow commands", () => {
  let dir: string;
  const saved = { output: process.env.GITHUB_OUTPUT, summary: process.env.GITHUB_STEP_SUMMARY };
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "toolkit-"));
    process.env.GITHUB_OUTPUT = path.join(dir, "output");
    process.env.GITHUB_STEP_SUMMARY = path.join(dir, "summary");
    await writeFile(process.env.GITHUB_OUTPUT, "");
    await writeFile(process.env.GITHUB_STEP_SUMMARY, "");
  });
  afterAll(async () => {
    process.env.GITHUB_OUTPUT = saved.output;
    process.env.GITHUB_STEP_SUMMARY = saved.summary;
    if (saved.output === undefined) delete process.env.GITHUB_OUTPUT;
    if (saved.summary === undefined) delete process.env.GITHUB_STEP_SUMMARY;
    await rm(dir, { recursive: true, force: true });
  });

  it("writes every output as a heredoc file command", async () => {
    setOutputs({ digest: "sha256:abc", "cache-hit": false, "downloaded-bytes": 42 });
    const text = await readFile(path.join(dir, "output"), "utf8");
    expect(text).toMatch(/^digest<<ghadelimiter_[\w-]+\nsha256:abc\n/);
    expect(text).toMatch(/cache-hit<<(ghadelimiter_[\w-]+)\nfalse\n\1\n/);
    expect(text).toMatch(/downloaded-bytes<<(ghadelimiter_[\w-]+)\n42\n\1\n/);
  });

  it("appends Markdown to the job summary", async () => {
    await appendSummary("| a | b |\n|---|---|");
    await appendSummary("second");
    expect(await readFile(path.join(dir, "summary"), "utf8")).toBe("| a | b |\n|---|---|\nsecond\n");
  });

  it("maps records to error annotations with file and line", async () => {
    const out = await captureStdout(() =>
      annotate([
        { title: "prompt 3: answer changed", message: "expected Paris, got Lyon", file: "suite.yml", line: 12 },
        { title: "load time", message: "slower by 20%" },
      ]),
    );
    expect(out).toBe(
      "::error title=prompt 3%3A answer changed,file=suite.yml,line=12::expected Paris, got Lyon\n" +
        "::error title=load time::slower by 20%25\n",
    );
  });
});

describe("runAction, one entry for the main and the post step", () => {
  it("marks the main step so the post step knows it is one", async () => {
    const state = memoryState();
    const ran: string[] = [];
    await runAction(
      async () => void ran.push("main"),
      async () => void ran.push("post"),
      state,
    );
    expect(ran).toEqual(["main"]);
    expect(state.values[POST_STATE]).toBe("true");
    await runAction(
      async () => void ran.push("main"),
      async () => void ran.push("post"),
      state,
    );
    expect(ran).toEqual(["main", "post"]);
  });

  it("does not mark actions without a post step", async () => {
    const state = memoryState();
    await runAction(async () => {}, undefined, state);
    expect(state.values).toEqual({});
  });

  it("turns an error into one failure line and exit code 1", async () => {
    const out = await captureStdout(() =>
      runAction(
        async () => {
          throw new InputError('input "model" is required', { cause: new Error("INPUT_MODEL is empty") });
        },
        undefined,
        memoryState(),
      ),
    );
    expect(out).toBe('::error::input "model" is required: INPUT_MODEL is empty\n');
    expect(process.exitCode).toBe(1);
  });
});
