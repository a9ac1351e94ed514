import { rm } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { inputVariable, parseFileCommands, runBundledAction } from "../../helpers/run-action.js";

const probe = path.resolve(import.meta.dirname, "../../fixtures/actions/probe");

describe("runBundledAction, the runner emulation", () => {
  it("names input variables as the runner does", () => {
    expect(inputVariable("registry-password")).toBe("INPUT_REGISTRY-PASSWORD");
    expect(inputVariable("spaced name")).toBe("INPUT_SPACED_NAME");
  });

  it("parses both file command forms, the heredoc one across lines", () => {
    expect(parseFileCommands("a=1\nb<<EOF\nx\ny=z\nEOF\nc=\n")).toEqual({ a: "1", b: "x\ny=z", c: "" });
    expect(() => parseFileCommands("b<<EOF\nx\n")).toThrow(/no closing delimiter/);
  });

  it("runs main then post with inputs, defaults, outputs, state, summary, annotations and masks", async () => {
    const run = await runBundledAction(probe, {
      inputs: { "dash-name": "dashed", "spaced name": "spaced", password: "s3cret-value" },
    });
    try {
      expect(run.main.exitCode).toBe(0);
      expect(run.main.outputs).toEqual({
        greeting: "hello",
        "dash-name": "dashed",
        spaced: "spaced",
        multiline: "a\nb=c\nd",
      });
      expect(run.main.state).toEqual({ isPost: "true", "from-main": "line one\nline two" });
      expect(run.main.summary).toBe("## main step\n");
      expect(run.main.annotations).toEqual([
        {
          level: "error",
          message: "it broke, badly: 100%",
          properties: { title: "Broken: yes", file: "src/a.ts", line: "3" },
        },
      ]);
      expect(run.main.masks).toEqual(["s3cret-value"]);
      expect(run.post?.exitCode).toBe(0);
      expect(run.post?.outputs).toEqual({ "post-saw": "line one\nline two" });
      expect(run.post?.summary).toBe("post step ran\n");
    } finally {
      await rm(run.dirs.root, { recursive: true, force: true });
    }
  });

  it("reports a failed main step's exit code, and still runs the post step", async () => {
    const run = await runBundledAction(probe, { inputs: { fail: "true" } });
    try {
      expect(run.main.exitCode).toBe(1);
      expect(run.main.annotations.map((a) => a.message)).toContain("asked to fail");
      expect(run.post?.exitCode).toBe(0);
    } finally {
      await rm(run.dirs.root, { recursive: true, force: true });
    }
  });
});
