import { mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BackendError } from "../../../src/backends/backend.js";
import { createEmbeddedBackend } from "../../../src/backends/embedded.js";
import { installPrefix } from "../../../src/backends/embedded-runtime.js";
import { useTempDir } from "../../helpers/temp-dir.js";

// The version setting reaches npm: a bundled serve entry with nothing installed asks the npm registry
// (reachable here) for exactly the node-llama-cpp release named, and a release that does not exist fails with
// npm's own words and leaves nothing in the tool cache that could pass for an install.
const tempDir = useTempDir("embedded-version-");

describe("the embedded backend's version on an on-demand install", () => {
  it("asks npm for that exact release; one that does not exist fails with npm's reason and installs nothing", async () => {
    const root = tempDir();
    const entryDir = path.join(root, "action", "dist", "serve");
    await mkdir(entryDir, { recursive: true });
    await writeFile(path.join(entryDir, "index.js"), "");
    const lines: string[] = [];
    const toolDir = path.join(root, "tool-cache");
    const backend = createEmbeddedBackend(
      { gpu: "none", port: 0, readyTimeoutMs: 1_000, version: "3.99.0" },
      { toolDir, workDir: root, env: process.env, log: (line) => lines.push(line), lifetime: "detached" },
      { serveEntry: { file: path.join(entryDir, "index.js"), args: [], bundled: true } },
    );
    expect(await backend.probe()).toEqual({
      availability: "installable",
      detail: "node-llama-cpp 3.99.0 can be installed from npm",
    });
    const prefix = installPrefix(toolDir, "none", "3.99.0");
    const error = await backend.prepare().catch((e: unknown) => e);
    expect(lines[0]).toBe(
      `installing node-llama-cpp@3.99.0 @node-llama-cpp/${path.basename(prefix)}@3.99.0 into ${prefix}`,
    );
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).message).toBe(
      `embedded backend: npm install of node-llama-cpp@3.99.0 @node-llama-cpp/${path.basename(prefix)}@3.99.0 failed (exit 1)`,
    );
    expect((error as BackendError).logTail).toMatch(
      /No matching version found for (node-llama-cpp|@node-llama-cpp\/\S+)@3\.99\.0/,
    );
    expect(await readdir(path.dirname(prefix))).toEqual([]);
  });
});
