import { OpenAIClient } from "../client/openai-client.js";
import { isDevice } from "../core/device.js";
import type { GateSide } from "./bench.js";
import type { LoadTimes, SideInfo } from "./results.js";

/** One side of a gate as the CLI flags and the action inputs describe it. */
export interface ServedSideSpec {
  readonly baseUrl: string;
  readonly model: string;
  /** Recorded in the results; defaults to the model name. */
  readonly ref?: string;
  readonly digest?: string;
  readonly backend?: string;
  readonly threads?: number;
  readonly pid?: number;
  readonly coldLoadMs?: readonly number[];
  readonly warmLoadMs?: readonly number[];
}

/** What a server says in /models about how it serves the model: backend, threads and device, when it says. */
async function reportedByServer(client: OpenAIClient, model: string): Promise<Partial<SideInfo>> {
  const entries = await client.models().catch(() => []);
  const meta = entries.find((e) => e.id === model)?.meta ?? {};
  return {
    ...(typeof meta.backend === "string" ? { backend: meta.backend } : {}),
    ...(typeof meta.threads === "number" ? { threads: meta.threads } : {}),
    ...(isDevice(meta.device) ? { device: meta.device } : {}),
  };
}

/**
 * A served side, with what its server reports about itself filling the gaps: our embedded server (and
 * llama.cpp's) says in /models which backend, how many threads and which device serve the model; a server
 * that does not is simply recorded without them.
 */
export async function servedSide(spec: ServedSideSpec): Promise<GateSide> {
  const client = new OpenAIClient({ baseUrl: spec.baseUrl });
  const reported = await reportedByServer(client, spec.model);
  const threads = spec.threads ?? reported.threads;
  const backend = spec.backend ?? reported.backend;
  const coldMs = [...(spec.coldLoadMs ?? [])];
  const warmMs = [...(spec.warmLoadMs ?? [])];
  const loads: LoadTimes | undefined = coldMs.length || warmMs.length ? { coldMs, warmMs } : undefined;
  return {
    client,
    model: spec.model,
    ...(spec.pid === undefined ? {} : { pid: spec.pid }),
    ...(loads ? { loads } : {}),
    info: {
      modelRef: spec.ref ?? spec.model,
      baseUrl: spec.baseUrl,
      ...(spec.digest ? { digest: spec.digest } : {}),
      ...(backend ? { backend } : {}),
      ...(threads === undefined ? {} : { threads }),
      ...(reported.device ? { device: reported.device } : {}),
    },
  };
}
