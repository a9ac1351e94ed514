import { describe, expect, it } from "vitest";
import { runCliInProcess } from "../../helpers/cli.js";

// One vocabulary across commands and actions; old words keep working for a while, with a warning.
describe("the CLI's shared words", () => {
  it("serve --gpu takes setup's none, auto, cuda; off still means none, with a warning", async () => {
    const off = await runCliInProcess(["serve", "--model", "/nonexistent.gguf", "--gpu", "off"]);
    expect(off.stderr).toContain(
      'cortex-model serve: warning: --gpu "off" is deprecated; use "none"\n',
    );
    const none = await runCliInProcess(["serve", "--model", "/nonexistent.gguf", "--gpu", "none"]);
    expect(none.stderr).not.toContain("warning");
    expect(none.stderr).not.toContain("--gpu");
    const bad = await runCliInProcess(["serve", "--model", "/nonexistent.gguf", "--gpu", "metal"]);
    expect(bad).toMatchObject({
      code: 2,
      stderr: 'cortex-model serve: --gpu must be one of none, auto, cuda, got "metal"\n',
    });
  });
});
