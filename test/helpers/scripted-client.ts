import type {
  EmbeddingRequest,
  EmbeddingResult,
  GenerationRequest,
  GenerationResult,
  ModelClient,
} from "../../src/client/types.js";

export type Script = (request: GenerationRequest, index: number) => Partial<GenerationResult> | Error;

/** A ModelClient answering from a script and recording every request, for runner tests without a server. */
export class ScriptedClient implements ModelClient {
  readonly requests: (GenerationRequest | EmbeddingRequest)[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(
    private readonly script: Script,
    readonly baseUrl = "http://127.0.0.1:1/v1",
    private readonly vectors: (request: EmbeddingRequest) => number[][] = () => [[0.5, 0.5]],
  ) {}

  async generate(request: GenerationRequest): Promise<GenerationResult> {
    this.requests.push(request);
    const answer = this.script(request, this.requests.length - 1);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    // Yield so concurrent cases really overlap.
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.inFlight--;
    if (answer instanceof Error) throw answer;
    return {
      text: "",
      finishReason: "stop",
      usage: { promptTokens: 3, completionTokens: 2 },
      timing: { e2eMs: 5, chunkTimesMs: [], ...(request.stream && { ttftMs: 2 }) },
      ...answer,
    };
  }

  async embed(request: EmbeddingRequest): Promise<EmbeddingResult> {
    this.requests.push(request);
    return { embeddings: this.vectors(request), timing: { e2eMs: 1, chunkTimesMs: [] } };
  }

  async listModels(): Promise<string[]> {
    return ["scripted"];
  }
}

/** The text of the last message or the prompt: what a scripted "model" answers to. */
export function promptOf(request: GenerationRequest): string {
  return request.api === "chat" ? (request.messages.at(-1)?.content ?? "") : request.prompt;
}
