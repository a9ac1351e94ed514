import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  loadSuite,
  testModel
} from "./chunk-Z2UA2QVK.mjs";
import {
  defaultComparisonSettings,
  gateExitCode,
  gateScenarios,
  runBench
} from "./chunk-QKYLFONL.mjs";
import {
  OpenAIClient
} from "./chunk-PTCBALH6.mjs";
import {
  revert
} from "./chunk-IE54JOQR.mjs";
import {
  planTags,
  promote,
  resolveOrNone,
  withChannelLock
} from "./chunk-PAFLJXJT.mjs";
import "./chunk-NXMSOHYS.mjs";
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
import {
  parseSetupSettings,
  setupBackend,
  stopBackend
} from "./chunk-OWZ3B3AP.mjs";
import {
  execa
} from "./chunk-L3XLIXFP.mjs";
import "./chunk-2CD7PZP6.mjs";
import "./chunk-SX5TNDA4.mjs";
import {
  ModelStore,
  defaultStore
} from "./chunk-AK2PBOA6.mjs";
import "./chunk-RRZJHVOH.mjs";
import "./chunk-MZH6KYWL.mjs";
import "./chunk-35M3XGW2.mjs";
import "./chunk-APVQ7LTG.mjs";
import "./chunk-W2CUV2YZ.mjs";
import {
  pull,
  pullFromStore
} from "./chunk-3ILZPGYX.mjs";
import {
  signingInput,
  verificationInput
} from "./chunk-FYDH7VJB.mjs";
import "./chunk-B3WLYY5J.mjs";
import {
  ReleaseModel,
  actionInputs,
  booleanInput,
  credentialInputs,
  info,
  maskSecret,
  openTarget,
  runAction,
  setFailed,
  setOutputs
} from "./chunk-OKSVDTLS.mjs";
import {
  isPinned
} from "./chunk-JLHAMPB3.mjs";
import "./chunk-AYZFIZTY.mjs";
import {
  SettingError,
  booleanSetting,
  boundedSetting,
  requiredSetting
} from "./chunk-SBSIPN6N.mjs";
import {
  BOUNDS
} from "./chunk-P47FFNDF.mjs";
import {
  CortexError,
  describeError
} from "./chunk-X6O7WWHG.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// actions/release-model/main.ts
import path4 from "node:path";
import { fileURLToPath } from "node:url";

// src/github/release-model.ts
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path3 from "node:path";

