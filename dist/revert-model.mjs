import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  revertSummary
} from "./chunk-RBOOK7TP.mjs";
import {
  revert
} from "./chunk-IE54JOQR.mjs";
import "./chunk-PAFLJXJT.mjs";
import {
  appendSummary,
  runContext
} from "./chunk-3IICKCHI.mjs";
import "./chunk-APVQ7LTG.mjs";
import {
  InputError,
  RevertModel,
  credentialInputs,
  maskSecret,
  numberInput,
  openTarget,
  optionalInput,
  requiredInput,
  runAction,
  setOutputs
} from "./chunk-OKSVDTLS.mjs";
import {
  parseReference
} from "./chunk-JLHAMPB3.mjs";
import "./chunk-AYZFIZTY.mjs";
import "./chunk-SBSIPN6N.mjs";
import {
  BOUNDS,
  parseDigest
} from "./chunk-P47FFNDF.mjs";
import "./chunk-X6O7WWHG.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/github/revert-model.ts
function selector() {
  const { inputs } = RevertModel;
  const to = optionalInput(inputs.to);
  const steps = optionalInput(inputs.steps);
  if (to !== void 0 && steps !== void 0) {
    throw new InputError(`give input "${inputs.to}" or "${inputs.steps}", not both`);
  }
  if (steps !== void 0) return { steps: numberInput(inputs.steps, BOUNDS.revertSteps, 1) };
  if (to === void 0 || to === "previous") return { steps: 1 };
  return { digest: parseDigest(to) };
}
__name(selector, "selector");
async function revertModelStep(env = process.env) {
  const { inputs, outputs } = RevertModel;
  const ref = parseReference(requiredInput(inputs.model));
  if (ref.tag === void 0 || ref.digest !== void 0) {
    throw new InputError(
      `input "${inputs.model}" must be <repo>:<tag> (a tag, no digest), got ${requiredInput(inputs.model)}`
    );
  }
  const credentials = credentialInputs(inputs.registryUsername, inputs.registryPassword);
  const target = await openTarget(ref, { ...credentials ? { credentials } : {}, onSecret: maskSecret });
  const context = runContext(env);
  const reason = optionalInput(inputs.reason);
  const result = await revert({ target, tag: ref.tag, to: selector(), ...context, ...reason ? { reason } : {} });
  setOutputs({
    [outputs.previousDigest]: result.previous ?? "",
    [outputs.digest]: result.digest,
    [outputs.tags]: result.tag
  });
  await appendSummary(revertSummary(result, context));
  return result;
}
__name(revertModelStep, "revertModelStep");
function run() {
  return runAction(async () => {
    await revertModelStep();
  });
}
__name(run, "run");

// actions/revert-model/main.ts
await run();
