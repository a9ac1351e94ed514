import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { execa, type ResultPromise } from "execa";

/** The built CLI, as users run it (`npm run build` first). */
export const cliPath = new URL("../../bin/cortex-model.js", import.meta.url).pathname;

export interface ServedModel {
  /** OpenAI-compatible base URL, ending in /v1. */
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts `cortex-model serve` on a free loopback port with one thread and waits until it reports ready. */
export async function startServedModel(gguf: string, modelId: string, dir: string): Promise<ServedModel> {
  const readyFile = join(dir, `${modelId}.ready.json`);
  const child: ResultPromise = execa(
    "node",
    [
      cliPath,
      "serve",
      "--model",
      gguf,
      "--model-id",
      modelId,
      "--port",
      "0",
      "--threads",
      "1",
      "--ready-file",
      readyFile,
    ],
    { reject: false, stdin: "ignore" },
  );
  const stop = async () => {
    child.kill("SIGTERM");
    await child;
  };
  for (let waited = 0; waited < 120_000; waited += 100) {
    const ready = await readFile(readyFile, "utf8").catch(() => "");
    if (ready) return { url: (JSON.parse(ready) as { url: string }).url, stop };
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  await stop();
  const result = await child;
  throw new Error(`cortex-model serve did not become ready: ${String(result.stderr)}`);
}
