import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synthesizeKnownAnswer } from "../../../src/model/known-answer.js";
import { type ModelLayout, makeModelLayout, tempDir } from "../../helpers/model-layout.js";
import { actionFromLib, runBundledAction } from "../../helpers/run-action.js";
import { opensslKeyPair } from "../../helpers/signing-keys.js";

// setup-model with verify-key, run as the runner runs it on the compiled sources (lib/, npm run build): an
// unsigned digest is refused before anything reaches the store. (The signed path, shared with the CLI, is
// tested through setup --verify-key and promote.)
const repoRoot = path.resolve(import.meta.dirname, "../../..");

describe("setup-model verify-key, embedded backend", () => {
  let root: string;
  let action: string;
  let model: ModelLayout;
  const keys = opensslKeyPair();

  beforeAll(async () => {
    root = await tempDir("setup-model-verify-");
    action = await actionFromLib(
      path.join(repoRoot, "actions", "setup-model"),
      path.join(repoRoot, "lib", "github", "setup-model.js"),
      path.join(root, "action"),
    );
    const answers = [{ prompt: "What is the capital of France?", answer: "Paris is the capital of France" }];
    const gguf = await synthesizeKnownAnswer({ path: path.join(root, "ka.gguf"), answers });
    model = await makeModelLayout(path.join(root, "ka"), { shards: [await readFile(gguf.path)], tag: "v1" });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(keys.dir, { recursive: true, force: true });
  });

  const run = () =>
    runBundledAction(action, {
      inputs: {
        model: `oci:${model.layout.root}@${model.manifestDescriptor.digest}`,
        backend: "embedded",
        threads: "1",
        cache: "false",
        "verify-key": keys.publicPem,
      },
      timeoutMs: 120_000,
    });

  it("refuses an unsigned digest with one line and downloads nothing", async () => {
    const refused = await run();
    expect(refused.main.exitCode).toBe(1);
    const errors = refused.main.annotations.filter((a) => a.level === "error").map((a) => a.message);
    expect(errors).toEqual([
      `${model.manifestDescriptor.digest} in oci:${model.layout.root} has no valid signature from a trusted signer: nothing is attached`,
    ]);
    const store = path.join(refused.dirs.toolCache, "cortex-model", "store", "blobs", "sha256");
    expect(await readdir(store).catch(() => [])).toEqual([]);
    await rm(refused.dirs.root, { recursive: true, force: true });
  });
});
