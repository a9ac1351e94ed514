export type { EngineOptions, GenerationOutcome, LlamaTimings, ThreadChoice } from "./engine.js";
export { checkGguf } from "./gguf-check.js";
export type { EmbeddedServerOptions, RunningServer } from "./serve.js";
export { startEmbeddedServer } from "./serve.js";
