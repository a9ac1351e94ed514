import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

describe("README action tables", () => {
  it("match every actions/*/action.yml (npm run docs:actions rewrites them)", async () => {
    const result = await run(process.execPath, ["scripts/action-docs.mjs", "--check"]).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(result).toEqual({ code: 0, stderr: "" });
  });
});
