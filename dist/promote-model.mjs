import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  promotionSummary
} from "./chunk-RBOOK7TP.mjs";
import {
  promote
} from "./chunk-PAFLJXJT.mjs";
import {
  destinationReference,
  openEndpoints,
  parsePinnedSource
} from "./chunk-4YHMV36A.mjs";
import {
  appendSummary,
  parseResultKinds,
  runContext
} from "./chunk-3IICKCHI.mjs";
import "./chunk-APVQ7LTG.mjs";
import {
  signingInput,
  verificationInput
} from "./chunk-FYDH7VJB.mjs";
import {
  PromoteModel,
  booleanInput,
  credentialInputs,
  listInput,
  maskSecret,
  optionalInput,
  requiredInput,
  runAction,
  setOutputs
} from "./chunk-OKSVDTLS.mjs";
import "./chunk-JLHAMPB3.mjs";
import "./chunk-AYZFIZTY.mjs";
import "./chunk-SBSIPN6N.mjs";
import "./chunk-P47FFNDF.mjs";
import "./chunk-X6O7WWHG.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/github/promote-model.ts
async function promoteModelStep(env = process.env) {
  const { inputs, outputs } = PromoteModel;
  const source = parsePinnedSource(requiredInput(inputs.model));
  const destination = destinationReference(source, optionalInput(inputs.toRepo));
  const credentials = credentialInputs(inputs.registryUsername, inputs.registryPassword);
  const toCredentials = credentialInputs(inputs.toRegistryUsername, inputs.toRegistryPassword) ?? credentials;
  const tags = listInput(inputs.tags);
  const require2 = parseResultKinds(listInput(inputs.require));
  const identity = signingInput(env);
  const trust = await verificationInput(env);
  const targets = await openEndpoints(source, destination, {
    source: { ...credentials ? { credentials } : {}, onSecret: maskSecret },
    destination: { ...toCredentials ? { credentials: toCredentials } : {}, onSecret: maskSecret }
  });
  const context = runContext(env);
  const reason = optionalInput(inputs.reason);
  const result = await promote({
    ...targets,
    digest: source.digest,
    tags,
    semverAliases: booleanInput(inputs.semverAliases, false),
    dryRun: booleanInput(inputs.dryRun, false),
    require: require2,
    ...trust ? { trust } : {},
    ...identity ? { sign: { identity, legacy: booleanInput(inputs.signLegacy, true) } } : {},
    ...context,
    ...reason ? { reason } : {}
  });
  setOutputs({
    [outputs.previousDigest]: result.tags[0]?.previous ?? "",
    [outputs.digest]: result.digest,
    [outputs.tags]: result.tags.filter((t) => t.digest === result.digest).map((t) => t.tag).join(",")
  });
  await appendSummary(promotionSummary(result, context));
  return result;
}
__name(promoteModelStep, "promoteModelStep");
function run() {
  return runAction(async () => {
    await promoteModelStep();
  });
}
__name(run, "run");

// actions/promote-model/main.ts
await run();