// src/promote/release.ts
var COLOURS = ["blue", "green"];
function channelTags(channel) {
  const tags = { live: channel, blue: `${channel}-blue`, green: `${channel}-green` };
  planTags([tags.live, tags.blue, tags.green], false);
  return tags;
}
__name(channelTags, "channelTags");
function releaseExitCode(result) {
  return result.outcome === "pre-check-failed" || result.outcome === "post-check-failed" ? 1 : 0;
}
__name(releaseExitCode, "releaseExitCode");
function idleColour(live, colours) {
  const active = COLOURS.find((c) => live !== void 0 && colours[c] === live) ?? null;
  if (active) return { idle: active === "blue" ? "green" : "blue", active };
  return { idle: COLOURS.find((c) => colours[c] === void 0) ?? "blue", active: null };
}
__name(idleColour, "idleColour");
function withReason(options, what) {
  const reason = options.reason ? `${what}: ${options.reason}` : what;
  return {
    ...options.actor ? { actor: options.actor } : {},
    ...options.runUrl ? { runUrl: options.runUrl } : {},
    reason
  };
}
__name(withReason, "withReason");
async function release(options) {
  const tags = channelTags(options.channel);
  const run2 = /* @__PURE__ */ __name(() => releaseLocked(options, tags), "run");
  if (options.dryRun) return run2();
  return withChannelLock(options.destination, options.channel, run2, {
    ...options.lock,
    ...options.now ? { now: options.now } : {},
    signal: options.signal
  });
}
__name(release, "release");
async function releaseLocked(options, tags) {
  const { destination, digest, signal } = options;
  const [live, blue, green] = await Promise.all(
    [tags.live, tags.blue, tags.green].map((tag) => resolveOrNone(destination, tag, signal))
  );
  const { idle, active } = idleColour(live?.digest, { blue: blue?.digest, green: green?.digest });
  const run2 = new ReleaseRun(options, tags, idle, live?.digest ?? null);
  if (run2.previous === digest) {
    run2.step({ step: "switch", status: "skipped", detail: `${tags.live} already points at ${digest}` });
    return run2.result("already-live", active, run2.previous);
  }
  if (options.dryRun) return planRelease(run2, idle === "blue" ? blue : green);
  await promoteIdle(run2);
  const pre = await preCheck(options, run2.idleTag, run2.subject(`${destination.name}:${run2.idleTag}`));
  run2.step(pre);
  if (pre.status === "failed") return run2.result("pre-check-failed", idle, run2.previous);
  await switchLive(run2);
  return postCheck(run2);
}
__name(releaseLocked, "releaseLocked");
var ReleaseRun = class {
  constructor(options, tags, idle, previous) {
    this.options = options;
    this.tags = tags;
    this.idle = idle;
    this.previous = previous;
  }
  options;
  tags;
  idle;
  previous;
  static {
    __name(this, "ReleaseRun");
  }
  steps = [];
  get idleTag() {
    return this.tags[this.idle];
  }
  step(step) {
    this.steps.push(step);
    this.options.onStep?.(step);
  }
  subject(tagReference) {
    const { destination, digest } = this.options;
    const reference = `${destination.name}@${digest}`;
    return {
      colour: this.idle,
      repository: destination.name,
      tagReference,
      reference,
      digest,
      previous: this.previous
    };
  }
  result(outcome, colour, live, switchedBack = false) {
    const { destination, channel, digest } = this.options;
    const { tags, previous, steps } = this;
    return {
      destination: destination.name,
      channel,
      digest,
      colour,
      tags,
      previous,
      live,
      switchedBack,
      outcome,
      steps
    };
  }
};
function planRelease(run2, idleNow) {
  const { options, tags, previous } = run2;
  const repository = options.destination.name;
  run2.step({
    step: "promote-idle",
    status: "planned",
    detail: `${run2.idleTag}: ${idleNow?.digest ?? "none"} -> ${options.digest}`
  });
  run2.step({
    step: "pre-check",
    status: "planned",
    detail: options.preSwitch ? `check ${repository}:${run2.idleTag}` : "none asked for"
  });
  run2.step({ step: "switch", status: "planned", detail: `${tags.live}: ${previous ?? "none"} -> ${options.digest}` });
  run2.step({
    step: "post-check",
    status: "planned",
    detail: options.postSwitch ? `check ${repository}:${tags.live}, switch back to ${previous ?? "nothing"} on failure` : "none asked for"
  });
  return run2.result("planned", run2.idle, previous);
}
__name(planRelease, "planRelease");
function moveOptions(options) {
  return { ...options.now ? { now: options.now } : {}, signal: options.signal };
}
__name(moveOptions, "moveOptions");
async function promoteIdle(run2) {
  const { options } = run2;
  await promote({
    source: options.source,
    digest: options.digest,
    destination: options.destination,
    tags: [run2.idleTag],
    ...options.require ? { require: options.require } : {},
    ...options.trust ? { trust: options.trust } : {},
    ...options.sign ? { sign: options.sign } : {},
    ...withReason(options, `release ${options.channel}: promote to the idle colour ${run2.idle}`),
    ...moveOptions(options)
  });
  run2.step({ step: "promote-idle", status: "done", detail: `${run2.idleTag} -> ${options.digest}` });
}
__name(promoteIdle, "promoteIdle");
async function switchLive(run2) {
  const { options, tags } = run2;
  await promote({
    source: options.destination,
    digest: options.digest,
    destination: options.destination,
    tags: [tags.live],
    ...withReason(options, `release ${options.channel}: switch to ${run2.idle}`),
    ...moveOptions(options)
  });
  run2.step({ step: "switch", status: "done", detail: `${tags.live}: ${run2.previous ?? "none"} -> ${options.digest}` });
}
__name(switchLive, "switchLive");
async function postCheck(run2) {
  const { options, tags, idle, previous } = run2;
  const { digest } = options;
  if (!options.postSwitch) {
    run2.step({ step: "post-check", status: "skipped", detail: "none asked for" });
    return run2.result("released", idle, digest);
  }
  const post = await options.postSwitch(run2.subject(`${options.destination.name}:${tags.live}`));
  if (post.passed) {
    run2.step({ step: "post-check", status: "done", detail: post.detail });
    return run2.result("released", idle, digest);
  }
  run2.step({ step: "post-check", status: "failed", detail: post.detail });
  if (previous === null) {
    run2.step({
      step: "switch-back",
      status: "failed",
      detail: `${tags.live} had no digest before this release, so there is nothing to switch back to; it stays at ${digest}`
    });
    return run2.result("post-check-failed", idle, digest);
  }
  await revert({
    target: options.destination,
    tag: tags.live,
    to: { digest: previous },
    ...withReason(options, `release ${options.channel}: switch back, post-switch check failed: ${post.detail}`),
    ...moveOptions(options)
  });
  run2.step({ step: "switch-back", status: "done", detail: `${tags.live}: ${digest} -> ${previous}` });
  return run2.result("post-check-failed", idle, previous, true);
}
__name(postCheck, "postCheck");
async function preCheck(options, idleTag, subject) {
  const fail = /* @__PURE__ */ __name((detail) => ({ step: "pre-check", status: "failed", detail }), "fail");
  const served = await resolveOrNone(options.destination, idleTag, options.signal);
  if (served?.digest !== options.digest) {
    return fail(`${idleTag} points at ${served?.digest ?? "nothing"}, not ${options.digest}`);
  }
  if (!options.preSwitch) {
    return {
      step: "pre-check",
      status: "skipped",
      detail: `${idleTag} reads back as ${options.digest}; no check asked for`
    };
  }
  const check = await options.preSwitch(subject);
  if (check.digest !== void 0 && check.digest !== options.digest) {
    return fail(`pulling ${subject.tagReference} gave ${check.digest}, not ${options.digest}`);
  }
  return check.passed ? { step: "pre-check", status: "done", detail: check.detail } : fail(check.detail);
}
__name(preCheck, "preCheck");

