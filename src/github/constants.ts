/**
 * Input, output and state names of every action, in one place: action.yml, the code and the tests spell them
 * the same way because they all read them from here.
 */

/** State shared by every action with a post step: set by the main step, so the post step knows it is one. */
export const POST_STATE = "isPost";

export const PullModel = {
  inputs: {
    model: "model",
    store: "store",
    cache: "cache",
    registryUsername: "registry-username",
    registryPassword: "registry-password",
  },
  outputs: {
    digest: "digest",
    modelPath: "model-path",
    store: "store",
    cacheHit: "cache-hit",
    downloadedBytes: "downloaded-bytes",
  },
} as const;

const registryCredentialInputs = {
  registryUsername: "registry-username",
  registryPassword: "registry-password",
} as const;

/** Inputs every action whose results can go to Prometheus shares. */
export const metricsExportInputs = { openmetrics: "openmetrics", pushgateway: "pushgateway" } as const;
/** Inputs of the actions that sign: a key (PEM or file) with its password, or keyless through Sigstore. */
export const signingInputs = {
  signKey: "sign-key",
  signKeyPassword: "sign-key-password",
  signKeyless: "sign-keyless",
} as const;

/** Inputs of the actions that verify signatures, named after cosign's flags. */
export const verificationInputs = {
  verifyKey: "verify-key",
  certificateIdentityRegexp: "certificate-identity-regexp",
  certificateOidcIssuer: "certificate-oidc-issuer",
  trustedRoot: "trusted-root",
} as const;

/** Inputs every action that can attach its results to the model digest shares; `model-ref` is `model`'s old spelling. */
const publishInputs = {
  publish: "publish",
  modelRef: "model-ref",
  ...registryCredentialInputs,
  ...signingInputs,
} as const;

export const TestModel = {
  inputs: {
    suite: "suite",
    baseUrl: "base-url",
    modelId: "model-id",
    model: "model",
    digest: "digest",
    backend: "backend",
    baseline: "baseline",
    compareBaseUrl: "compare-base-url",
    compareModelId: "compare-model-id",
    /** Deprecated: compare-model-id. */
    compareModel: "compare-model",
    failOn: "fail-on",
    concurrency: "concurrency",
    json: "json",
    junit: "junit",
    ...publishInputs,
    ...metricsExportInputs,
  },
  outputs: {
    verdict: "verdict",
    passed: "passed",
    failed: "failed",
    errors: "errors",
    resultsPath: "results-path",
    reportPath: "report-path",
  },
} as const;

export const BenchModel = {
  inputs: {
    baseUrl: "base-url",
    modelId: "model-id",
    model: "model",
    digest: "digest",
    backend: "backend",
    threads: "threads",
    pid: "pid",
    loadSeconds: "load-seconds",
    warmLoadSeconds: "warm-load-seconds",
    baselineBaseUrl: "baseline-base-url",
    baselineModelId: "baseline-model-id",
    baselineModel: "baseline-model",
    /** Deprecated: baseline-model. */
    baselineModelRef: "baseline-model-ref",
    baselineDigest: "baseline-digest",
    baselineBackend: "baseline-backend",
    baselineThreads: "baseline-threads",
    baselinePid: "baseline-pid",
    baselineLoadSeconds: "baseline-load-seconds",
    baselineWarmLoadSeconds: "baseline-warm-load-seconds",
    baselineFile: "baseline-file",
    baselineRef: "baseline-ref",
    baselineCache: "baseline-cache",
    scenario: "scenario",
    runs: "runs",
    warmup: "warmup",
    thresholds: "thresholds",
    warnOnly: "warn-only",
    /** Deprecated: warn-only. */
    failOnRegression: "fail-on-regression",
    githubToken: "github-token",
    comment: "comment",
    gateName: "gate-name",
    includeReports: "include-reports",
    ...publishInputs,
    ...metricsExportInputs,
  },
  outputs: {
    verdict: "verdict",
    resultsPath: "results-path",
    reportPath: "report-path",
    commentUrl: "comment-url",
  },
} as const;

const tagMoveOutputs = {
  previousDigest: "previous-digest",
  digest: "digest",
  tags: "tags",
} as const;

export const PromoteModel = {
  inputs: {
    model: "model",
    tags: "tags",
    toRepo: "to-repo",
    require: "require",
    semverAliases: "semver-aliases",
    dryRun: "dry-run",
    reason: "reason",
    ...registryCredentialInputs,
    toRegistryUsername: "to-registry-username",
    toRegistryPassword: "to-registry-password",
    ...signingInputs,
    signLegacy: "sign-legacy",
    ...verificationInputs,
  },
  outputs: tagMoveOutputs,
} as const;

export const RevertModel = {
  inputs: { model: "model", to: "to", steps: "steps", reason: "reason", ...registryCredentialInputs },
  outputs: tagMoveOutputs,
} as const;

export const ReleaseModel = {
  inputs: {
    model: "model",
    channel: "channel",
    toRepo: "to-repo",
    require: "require",
    checkSuite: "check-suite",
    checkBench: "check-bench",
    benchScenario: "bench-scenario",
    benchRuns: "bench-runs",
    postCheck: "post-check",
    postCheckTimeout: "post-check-timeout",
    lockWait: "lock-wait",
    backend: "backend",
    strategy: "strategy",
    environment: "environment",
    install: "install",
    version: "version",
    threads: "threads",
    contextSize: "context-size",
    gpu: "gpu",
    readyTimeout: "ready-timeout",
    dryRun: "dry-run",
    reason: "reason",
    ...registryCredentialInputs,
    ...signingInputs,
    signLegacy: "sign-legacy",
    ...verificationInputs,
  },
  outputs: {
    liveDigest: "live-digest",
    previousDigest: "previous-digest",
    colour: "colour",
    switchedBack: "switched-back",
    outcome: "outcome",
  },
} as const;

export const ScanModel = {
  inputs: {
    model: "model",
    policy: "policy",
    sarif: "sarif",
    json: "json",
    cyclonedx: "cyclonedx",
    failOnFindings: "fail-on-findings",
    publish: "publish",
    ...registryCredentialInputs,
    ...signingInputs,
  },
  outputs: {
    verdict: "verdict",
    findings: "findings",
    errors: "errors",
    digest: "digest",
    sarifPath: "sarif-path",
    jsonPath: "json-path",
    cyclonedxPath: "cyclonedx-path",
  },
} as const;

export const SetupModel = {
  inputs: {
    model: "model",
    backend: "backend",
    version: "version",
    strategy: "strategy",
    environment: "environment",
    install: "install",
    cache: "cache",
    gpu: "gpu",
    contextSize: "context-size",
    port: "port",
    threads: "threads",
    readyTimeout: "ready-timeout",
    warmLoad: "warm-load",
    ...registryCredentialInputs,
    baseUrl: "base-url",
    apiKey: "api-key",
    ...verificationInputs,
  },
  outputs: {
    baseUrl: "base-url",
    modelId: "model-id",
    digest: "digest",
    backend: "backend",
    loadSeconds: "load-seconds",
    warmLoadSeconds: "warm-load-seconds",
    cacheHit: "cache-hit",
    pid: "pid",
    threads: "threads",
    device: "device",
  },
  state: {
    /** JSON BackendHandle of the started backend, for the post step to stop. */
    handle: "backendHandle",
    /** JSON PendingSave of a model cache entry the post step saves. */
    pendingSave: "pendingSave",
  },
} as const;
