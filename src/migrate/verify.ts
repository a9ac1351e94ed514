import { OpenAIClient } from "../client/openai-client.js";
import type { CaseDifference, RunSummary } from "../compat/results.js";
import type { Suite } from "../compat/suite.js";
import { testModel } from "../compat/test-model.js";
import { CortexError } from "../core/errors.js";
import { type RunningServer, startEmbeddedServer } from "../serve/index.js";

/** Whether the migrated model answers the suite exactly as the original does. */
export interface Verification {
  readonly identical: boolean;
  readonly original: RunSummary;
  readonly migrated: RunSummary;
  readonly differences: readonly CaseDifference[];
}

export interface VerifyOptions {
  readonly suite: Suite;
  /** The GGUF the original (Ollama) model loads. */
  readonly originalModel: string;
  /** The GGUF of the migrated artifact, as pulled back from the target. */
  readonly migratedModel: string;
  readonly threads?: number;
}

/**
 * Serves the original and the migrated GGUF with the embedded backend (loopback, free ports) and runs the
 * suite on both with the side-by-side comparison: the migration is proven when no case's answer differs.
 */
export async function verifyMigration(options: VerifyOptions): Promise<Verification> {
  const servers: RunningServer[] = [];
  try {
    const serve = async (modelPath: string, modelId: string) => {
      const running = await startEmbeddedServer({
        modelPath,
        modelId,
        host: "127.0.0.1",
        port: 0,
        threads: options.threads ?? 1,
      });
      servers.push(running);
      return { client: new OpenAIClient({ baseUrl: running.server.baseUrl }), model: { name: modelId } };
    };
    const original = await serve(options.originalModel, "original");
    const migrated = await serve(options.migratedModel, "migrated");
    const results = await testModel({ suite: options.suite, endpoint: original, compare: migrated, threshold: 0 });
    const comparison = results.comparison;
    if (!comparison) throw new CortexError("the compatibility run returned no side-by-side comparison");
    return {
      identical: comparison.differences.length === 0,
      original: results.summary,
      migrated: comparison.summary,
      differences: comparison.differences,
    };
  } finally {
    await Promise.all(servers.map((s) => s.close(0)));
  }
}
