import type { Provenance } from "../promote/history-entry.js";

/**
 * Who and what is moving a tag, for the history: flags first, then what the CI environment says (GitHub
 * Actions' variables; elsewhere the login name).
 */
export function provenanceFrom(
  flags: { actor?: string | undefined; "run-url"?: string | undefined; reason?: string | undefined },
  env: NodeJS.ProcessEnv,
): Provenance {
  const actor = flags.actor ?? env.GITHUB_ACTOR ?? env.USER;
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env;
  const runUrl =
    flags["run-url"] ?? (server && repository && runId ? `${server}/${repository}/actions/runs/${runId}` : undefined);
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
