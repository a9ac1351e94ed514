import { destinationReference, openEndpoints, parsePinnedSource } from "../promote/endpoints.js";
import { parseResultKinds } from "../promote/policy.js";
import { type PromoteResult, promote } from "../promote/promote.js";
import { PromoteModel } from "./constants.js";
import { booleanInput, listInput, maskSecret, optionalInput, requiredInput } from "./inputs.js";
import { setOutputs } from "./outputs.js";
import { promotionSummary } from "./promotion-summary.js";
import { credentialInputs } from "./registry-inputs.js";
import { runAction } from "./run.js";
import { runContext } from "./run-context.js";
import { appendSummary } from "./summary.js";
import { signingInput, verificationInput } from "./trust-inputs.js";

/** Runs one promotion from the action's inputs; outputs and job summary describe what moved. */
export async function promoteModelStep(env: NodeJS.ProcessEnv = process.env): Promise<PromoteResult> {
  const { inputs, outputs } = PromoteModel;
  const source = parsePinnedSource(requiredInput(inputs.model));
  const destination = destinationReference(source, optionalInput(inputs.toRepo));
  const credentials = credentialInputs(inputs.registryUsername, inputs.registryPassword);
  const toCredentials = credentialInputs(inputs.toRegistryUsername, inputs.toRegistryPassword) ?? credentials;
  const tags = listInput(inputs.tags);
  const require = parseResultKinds(listInput(inputs.require));
  const identity = signingInput(env);
  const trust = await verificationInput(env);
  const targets = await openEndpoints(source, destination, {
    source: { ...(credentials ? { credentials } : {}), onSecret: maskSecret },
    destination: { ...(toCredentials ? { credentials: toCredentials } : {}), onSecret: maskSecret },
  });
  const context = runContext(env);
  const reason = optionalInput(inputs.reason);
  const result = await promote({
    ...targets,
    digest: source.digest,
    tags,
    semverAliases: booleanInput(inputs.semverAliases, false),
    dryRun: booleanInput(inputs.dryRun, false),
    require,
    ...(trust ? { trust } : {}),
    ...(identity ? { sign: { identity, legacy: booleanInput(inputs.signLegacy, true) } } : {}),
    ...context,
    ...(reason ? { reason } : {}),
  });
  setOutputs({
    [outputs.previousDigest]: result.tags[0]?.previous ?? "",
    [outputs.digest]: result.digest,
    [outputs.tags]: result.tags
      .filter((t) => t.digest === result.digest)
      .map((t) => t.tag)
      .join(","),
  });
  await appendSummary(promotionSummary(result, context));
  return result;
}

/** The action's entry point. */
export function run(): Promise<void> {
  return runAction(async () => {
    await promoteModelStep();
  });
}
