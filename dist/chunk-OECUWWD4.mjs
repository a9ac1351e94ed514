import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  parsePinnedSource
} from "./chunk-4YHMV36A.mjs";
import {
  publishResult,
  runContext
} from "./chunk-3IICKCHI.mjs";
import {
  signingInput
} from "./chunk-FYDH7VJB.mjs";
import {
  InputError,
  attestResult,
  booleanInput,
  credentialInputs,
  info,
  maskSecret,
  openTarget,
  optionalInput
} from "./chunk-OKSVDTLS.mjs";
import {
  formatReference,
  parseReference,
  pinReference
} from "./chunk-JLHAMPB3.mjs";
import {
  parseDigest
} from "./chunk-P47FFNDF.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/github/publish-results.ts
import path from "node:path";

// src/promote/publish.ts
async function publishToTarget(target, subject, name, kind, resultJson, passed, options = {}) {
  const artifact = await publishResult(target, subject, kind, resultJson, passed);
  if (!options.sign) return { artifact };
  const url = options.runUrl ? { url: options.runUrl } : {};
  const attestation = await attestResult(target, subject, name, kind, resultJson, passed, options.sign, url);
  return { artifact, attestation };
}
__name(publishToTarget, "publishToTarget");
async function publishModelResult(modelRef, kind, resultJson, passed, options = {}) {
  const ref = parsePinnedSource(modelRef);
  const { sign, runUrl, ...targetOptions } = options;
  const target = await openTarget(ref, targetOptions);
  const { descriptor } = await target.fetchManifest(ref.digest);
  const name = formatReference({ ...ref, tag: void 0, digest: void 0 });
  const published = await publishToTarget(
    target,
    descriptor,
    name,
    kind,
    new TextEncoder().encode(resultJson),
    passed,
    {
      ...sign ? { sign } : {},
      ...runUrl ? { runUrl } : {}
    }
  );
  return { model: formatReference(ref), digest: ref.digest, ...published };
}
__name(publishModelResult, "publishModelResult");

// src/github/publish-results.ts
function publishInput(names, given) {
  if (!booleanInput(names.publish, false)) return void 0;
  if (given === void 0) {
    throw new InputError(`input "${names.publish}" needs "${names.model}": the model reference pinned by digest`);
  }
  const modelRef = formatReference(pinnedModel(given, optionalInput(names.digest), names));
  const credentials = credentialInputs(names.registryUsername, names.registryPassword);
  const sign = signingInput();
  return { modelRef, ...credentials && { credentials }, ...sign && { sign } };
}
__name(publishInput, "publishInput");
function pinnedModel(given, digest, names) {
  const ref = parseReference(given);
  if (digest === void 0) return parsePinnedSource(given);
  const pinned = parseDigest(digest);
  if (ref.digest !== void 0 && ref.digest !== pinned) {
    throw new InputError(`input "${names.model}" pins ${ref.digest} but input "${names.digest}" is ${pinned}`);
  }
  return pinReference(ref, pinned);
}
__name(pinnedModel, "pinnedModel");
async function publishResults(target, kind, resultJson, passed) {
  const runUrl = runContext(process.env).runUrl;
  const published = await publishModelResult(target.modelRef, kind, resultJson, passed, {
    ...target.credentials && { credentials: target.credentials },
    onSecret: maskSecret,
    ...target.sign && { sign: target.sign },
    ...runUrl && { runUrl }
  });
  info(
    `${kind} results (${passed ? "passed" : "not passed"}) attached to ${published.model} as ${published.artifact.digest}`
  );
  if (published.attestation) info(`${kind} attestation (signed) attached as ${published.attestation.digest}`);
}
__name(publishResults, "publishResults");
function reportPath(requested, fileName, env = process.env) {
  if (requested !== void 0) return path.resolve(requested);
  const temp = env.RUNNER_TEMP;
  if (!temp) throw new InputError(`RUNNER_TEMP is not set: give a path for ${fileName}`);
  return path.join(temp, "cortex-model", fileName);
}
__name(reportPath, "reportPath");

export {
  publishModelResult,
  publishInput,
  publishResults,
  reportPath
};
