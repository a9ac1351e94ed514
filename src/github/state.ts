import * as core from "@actions/core";

/**
 * What the main step hands to the post step. The runner carries it through the GITHUB_STATE file into
 * STATE_<name> variables; the interface lets a caller hold state elsewhere when it drives both steps itself.
 */
export interface StateProvider {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

export const runnerState: StateProvider = {
  get: (name) => core.getState(name) || undefined,
  set: (name, value) => core.saveState(name, value),
};
