import { describe, expect, it } from "vitest";
import { runCliInProcess } from "../../helpers/cli.js";

// One vocabulary across commands and actions; old words keep working for a while, with a warning.
describe("the CLI's shared words", () => {
  it("serve --gpu takes setup's none, auto, cuda; off still means none, with a warning", async () => {
    const off = await runCliInProcess(["serve", "--model", "/nonexistent.gguf", "--gpu", "off"]);
    expect(off.stderr).toContain('cortex-model serve: warning: --gpu "off" is deprecated; use "none"\n');
    const none = await runCliInProcess(["serve", "--model", "/nonexistent.gguf", "--gpu", "none"]);
    expect(none.stderr).not.toContain("warning");
    expect(none.stderr).not.toContain("--gpu");
    const bad = await runCliInProcess(["serve", "--model", "/nonexistent.gguf", "--gpu", "metal"]);
    expect(bad).toMatchObject({
      code: 2,
      stderr: 'cortex-model serve: --gpu must be one of none, auto, cuda, got "metal"\n',
    });
  });

  it("bench and test take their old flags, each with one warning line naming the new one", async () => {
    const bench = await runCliInProcess([
      ...["bench", "--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--cold-load-ms", "1200"],
      ...["--threshold", "ttft=10", "--baseline-file", "/nonexistent/results.json"],
    ]);
    expect(bench.code).toBe(2);
    expect(bench.stderr.split("\n")).toEqual([
      "cortex-model bench: warning: --model as the served model name is deprecated; give that as --model-id and the model reference as --model",
      'cortex-model bench: warning: --cold-load-ms is deprecated; use --load-seconds (--cold-load-ms "1200" is --load-seconds "1.2")',
      "cortex-model bench: warning: --threshold is deprecated; use --thresholds",
      expect.stringMatching(/^cortex-model bench: cannot read baseline results \/nonexistent\/results.json/),
      "",
    ]);
    const test = await runCliInProcess([
      ...["test", "--suite", "/nonexistent/suite.yaml", "--base-url", "http://127.0.0.1:9/v1"],
      ...["--model-id", "m", "--compare-base-url", "http://127.0.0.1:9/v1", "--compare-model", "o"],
    ]);
    expect(test.stderr).toMatch(
      /^cortex-model test: warning: --compare-model is deprecated; use --compare-model-id\ncortex-model test: /,
    );
    const disagree = await runCliInProcess([
      ...["bench", "--base-url", "http://127.0.0.1:9/v1", "--model-id", "m", "--baseline-file", "b.json"],
      ...["--load-seconds", "1", "--cold-load-ms", "2000"],
    ]);
    expect(disagree).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        'cortex-model bench: --load-seconds ("1") and its deprecated spelling --cold-load-ms ("2000") disagree; give only --load-seconds',
      ),
    });
  });
});