// src/release/checks.ts
import path from "node:path";

// src/release/post-check.ts
import { setTimeout as sleep } from "node:timers/promises";
function releaseEnvironment(subject, channel) {
  return {
    CORTEX_RELEASE_CHANNEL: channel,
    CORTEX_RELEASE_LIVE_REF: subject.tagReference,
    CORTEX_RELEASE_REF: subject.reference,
    CORTEX_RELEASE_DIGEST: subject.digest,
    CORTEX_RELEASE_PREVIOUS_DIGEST: subject.previous ?? "",
    CORTEX_RELEASE_COLOUR: subject.colour
  };
}
__name(releaseEnvironment, "releaseEnvironment");
function lastLine(text) {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  return lines[lines.length - 1]?.trim() ?? "";
}
__name(lastLine, "lastLine");
function endedHow(run2, timeoutMs) {
  if (run2.timedOut) return `timed out after ${timeoutMs / 1e3} s`;
  return run2.exitCode === void 0 ? `ended by ${run2.signal ?? "a signal"}` : `exited ${run2.exitCode}`;
}
__name(endedHow, "endedHow");
function commandCheck(command, options) {
  return async (subject) => {
    const run2 = await execa(command, {
      shell: true,
      cwd: options.cwd,
      env: { ...options.env, ...releaseEnvironment(subject, options.channel) },
      extendEnv: false,
      reject: false,
      timeout: options.timeoutMs,
      all: true,
      stdin: "ignore"
    });
    const output = String(run2.all ?? "");
    if (output !== "") for (const line of output.split(/\r?\n/)) options.log?.(line);
    if (run2.exitCode === 0) return { passed: true, detail: `post-check command passed` };
    const why = endedHow(run2, options.timeoutMs);
    const said = lastLine(output);
    return { passed: false, detail: `post-check command ${why}${said ? `: ${said}` : ""}` };
  };
}
__name(commandCheck, "commandCheck");
async function probe(url, deadline, last) {
  try {
    const left = Math.max(1, deadline - Date.now());
    const response = await fetch(url, { signal: AbortSignal.timeout(Math.min(left, 1e4)) });
    await response.body?.cancel();
    if (response.ok) return { ok: true, status: response.status };
    return { ok: false, last: `answered ${response.status}` };
  } catch (error) {
    const cutShort = error instanceof DOMException && error.name === "TimeoutError" && last !== "no answer";
    return { ok: false, last: cutShort ? last : describeError(error) };
  }
}
__name(probe, "probe");
function urlCheck(url, options) {
  return async () => {
    const deadline = Date.now() + options.timeoutMs;
    let last = "no answer";
    for (; ; ) {
      const answer = await probe(url, deadline, last);
      if (answer.ok) return { passed: true, detail: `${url} answered ${answer.status}` };
      last = answer.last;
      if (Date.now() >= deadline) {
        return { passed: false, detail: `${url} was not healthy within ${options.timeoutMs / 1e3} s (${last})` };
      }
      await sleep(Math.min(options.intervalMs ?? 1e3, Math.max(0, deadline - Date.now())));
    }
  };
}
__name(urlCheck, "urlCheck");
function postCheck2(spec, options) {
  return /^https?:\/\//i.test(spec) ? urlCheck(spec, options) : commandCheck(spec, options);
}
__name(postCheck2, "postCheck");

