import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  descriptorOf,
  fetchSmallBlob,
  info,
  mapLimit,
  summary
} from "./chunk-OKSVDTLS.mjs";
import {
  attachReferrer
} from "./chunk-JLHAMPB3.mjs";
import {
  Annotation,
  MediaType,
  decodeImageManifest
} from "./chunk-P47FFNDF.mjs";
import {
  CortexError,
  DigestMismatchError,
  UsageError
} from "./chunk-X6O7WWHG.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/promote/errors.ts
var PromotionRefusedError = class extends CortexError {
  static {
    __name(this, "PromotionRefusedError");
  }
};
var RevertRefusedError = class extends CortexError {
  static {
    __name(this, "RevertRefusedError");
  }
};
var HistoryEntryError = class extends CortexError {
  static {
    __name(this, "HistoryEntryError");
  }
};
var PromoteUsageError = class extends UsageError {
  static {
    __name(this, "PromoteUsageError");
  }
};
var TagMoveError = class extends CortexError {
  static {
    __name(this, "TagMoveError");
  }
  tag;
  state;
  constructor(message, tag, state, options) {
    super(message, options);
    this.tag = tag;
    this.state = state;
  }
};

// src/promote/policy.ts
var RESULT_KINDS = ["compat", "bench", "scan"];
function isResultKind(value) {
  return RESULT_KINDS.includes(value);
}
__name(isResultKind, "isResultKind");
var REQUIREMENTS = ["compat", "bench", "bench:pass", "scan"];
function isRequirement(value) {
  return REQUIREMENTS.includes(value);
}
__name(isRequirement, "isRequirement");
function requirementKind(requirement) {
  return requirement === "bench:pass" ? "bench" : requirement;
}
__name(requirementKind, "requirementKind");
function parseResultKinds(values) {
  const requirements = [];
  for (const value of values.flatMap((v) => v.split(",")).map((v) => v.trim())) {
    if (value === "") continue;
    if (!isRequirement(value)) {
      throw new PromoteUsageError(`unknown result kind "${value}" in require: use ${REQUIREMENTS.join(", ")}`);
    }
    if (!requirements.includes(value)) requirements.push(value);
  }
  return requirements;
}
__name(parseResultKinds, "parseResultKinds");
function meets(record, requirement) {
  if (record.kind !== requirementKind(requirement)) return false;
  if (record.override !== void 0 || record.verdict === void 0) return record.passed;
  switch (requirement) {
    case "compat":
    case "scan":
      return record.passed;
    case "bench":
      return record.verdict !== "regression";
    case "bench:pass":
      return record.verdict === "pass" || record.verdict === "improvement";
  }
}
__name(meets, "meets");
function evaluatePolicy(required, results) {
  const missing = required.filter((req) => !results.some((r) => r.kind === requirementKind(req)));
  const failing = required.filter((req) => !missing.includes(req) && !results.some((r) => meets(r, req)));
  return { satisfied: missing.length === 0 && failing.length === 0, missing, failing };
}
__name(evaluatePolicy, "evaluatePolicy");
function describeVerdict(verdict, digest, results, qualifier) {
  const parts = [
    ...verdict.missing.map((req) => `no ${qualifier ? `${qualifier} ` : ""}${requirementKind(req)} result`),
    ...verdict.failing.map((req) => {
      const count = results.filter((r) => r.kind === requirementKind(req)).length;
      const none = req === "bench:pass" ? "none showed a pass" : "none passed";
      return `${req} failing (${count} result${count === 1 ? "" : "s"}, ${none})`;
    })
  ];
  return `${digest} does not meet the result policy: ${parts.join(", ")}`;
}
__name(describeVerdict, "describeVerdict");

