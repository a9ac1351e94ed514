import * as core from "@actions/core";
import { describeError } from "../core/errors.js";
import { POST_STATE } from "./constants.js";
import { runnerState, type StateProvider } from "./state.js";

export type Step = () => Promise<void>;

/**
 * The whole of an action's entry file. One bundle serves both steps: the main step records POST_STATE,
 * which the runner hands back to the post step (the docker/actions-toolkit way). Any error becomes one
 * failure line; the stack stays out of the log, the cause chain is summarised by describeError.
 */
export async function runAction(main: Step, post?: Step, state: StateProvider = runnerState): Promise<void> {
  try {
    if (state.get(POST_STATE) === "true") {
      await post?.();
      return;
    }
    if (post) state.set(POST_STATE, "true");
    await main();
  } catch (error) {
    core.setFailed(describeError(error));
  }
}
