import { afterEach, describe, expect, it } from "vitest";
import { UsageError } from "../../../src/core/errors.js";
import { getInputs as benchInputs } from "../../../src/github/bench-model.js";
import { BenchModel, SetupModel, TestModel } from "../../../src/github/constants.js";
import { getInputs as setupInputs } from "../../../src/github/setup-model.js";
import { getInputs as testInputs } from "../../../src/github/test-model.js";

/* The actions' numeric inputs have the CLI options' ranges, and say them the same way. */

const set: string[] = [];
function setInput(name: string, value: string): void {
  const variable = `INPUT_${name.toUpperCase()}`;
  process.env[variable] = value;
  set.push(variable);
}
afterEach(() => {
  for (const variable of set.splice(0)) delete process.env[variable];
});

function refusal(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("accepted");
}

describe("setup-model", () => {
  it.each([
    [SetupModel.inputs.port, "99999", "an integer from 0 to 65535"],
    [SetupModel.inputs.port, "-1", "an integer from 0 to 65535"],
    [SetupModel.inputs.threads, "0", "an integer from 1 to 1024"],
    [SetupModel.inputs.contextSize, "2.5", "an integer from 1 to 16777216"],
    [SetupModel.inputs.readyTimeout, "0", "a number from 0.001 to 86400"],
  ])('input "%s" = %s', (name, value, range) => {
    setInput(SetupModel.inputs.model, "127.0.0.1:5000/ai/tiny:v1");
    setInput(name, value);
    expect(refusal(() => setupInputs({}))).toBe(`input "${name}" must be ${range}, got "${value}"`);
  });
});

describe("test-model", () => {
  it.each(["0", "257", "x"])('input "concurrency" = %s', (value) => {
    setInput(TestModel.inputs.suite, "suite.yaml");
    setInput(TestModel.inputs.baseUrl, "http://127.0.0.1:1/v1");
    setInput(TestModel.inputs.model, "m");
    setInput(TestModel.inputs.concurrency, value);
    expect(refusal(() => testInputs({}))).toBe(`input "concurrency" must be an integer from 1 to 256, got "${value}"`);
  });
});

describe("bench-model", () => {
  it.each([
    [BenchModel.inputs.runs, "0", "an integer from 1 to 10000"],
    [BenchModel.inputs.warmup, "-1", "an integer from 0 to 10000"],
    [BenchModel.inputs.pid, "0", "an integer from 1 to 4194304"],
    [BenchModel.inputs.threads, "4096", "an integer from 1 to 1024"],
    [BenchModel.inputs.loadSeconds, "-2", "a number from 0 to 86400"],
  ])('input "%s" = %s', (name, value, range) => {
    setInput(BenchModel.inputs.baseUrl, "http://127.0.0.1:1/v1");
    setInput(BenchModel.inputs.model, "m");
    setInput(BenchModel.inputs.baselineBaseUrl, "http://127.0.0.1:2/v1");
    setInput(BenchModel.inputs.baselineModel, "m");
    setInput(name, value);
    expect(refusal(() => benchInputs({}))).toBe(`input "${name}" must be ${range}, got "${value}"`);
  });
});