// src/promote/results.ts
var ResultAnnotation = {
  kind: "io.cortex.model.result.kind",
  passed: "io.cortex.model.result.passed",
  /** The document's own verdict, so a requirement can ask for more than "passed" (bench:pass). */
  verdict: "io.cortex.model.result.verdict",
  /** Present when the publisher recorded `passed` against what the document says. */
  override: "io.cortex.model.result.override"
};
var EMPTY_CONFIG = new TextEncoder().encode("{}");
function resultManifest(subject, kind, resultJson, passed, created) {
  const config = descriptorOf(MediaType.ociEmpty, EMPTY_CONFIG);
  const layer = descriptorOf(MediaType.cortexResult, resultJson);
  const document = parsedDocument(resultJson);
  const verdict = documentVerdict(kind, document);
  const reading = documentPassed(kind, document);
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType: MediaType.cortexResult,
    config,
    layers: [layer],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: {
      [ResultAnnotation.kind]: kind,
      [ResultAnnotation.passed]: String(passed),
      ...verdict === void 0 ? {} : { [ResultAnnotation.verdict]: verdict },
      ...reading === void 0 || reading === passed ? {} : { [ResultAnnotation.override]: passed ? "passed" : "failed" },
      [Annotation.created]: created.toISOString()
    }
  };
  const bytes = new TextEncoder().encode(JSON.stringify(manifest));
  return { manifest: descriptorOf(MediaType.ociManifest, bytes), bytes, config, layer };
}
__name(resultManifest, "resultManifest");
async function publishResult(target, subject, kind, resultJson, passed, options = {}) {
  const json = typeof resultJson === "string" ? new TextEncoder().encode(resultJson) : resultJson;
  const { manifest, bytes, config, layer } = resultManifest(subject, kind, json, passed, options.created ?? /* @__PURE__ */ new Date());
  const { signal } = options;
  await target.pushBlob(config, EMPTY_CONFIG, { signal });
  await target.pushBlob(layer, json, { signal });
  await attachReferrer(target, manifest, bytes, { signal });
  return { ...manifest, artifactType: MediaType.cortexResult };
}
__name(publishResult, "publishResult");
async function listResults(target, subject, signal) {
  const referrers = await target.referrers(subject, { artifactType: MediaType.cortexResult, signal });
  const records = await mapLimit(referrers, 8, async (descriptor) => {
    const { bytes } = await target.fetchManifest(descriptor, { signal });
    const annotations = decodeImageManifest(bytes, `result ${descriptor.digest}`).annotations ?? {};
    const kind = annotations[ResultAnnotation.kind];
    const passed = annotations[ResultAnnotation.passed];
    if (kind === void 0 || !isResultKind(kind) || passed !== "true" && passed !== "false") return void 0;
    const created = annotations[Annotation.created];
    const verdict = annotations[ResultAnnotation.verdict];
    const override = annotations[ResultAnnotation.override];
    return {
      descriptor,
      kind,
      passed: passed === "true",
      ...verdict ? { verdict } : {},
      ...override === "passed" || override === "failed" ? { override } : {},
      ...created ? { created } : {}
    };
  });
  return records.filter((r) => r !== void 0);
}
__name(listResults, "listResults");
function newestFirst(records) {
  return [...records].sort((a, b) => (b.created ?? "").localeCompare(a.created ?? ""));
}
__name(newestFirst, "newestFirst");
var MAX_RESULT_BYTES = 64 * 2 ** 20;
async function fetchResultDocument(target, record, signal) {
  const { bytes } = await target.fetchManifest(record.descriptor, { signal });
  const manifest = decodeImageManifest(bytes, `result ${record.descriptor.digest}`);
  const layer = manifest.layers.find((l) => l.mediaType === MediaType.cortexResult);
  if (layer === void 0) throw new DigestMismatchError(`result ${record.descriptor.digest} has no results layer`);
  return fetchSmallBlob(
    target,
    layer,
    MAX_RESULT_BYTES,
    `result ${record.descriptor.digest}: its results layer`,
    signal
  );
}
__name(fetchResultDocument, "fetchResultDocument");
function parsedDocument(bytes) {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return void 0;
  }
}
__name(parsedDocument, "parsedDocument");
function documentVerdict(kind, document) {
  const doc = document;
  const verdict = kind === "compat" ? doc?.summary?.verdict : doc?.verdict;
  return typeof verdict === "string" ? verdict : void 0;
}
__name(documentVerdict, "documentVerdict");
function documentPassed(kind, document) {
  const verdict = documentVerdict(kind, document);
  if (verdict === void 0) return void 0;
  return kind === "bench" ? verdict !== "regression" : verdict === "pass";
}
__name(documentPassed, "documentPassed");

// src/github/run-context.ts
function runContext(env) {
  const { GITHUB_ACTOR: actor, GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env;
  const runUrl = server && repository && runId ? `${server}/${repository}/actions/runs/${runId}` : void 0;
  return { ...actor ? { actor } : {}, ...runUrl ? { runUrl } : {} };
}
__name(runContext, "runContext");

// src/github/summary.ts
async function appendSummary(markdown) {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    info(markdown);
    return;
  }
  await summary.addRaw(markdown, true).write();
}
__name(appendSummary, "appendSummary");

export {
  PromotionRefusedError,
  RevertRefusedError,
  HistoryEntryError,
  PromoteUsageError,
  TagMoveError,
  parseResultKinds,
  evaluatePolicy,
  describeVerdict,
  publishResult,
  listResults,
  newestFirst,
  fetchResultDocument,
  documentPassed,
  runContext,
  appendSummary
};