// src/release/serve-check.ts
async function serveReference(reference, options) {
  let digest;
  const result = await setupBackend({ ...options.setup, model: reference }, options.context, {
    async pull(ref) {
      const store = await ModelStore.open({
        ...options.store ? { dir: options.store } : {},
        env: options.context.env
      });
      const pulled = (isPinned(ref) ? await pullFromStore(store, ref) : void 0) ?? await pull(await openTarget(ref, { env: options.context.env, ...options.open }), ref, store);
      digest = pulled.digest;
      return { store: store.root, digest: pulled.digest, pulled, cacheHit: false };
    },
    started() {
    }
  });
  if (digest === void 0) {
    await stopBackend(result.handle, options.context);
    throw new CortexError(`${reference}: the ${result.backend} backend serves no pulled model, so nothing was checked`);
  }
  return { result, digest };
}
__name(serveReference, "serveReference");
function gateSide(served, reference) {
  const { endpoint } = served.result;
  return {
    client: new OpenAIClient({ baseUrl: endpoint.baseUrl, ...endpoint.apiKey ? { apiKey: endpoint.apiKey } : {} }),
    model: endpoint.modelId,
    ...endpoint.pid === void 0 ? {} : { pid: endpoint.pid },
    loads: { coldMs: [served.result.loadSeconds * 1e3], warmMs: [] },
    info: {
      modelRef: reference,
      digest: served.digest,
      backend: served.result.backend,
      baseUrl: endpoint.baseUrl,
      ...endpoint.threads === void 0 ? {} : { threads: endpoint.threads }
    }
  };
}
__name(gateSide, "gateSide");
async function checkServed(subject, candidate, options) {
  const parts = [`${subject.tagReference} served by ${candidate.result.backend}`];
  const { endpoint } = candidate.result;
  if (options.suite) {
    const compat = await testModel({
      suite: options.suite,
      endpoint: {
        client: new OpenAIClient({
          baseUrl: endpoint.baseUrl,
          ...endpoint.apiKey ? { apiKey: endpoint.apiKey } : {}
        }),
        model: { name: endpoint.modelId, reference: subject.tagReference, digest: candidate.digest },
        backend: candidate.result.backend
      }
    });
    options.onCompat?.(compat);
    const { summary } = compat;
    parts.push(`suite ${options.suite.name}: ${summary.passed}/${summary.total} passed, ${summary.verdict}`);
    if (summary.verdict !== "pass") return { passed: false, detail: parts.join("; "), digest: candidate.digest };
  }
  if (options.bench && options.bench.length > 0 && subject.previous !== null) {
    const liveReference = `${subject.repository}@${subject.previous}`;
    const live = await serveReference(liveReference, options);
    try {
      const { results, markdown } = await runBench({
        scenarios: options.bench,
        candidate: gateSide(candidate, subject.tagReference),
        baseline: { kind: "served", side: gateSide(live, liveReference) },
        settings: defaultComparisonSettings,
        warnOnly: false,
        gateName: "release"
      });
      options.onBench?.(results.verdict, markdown);
      parts.push(`bench against the live ${subject.previous}: ${results.verdict}`);
      if (gateExitCode(results.verdict, false) !== 0) {
        return { passed: false, detail: parts.join("; "), digest: candidate.digest };
      }
    } finally {
      await stopBackend(live.result.handle, options.context);
    }
  } else if (options.bench && options.bench.length > 0) {
    parts.push("no bench: the channel has no live digest to compare with");
  }
  return { passed: true, detail: parts.join("; "), digest: candidate.digest };
}
__name(checkServed, "checkServed");
function serveCheck(options) {
  return async (subject) => {
    let candidate;
    try {
      candidate = await serveReference(subject.tagReference, options);
    } catch (error) {
      return { passed: false, detail: `${subject.tagReference} could not be served: ${describeError(error)}` };
    }
    try {
      return await checkServed(subject, candidate, options);
    } catch (error) {
      const detail = `${subject.tagReference} failed its check: ${describeError(error)}`;
      return { passed: false, detail, digest: candidate.digest };
    } finally {
      await stopBackend(candidate.result.handle, options.context);
    }
  };
}
__name(serveCheck, "serveCheck");

