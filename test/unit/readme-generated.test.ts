import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

describe("README generated sections", () => {
  it.each([
    ["action tables", "every actions/*/action.yml", "docs:actions", "scripts/action-docs.mjs"],
    [
      "configuration tables",
      "schemas/suite.schema.json and scenario.schema.json",
      "docs:schemas",
      "scripts/schema-docs.mjs",
    ],
  ])("%s match %s (npm run %s rewrites them)", async (_what, _source, _npmScript, script) => {
    const result = await run(process.execPath, [script, "--check"]).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(result).toEqual({ code: 0, stderr: "" });
  });
});
