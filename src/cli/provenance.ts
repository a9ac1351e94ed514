import { runContext } from "../github/run-context.js";
import type { Provenance } from "../promote/history-entry.js";

/**
 * Who and what is moving a tag, for the history: flags first, then what a GitHub Actions run says about
 * itself, then the login name.
 */
export function provenanceFrom(
  flags: { actor?: string | undefined; "run-url"?: string | undefined; reason?: string | undefined },
  env: NodeJS.ProcessEnv,
): Provenance {
  const run = runContext(env);
  const actor = flags.actor ?? run.actor ?? env.USER;
  const runUrl = flags["run-url"] ?? run.runUrl;
  return {
    ...(actor ? { actor } : {}),
    ...(runUrl ? { runUrl } : {}),
    ...(flags.reason ? { reason: flags.reason } : {}),
  };
}

/** The flags every command that moves a tag takes for its history entry. */
export const provenanceOptions = {
  reason: { type: "string" },
  actor: { type: "string" },
  "run-url": { type: "string" },
} as const;