// src/release/checks.ts
async function preSwitchCheck(settings, context) {
  if (!settings.serving || !context.backend) return void 0;
  const suite = settings.checkSuite === void 0 ? void 0 : await loadSuite(settings.checkSuite, path.dirname(settings.checkSuite));
  const bench = settings.checkBench ? await gateScenarios(settings.benchScenario, { runs: settings.benchRuns }) : void 0;
  return serveCheck({
    setup: { ...settings.serving, options: context.backendOptions, installOption: context.installOption },
    context: context.backend,
    ...context.store === void 0 ? {} : { store: context.store },
    ...context.open ? { open: context.open } : {},
    ...suite ? { suite } : {},
    ...bench ? { bench } : {}
  });
}
__name(preSwitchCheck, "preSwitchCheck");
async function releaseChecks(settings, context) {
  const preSwitch = await preSwitchCheck(settings, context);
  const postSwitch = settings.postCheck === void 0 ? void 0 : postCheck2(settings.postCheck, {
    channel: settings.channel,
    env: context.env,
    cwd: context.cwd,
    timeoutMs: settings.postCheckTimeoutMs,
    log: context.log
  });
  return { ...preSwitch ? { preSwitch } : {}, ...postSwitch ? { postSwitch } : {} };
}
__name(releaseChecks, "releaseChecks");
function runRelease(settings, targets, checks, provenance, log, evidence = {}) {
  const owner = provenance.runUrl ?? provenance.actor;
  return release({
    ...targets,
    digest: settings.source.digest,
    channel: settings.channel,
    require: settings.require,
    dryRun: settings.dryRun,
    ...checks,
    ...evidence,
    lock: {
      waitMs: settings.lockWaitMs,
      ...owner ? { owner } : {},
      onWait: /* @__PURE__ */ __name((holder) => log(`waiting: ${holder.owner ?? "another release"} holds ${settings.channel} since ${holder.time}`), "onWait")
    },
    onStep: /* @__PURE__ */ __name((step) => log(`${step.step}: ${step.status}${step.detail ? ` (${step.detail})` : ""}`), "onStep"),
    ...provenance
  });
}
__name(runRelease, "runRelease");

// src/release/release-request.ts
import path2 from "node:path";
function parseReleaseSettings(source, directory, env) {
  const model = requiredSetting(source, "model");
  const channel = requiredSetting(source, "channel");
  const file = /* @__PURE__ */ __name((setting) => {
    const value = source.value(setting);
    return value === void 0 ? void 0 : path2.resolve(directory, value);
  }, "file");
  const checkSuite = file("check-suite");
  const checkBench = booleanSetting(source, "check-bench", false);
  const benchScenario = file("bench-scenario");
  const benchRuns = boundedSetting(source, "bench-runs", BOUNDS.runs);
  const postCheck3 = source.value("post-check");
  const toRepo = source.value("to-repo");
  const reason = source.value("reason");
  const seconds = /* @__PURE__ */ __name((setting, fallback, bounds) => 1e3 * (boundedSetting(source, setting, bounds) ?? fallback), "seconds");
  let serving;
  if (checkSuite !== void 0 || checkBench) {
    if (source.value("backend")?.trim().toLowerCase() === "openai") {
      throw new SettingError(
        `${source.label("backend")} cannot be openai: a release serves the digest it pulls back by tag`
      );
    }
    const { selection, settings } = parseSetupSettings(source, env);
    serving = { selection, settings };
  }
  return {
    source: parsePinnedSource(model),
    channel,
    ...toRepo === void 0 ? {} : { toRepo },
    require: parseResultKinds((source.value("require") ?? "").split(/[\n,]/)),
    ...checkSuite === void 0 ? {} : { checkSuite },
    checkBench,
    ...benchScenario === void 0 ? {} : { benchScenario },
    ...benchRuns === void 0 ? {} : { benchRuns },
    ...postCheck3 === void 0 ? {} : { postCheck: postCheck3 },
    postCheckTimeoutMs: seconds("post-check-timeout", 120, BOUNDS.checkTimeoutSeconds),
    lockWaitMs: seconds("lock-wait", 900, BOUNDS.lockWaitSeconds),
    dryRun: booleanSetting(source, "dry-run", false),
    ...reason === void 0 ? {} : { reason },
    ...serving ? { serving } : {}
  };
}
__name(parseReleaseSettings, "parseReleaseSettings");

