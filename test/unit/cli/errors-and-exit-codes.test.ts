import path from "node:path";
import { describe, expect, it } from "vitest";
import { closestOption } from "../../../src/cli/command.js";
import { runCliInProcess } from "../../helpers/cli.js";
import { makeModelLayout, randomData } from "../../helpers/model-layout.js";
import { useTempDir } from "../../helpers/temp-dir.js";

// What the README promises: one line per error, exit 2 when the run could not be made (bad input, something
// missing, an endpoint down), and --json as one line a script can read.
describe("cortex-model errors and exit codes", () => {
  const temp = useTempDir("cortex-cli-errors-");

  it("answers an unknown option with the option meant, in one line, exit 2", async () => {
    expect(await runCliInProcess(["pull", "--stroe", "x"])).toEqual({
      code: 2,
      stdout: "",
      stderr: "cortex-model pull: unknown option --stroe; did you mean --store?\n",
    });
    const far = await runCliInProcess(["promote", "--verbose"]);
    expect(far.stderr).toBe(
      "cortex-model promote: unknown option --verbose; run cortex-model promote --help for the options\n",
    );
    expect(closestOption("--jsn", ["json", "store"])).toBe("json");
    expect(closestOption("--contxt-size=4", ["context-size", "threads"])).toBe("context-size");
    expect(closestOption("--xyz", ["json", "store"])).toBeUndefined();
  });

  it("exits 2 for a missing tag, a tag with no history, and a registry that is down", async () => {
    const layout = await makeModelLayout(path.join(temp(), "layout"), { shards: [randomData(32)], tag: "v1" });
    const store = ["--store", path.join(temp(), "store")];
    const missing = await runCliInProcess(["pull", `oci:${layout.layout.root}:v2`, ...store]);
    expect(missing).toMatchObject({
      code: 2,
      stderr: `cortex-model pull: tag "v2" not found in oci:${layout.layout.root}\n`,
    });
    const history = await runCliInProcess(["history", `oci:${layout.layout.root}:nope`]);
    expect(history).toMatchObject({
      code: 2,
      stderr: `cortex-model history: tag "nope" not found in oci:${layout.layout.root}, and it has no history\n`,
    });
    const down = await runCliInProcess(["pull", "127.0.0.1:9/team/model:v1", ...store]);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(
      /^cortex-model pull: registry 127\.0\.0\.1:9, repository team\/model: .*ECONNREFUSED.*\n$/,
    );
  });

  it("prints --json as one line", async () => {
    const layout = await makeModelLayout(path.join(temp(), "layout"), { shards: [randomData(32)], tag: "v1" });
    const pulled = await runCliInProcess([
      "pull",
      `oci:${layout.layout.root}:v1`,
      "--store",
      path.join(temp(), "s"),
      "--json",
    ]);
    expect(pulled.code).toBe(0);
    expect(pulled.stdout.split("\n")).toEqual([expect.any(String), ""]);
    expect(JSON.parse(pulled.stdout)).toMatchObject({ digest: layout.manifestDescriptor.digest, weights: "gguf" });
    const history = await runCliInProcess(["history", `oci:${layout.layout.root}:v1`, "--json"]);
    expect(history.code).toBe(0);
    expect(history.stdout.split("\n")).toHaveLength(2);
  });
});
