import type {
  Backend,
  BackendContext,
  BackendHandle,
  BackendOptions,
  BackendSettings,
  Endpoint,
  ModelRequest,
  Probe,
  StartedBackend,
} from "./backend.js";
import { BackendError } from "./backend.js";
import { waitUntil } from "./process.js";

/**
 * An OpenAI-compatible endpoint that already exists (a hosted API, a server started by an earlier step):
 * nothing to install, start or stop. Ready when GET <base>/models answers and lists the model.
 */

function modelsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/models`;
}

interface ModelList {
  readonly data?: readonly { readonly id?: unknown }[];
}

async function listModels(baseUrl: string, apiKey: string | undefined): Promise<string[]> {
  const response = await fetch(modelsUrl(baseUrl), {
    headers: apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status === 401 || response.status === 403) {
    throw new BackendError("openai", `GET ${modelsUrl(baseUrl)} was refused (${response.status}): check api-key`);
  }
  if (!response.ok) throw new Error(`GET ${modelsUrl(baseUrl)} answered ${response.status}`);
  const body = (await response.json()) as ModelList;
  return (body.data ?? []).flatMap((model) => (typeof model.id === "string" ? [model.id] : []));
}

export function createOpenAiBackend(
  settings: BackendSettings,
  _context: BackendContext,
  options: BackendOptions = {},
): Backend {
  const baseUrl = options.baseUrl;
  const apiKey = options.apiKey;
  return {
    name: "openai",
    source: "endpoint",
    async probe(): Promise<Probe> {
      return baseUrl === undefined
        ? { availability: "unavailable", detail: "no base-url given" }
        : { availability: "running", detail: `base-url ${baseUrl}` };
    },
    async prepare() {
      if (baseUrl === undefined) throw new BackendError("openai", "needs the base-url of an existing endpoint");
    },
    async start(model: ModelRequest): Promise<StartedBackend> {
      if (baseUrl === undefined) throw new BackendError("openai", "needs the base-url of an existing endpoint");
      const handle: BackendHandle = { backend: "openai" };
      return {
        handle,
        async ready(): Promise<Endpoint> {
          const ids = await waitUntil(() => listModels(baseUrl, apiKey), {
            backend: "openai",
            timeoutMs: settings.readyTimeoutMs,
            what: `GET ${modelsUrl(baseUrl)}`,
          });
          if (!ids.includes(model.modelId)) {
            throw new BackendError(
              "openai",
              `${baseUrl} does not serve "${model.modelId}"; it lists: ${ids.join(", ") || "no models"}`,
            );
          }
          return { baseUrl, modelId: model.modelId, ...(apiKey === undefined ? {} : { apiKey }) };
        },
      };
    },
    async stop() {},
  };
}
