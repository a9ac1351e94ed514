/** Who runs this workflow and the run's page, from the variables the GitHub runner sets. */
export interface RunContext {
  readonly actor?: string;
  readonly runUrl?: string;
}

export function runContext(env: NodeJS.ProcessEnv): RunContext {
  const { GITHUB_ACTOR: actor, GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env;
  const runUrl = server && repository && runId ? `${server}/${repository}/actions/runs/${runId}` : undefined;
  return { ...(actor ? { actor } : {}), ...(runUrl ? { runUrl } : {}) };
}
