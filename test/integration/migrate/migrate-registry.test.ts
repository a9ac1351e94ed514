import { promises as fs } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTarget } from "../../../src/copy/targets.js";
import { sha256Digest } from "../../../src/core/digest.js";
import { MediaType } from "../../../src/core/media-types.js";
import { parseReference } from "../../../src/core/ref.js";
import { synthesizeKnownAnswer } from "../../../src/model/known-answer.js";
import { pull } from "../../../src/pull/pull.js";
import { ModelStore } from "../../../src/store/model-store.js";
import { runCliInProcess } from "../../helpers/cli.js";
import { type FaultProxy, startFaultProxy } from "../../helpers/fault-proxy.js";
import { writeOllamaStoreModel } from "../../helpers/ollama-store.js";
import { startRegistry, type TestRegistry } from "../../helpers/registry.js";
import { useTempDir } from "../../helpers/temp-dir.js";

interface Row {
  ollama: string;
  target: string;
  manifestDigest: string;
  ggufDigest: string;
  status: string;
}

describe("migrate --from-ollama to a real registry", () => {
  const temp = useTempDir("cortex-migrate-registry-");
  let registry: TestRegistry;
  let proxy: FaultProxy;

  beforeAll(async () => {
    registry = await startRegistry();
    proxy = await startFaultProxy(registry.host);
  });
  afterAll(async () => {
    await proxy?.close();
    await registry?.stop();
  });

  it("pushes a DMR artifact that pulls back by digest with the GGUF unchanged, once, and comes back to Ollama", async () => {
    const ggufFile = path.join(temp(), "ka.gguf");
    await synthesizeKnownAnswer({ path: ggufFile, answers: [{ prompt: "ping", answer: "pong" }] });
    const modelsDir = path.join(temp(), "ollama");
    const source = await writeOllamaStoreModel(modelsDir, {
      model: "tiny",
      tag: "q1",
      gguf: new Uint8Array(await fs.readFile(ggufFile)),
      template: "{{ .Prompt }}",
      params: { stop: ["</s>"] },
      license: "Apache-2.0",
    });
    const migrate = async () => {
      const result = await runCliInProcess([
        "migrate",
        "--from-ollama",
        modelsDir,
        "--to",
        `${proxy.host}/team`,
        "--json",
      ]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      return JSON.parse(result.stdout) as Row[];
    };
    const uploads = () => proxy.requests.filter((r) => r.method === "POST" && /\/blobs\/uploads\//.test(r.path)).length;

    const [row] = await migrate();
    expect(row).toMatchObject({ ollama: "tiny:q1", status: "migrated", ggufDigest: source.gguf.digest });
    expect(row?.target).toBe(`${proxy.host}/team/library/tiny:q1@${row?.manifestDigest}`);
    expect(uploads()).toBe(3); // GGUF, license, config

    const reference = parseReference(`${registry.host}/team/library/tiny@${row?.manifestDigest}`);
    const store = await ModelStore.open({ dir: path.join(temp(), "store") });
    const pulled = await pull(await openTarget(reference), reference, store);
    expect(pulled.format).toBe("dmr");
    expect(pulled.manifest.layers.map((l) => [l.mediaType, l.digest])).toEqual([
      [MediaType.dmrGguf, source.gguf.digest],
      [MediaType.dmrLicense, sha256Digest("Apache-2.0")],
    ]);
    expect(sha256Digest(await fs.readFile(pulled.model))).toBe(source.gguf.digest);

    const before = uploads();
    const [again] = await migrate();
    expect(again).toMatchObject({ status: "up to date", manifestDigest: row?.manifestDigest });
    expect(uploads()).toBe(before);

    const back = path.join(temp(), "back");
    const restored = await runCliInProcess([
      "migrate",
      "--to-ollama",
      back,
      `${registry.host}/team/library/tiny@${row?.manifestDigest}`,
      "--store",
      path.join(temp(), "store2"),
    ]);
    expect(restored.code).toBe(0);
    const manifest = await fs.readFile(path.join(back, path.relative(modelsDir, source.manifestPath)), "utf8");
    expect(manifest).toBe(Buffer.from(source.manifestBytes).toString("utf8"));
    for (const blob of source.blobs) {
      const bytes = await fs.readFile(path.join(back, "blobs", `sha256-${blob.digest.slice(7)}`));
      expect(sha256Digest(bytes)).toBe(blob.digest);
    }
  });
});
