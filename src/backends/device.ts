import { open } from "node:fs/promises";
import { type Device, gpuKind } from "../core/device.js";
import { request } from "./http-probe.js";
import type { RunnerPlatform } from "./platform.js";

/** How the device a backend really used is read from the backends that do not say it through an API. */

/** The GPU a log names last: `using device CUDA0 (...)`, `assigned to device Metal`, Ollama's `library=cuda`. */
function namedGpu(log: string): Device | undefined {
  return [...log.matchAll(/(?:using device|assigned to device|library=)\s*"?([A-Za-z]+)/g)]
    .map((match) => gpuKind(match[1] as string))
    .findLast((device) => device !== undefined);
}

/**
 * llama.cpp from its own log (llama-server's): `offloaded N/M layers to GPU` is written only by builds with a
 * GPU backend, so N = 0 or no such line is the CPU; undefined when layers went to a GPU the log does not name.
 */
export function llamaCppLogDevice(log: string): Device | undefined {
  const offloaded = [...log.matchAll(/offloaded (\d+)\/\d+ layers to GPU/g)].at(-1);
  if (offloaded === undefined || Number(offloaded[1]) === 0) return "cpu";
  return namedGpu(log);
}

/**
 * Ollama from `/api/ps`: `size_vram` is the part of the loaded model held in GPU memory, 0 on the CPU. On
 * macOS its only GPU backend is Metal; elsewhere the kind comes from its log.
 */
export function ollamaDevice(sizeVram: number, platform: RunnerPlatform, log: string): Device | undefined {
  if (sizeVram <= 0) return "cpu";
  return platform.os === "darwin" ? "metal" : namedGpu(log);
}

/** The start of a backend's log, where it says what it loaded: at most `bytes`, "" when there is none. */
export async function logHead(file: string, bytes = 1024 * 1024): Promise<string> {
  try {
    const handle = await open(file, "r");
    try {
      const buffer = Buffer.alloc(bytes);
      const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
      return buffer.subarray(0, bytesRead).toString("utf8");
    } finally {
      await handle.close();
    }
  } catch {
    return "";
  }
}

/** Ollama's device for a loaded model: `size_vram` from `/api/ps`, undefined when it does not list the model. */
export async function ollamaLoadedDevice(
  origin: string,
  modelId: string,
  platform: RunnerPlatform,
  logFile: string,
): Promise<Device | undefined> {
  try {
    const answer = await request(`${origin}/api/ps`, { timeoutMs: 5_000 });
    const { models } = JSON.parse(answer.body) as { models?: { name?: string; model?: string; size_vram?: number }[] };
    // The server was started for this model alone: its one loaded model is it, whatever tag it is listed under.
    const loaded =
      models?.find((m) => m.name === modelId || m.model === modelId) ?? (models?.length === 1 ? models[0] : undefined);
    if (typeof loaded?.size_vram !== "number") return undefined;
    return ollamaDevice(loaded.size_vram, platform, await logHead(logFile));
  } catch {
    // The device is a fact for the outputs, not a condition of serving.
    return undefined;
  }
}
