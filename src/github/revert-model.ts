import { openTarget } from "../copy/targets.js";
import { BOUNDS } from "../core/bounds.js";
import { parseDigest } from "../core/digest.js";
import { parseReference } from "../core/ref.js";
import { type RevertResult, type RevertSelector, revert } from "../promote/revert.js";
import { RevertModel } from "./constants.js";
import { InputError, maskSecret, numberInput, optionalInput, requiredInput } from "./inputs.js";
import { setOutputs } from "./outputs.js";
import { revertSummary } from "./promotion-summary.js";
import { credentialInputs } from "./registry-inputs.js";
import { runAction } from "./run.js";
import { runContext } from "./run-context.js";
import { appendSummary } from "./summary.js";

function selector(): RevertSelector {
  const { inputs } = RevertModel;
  const to = optionalInput(inputs.to);
  const steps = optionalInput(inputs.steps);
  if (to !== undefined && steps !== undefined) {
    throw new InputError(`give input "${inputs.to}" or "${inputs.steps}", not both`);
  }
  if (steps !== undefined) return { steps: numberInput(inputs.steps, BOUNDS.revertSteps, 1) };
  if (to === undefined || to === "previous") return { steps: 1 };
  return { digest: parseDigest(to) };
}

/** Reverts one tag from the action's inputs; outputs and job summary describe the move. */
export async function revertModelStep(env: NodeJS.ProcessEnv = process.env): Promise<RevertResult> {
  const { inputs, outputs } = RevertModel;
  const ref = parseReference(requiredInput(inputs.model));
  if (ref.tag === undefined || ref.digest !== undefined) {
    throw new InputError(
      `input "${inputs.model}" must be <repo>:<tag> (a tag, no digest), got ${requiredInput(inputs.model)}`,
    );
  }
  const credentials = credentialInputs(inputs.registryUsername, inputs.registryPassword);
  const target = await openTarget(ref, { ...(credentials ? { credentials } : {}), onSecret: maskSecret });
  const context = runContext(env);
  const reason = optionalInput(inputs.reason);
  const result = await revert({ target, tag: ref.tag, to: selector(), ...context, ...(reason ? { reason } : {}) });
  setOutputs({
    [outputs.previousDigest]: result.previous ?? "",
    [outputs.digest]: result.digest,
    [outputs.tags]: result.tag,
  });
  await appendSummary(revertSummary(result, context));
  return result;
}

/** The action's entry point. */
export function run(): Promise<void> {
  return runAction(async () => {
    await revertModelStep();
  });
}
