import type { BackendFactory, BackendName } from "./backend.js";
import { createDockerBackend } from "./docker.js";
import { createEmbeddedBackend } from "./embedded.js";
import { createLlamaServerBackend } from "./llama-server.js";
import { createOllamaBackend } from "./ollama.js";
import { createOpenAiBackend } from "./openai.js";

/**
 * Every backend this build knows, by name: the selection and the setup-model action look them up here, so a
 * new backend is one line. A name missing from the map probes as unavailable.
 */
export const BACKENDS: Readonly<Partial<Record<BackendName, BackendFactory>>> = {
  embedded: createEmbeddedBackend,
  openai: createOpenAiBackend,
  ollama: createOllamaBackend,
  docker: createDockerBackend,
  "llama-server": createLlamaServerBackend,
};