// src/github/release-model.ts
var { inputs: names, outputs } = ReleaseModel;
function code(value) {
  return value === null ? "none" : `\`${value}\``;
}
__name(code, "code");
function releaseSummary(result) {
  const head = {
    released: `Released ${code(result.digest)} on \`${result.channel}\` (${result.colour})`,
    "already-live": `\`${result.channel}\` already serves ${code(result.digest)}`,
    planned: `Dry run: would release ${code(result.digest)} on \`${result.channel}\` through ${result.colour}`,
    "pre-check-failed": `Not released: the pre-switch check of ${result.colour} failed; \`${result.channel}\` stays at ${code(result.live)}`,
    "post-check-failed": result.switchedBack ? `Switched back: the post-switch check failed; \`${result.channel}\` is at ${code(result.live)} again` : `The post-switch check failed with nothing to switch back to; \`${result.channel}\` is at ${code(result.live)}`
  }[result.outcome];
  const rows = result.steps.map((s) => `| ${s.step} | ${s.status} | ${s.detail.replaceAll("|", "\\|")} |`);
  return [
    `### ${head}`,
    "",
    `In \`${result.destination}\`.`,
    "",
    "| step | status | detail |",
    "| --- | --- | --- |",
    ...rows,
    ""
  ].join("\n");
}
__name(releaseSummary, "releaseSummary");
async function releaseModelStep(env = process.env, serveEntry) {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const settings = parseReleaseSettings(actionInputs, workspace, env);
  const credentials = credentialInputs(names.registryUsername, names.registryPassword);
  const open = { ...credentials ? { credentials } : {}, onSecret: maskSecret, env };
  const destination = destinationReference(settings.source, settings.toRepo);
  const targets = await openEndpoints(settings.source, destination, { source: open, destination: open });
  const identity = signingInput(env);
  const trust = await verificationInput(env);
  const temp = env.RUNNER_TEMP ?? tmpdir();
  await mkdir(temp, { recursive: true });
  const workDir = settings.serving ? await mkdtemp(path3.join(temp, "cortex-release-model-")) : void 0;
  try {
    const checks = await releaseChecks(settings, checkOptions(env, { workspace, temp, workDir, open, serveEntry }));
    const result = await runRelease(
      settings,
      targets,
      checks,
      { ...runContext(env), ...settings.reason ? { reason: settings.reason } : {} },
      (line) => info(line),
      {
        ...trust ? { trust } : {},
        ...identity ? { sign: { identity, legacy: booleanInput(names.signLegacy, true) } } : {}
      }
    );
    await reportRelease(result);
    return result;
  } finally {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  }
}
__name(releaseModelStep, "releaseModelStep");
function checkOptions(env, step) {
  const { workspace, temp, workDir, open, serveEntry } = step;
  const log = /* @__PURE__ */ __name((line) => info(line), "log");
  const toolDir = env.RUNNER_TOOL_CACHE ?? path3.join(temp, "tool-cache");
  const lifetime = "caller";
  return {
    ...workDir ? { backend: { toolDir, workDir, env, log, lifetime }, store: defaultStore(env) } : {},
    backendOptions: serveEntry ? { serveEntry } : {},
    installOption: `${names.install}: missing`,
    open,
    env,
    cwd: workspace,
    log
  };
}
__name(checkOptions, "checkOptions");
async function reportRelease(result) {
  setOutputs({
    [outputs.liveDigest]: result.live ?? "",
    [outputs.previousDigest]: result.previous ?? "",
    [outputs.colour]: result.colour ?? "",
    [outputs.switchedBack]: result.switchedBack,
    [outputs.outcome]: result.outcome
  });
  await appendSummary(releaseSummary(result));
  if (releaseExitCode(result) !== 0) {
    const failed = result.steps.find((s) => s.status === "failed");
    setFailed(`release ${result.outcome}: ${failed?.detail ?? ""}`);
  }
}
__name(reportRelease, "reportRelease");
function run(serveEntry) {
  return runAction(async () => {
    await releaseModelStep(process.env, serveEntry);
  });
}
__name(run, "run");

// actions/release-model/main.ts
var here = path4.dirname(fileURLToPath(import.meta.url));
await run({ file: [here, "serve", "index.js"].join(path4.sep), args: [], bundled: true });
