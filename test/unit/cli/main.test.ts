import { describe, expect, it } from "vitest";
import { runCliInProcess } from "../../helpers/cli.js";

describe("cortex-model", () => {
  it("answers --version and -V as the version command does", async () => {
    const version = await runCliInProcess(["version"]);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^cortex-model \d+\.\d+\.\d+/);
    for (const flag of ["--version", "-V"]) expect(await runCliInProcess([flag])).toEqual(version);
  });

  it("refuses an unknown command with exit 2 and one line naming it", async () => {
    const result = await runCliInProcess(["pul"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('cortex-model: unknown command "pul"; run cortex-model help\n');
  });
});
