import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  revertSummary
} from "./chunk-RBOOK7TP.mjs";
import {
  revert
} from "./chunk-WXMIEWFE.mjs";
import "./chunk-FLSV57TA.mjs";
import {
  appendSummary,
  runContext
} from "./chunk-G2NZANV3.mjs";
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
} from "./chunk-GIMFMJPC.mjs";
import {
  parseDigest,
  parseReference
} from "./chunk-2TPMJLNI.mjs";
import "./chunk-AYZFIZTY.mjs";
import "./chunk-J3MP25YW.mjs";
import {
  BOUNDS
} from "./chunk-JSYAMHUN.mjs";
import "./chunk-O2MWNKLJ.mjs";
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
