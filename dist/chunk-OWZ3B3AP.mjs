import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  execa
} from "./chunk-L3XLIXFP.mjs";
import {
  exchange,
  proxyEnv
} from "./chunk-2CD7PZP6.mjs";
import {
  gpuKind,
  isDevice
} from "./chunk-SX5TNDA4.mjs";
import {
  ModelStore
} from "./chunk-AK2PBOA6.mjs";
import {
  BackendError,
  GPU_MODES,
  isBackendName,
  requireStoreModel,
  storeModelFiles
} from "./chunk-MZH6KYWL.mjs";
import {
  copyGraph
} from "./chunk-APVQ7LTG.mjs";
import {
  readGgufModelInfo
} from "./chunk-W2CUV2YZ.mjs";
import {
  recognizeArtifact
} from "./chunk-B3WLYY5J.mjs";
import {
  DEFAULT_RETRY_POLICY,
  DOCKER_HUB,
  OLLAMA_REGISTRY,
  formatReference,
  parseReference,
  pinReference,
  registryEndpoint,
  statusFailure,
  withRetries
} from "./chunk-JLHAMPB3.mjs";
import {
  SettingError,
  adoptVerifiedFile,
  booleanSetting,
  boundedSetting,
  checkContent,
  choiceSetting,
  fileExists,
  isAlive,
  linkOrCopy,
  requiredSetting,
  tempPath,
  writeFileAtomic,
  writeVerified
} from "./chunk-SBSIPN6N.mjs";
import {
  BOUNDS,
  MediaType,
  digestHex,
  isDigest,
  sha256Digest
} from "./chunk-P47FFNDF.mjs";
import {
  CortexError,
  EnvironmentError,
  FormatError,
  NotFoundError,
  UsageError,
  describeError
} from "./chunk-X6O7WWHG.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/backends/process.ts
import { spawn as spawn2 } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { open } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";

// src/backends/platform.ts
function currentPlatform() {
  return { os: process.platform, arch: process.arch };
}
__name(currentPlatform, "currentPlatform");
var UnsupportedPlatform = class {
  constructor(reason) {
    this.reason = reason;
  }
  reason;
  static {
    __name(this, "UnsupportedPlatform");
  }
};
function describePlatform(platform) {
  return `${platform.os}/${platform.arch}`;
}
__name(describePlatform, "describePlatform");
function executable(name, platform) {
  return platform.os === "win32" ? `${name}.exe` : name;
}
__name(executable, "executable");
function ollamaAsset(tag, zstd, platform) {
  const base = `https://github.com/ollama/ollama/releases/download/${tag}`;
  const arch = platform.arch === "x64" ? "amd64" : platform.arch === "arm64" ? "arm64" : void 0;
  if (platform.os === "darwin") {
    return { url: `${base}/ollama-darwin.tgz`, format: "tgz", arch: "universal", binary: "ollama" };
  }
  if (arch === void 0) return new UnsupportedPlatform(`Ollama publishes no build for ${describePlatform(platform)}`);
  if (platform.os === "linux") {
    const format = zstd ? "tar.zst" : "tgz";
    return { url: `${base}/ollama-linux-${arch}.${format}`, format, arch, binary: "bin/ollama" };
  }
  if (platform.os === "win32") {
    return { url: `${base}/ollama-windows-${arch}.zip`, format: "zip", arch, binary: "ollama.exe" };
  }
  return new UnsupportedPlatform(`Ollama publishes no build for ${describePlatform(platform)}`);
}
__name(ollamaAsset, "ollamaAsset");
function llamaBuildNumber(tag) {
  const match = /^b(\d+)$/.exec(tag);
  return match ? Number(match[1]) : void 0;
}
__name(llamaBuildNumber, "llamaBuildNumber");
var LAST_ZIP_BUILD = 7312;
function llamaServerAsset(tag, platform) {
  const build = llamaBuildNumber(tag);
  if (build === void 0) return new UnsupportedPlatform(`"${tag}" is not a llama.cpp build tag like b6987`);
  if (platform.arch !== "x64" && platform.arch !== "arm64") {
    return new UnsupportedPlatform(`llama.cpp publishes no build for ${describePlatform(platform)}`);
  }
  const name = { linux: "ubuntu", darwin: "macos", win32: "win-cpu" }[platform.os];
  if (name === void 0) {
    return new UnsupportedPlatform(`llama.cpp publishes no build for ${describePlatform(platform)}`);
  }
  const format = platform.os === "win32" || build <= LAST_ZIP_BUILD ? "zip" : "tgz";
  const extension = format === "zip" ? "zip" : "tar.gz";
  return {
    url: `https://github.com/ggml-org/llama.cpp/releases/download/${tag}/llama-${tag}-bin-${name}-${platform.arch}.${extension}`,
    format,
    arch: platform.arch,
    binary: executable("llama-server", platform)
  };
}
__name(llamaServerAsset, "llamaServerAsset");
function dockerModelRunnerSupport(platform) {
  return platform.os === "linux" ? void 0 : new UnsupportedPlatform(`Docker Model Runner runs on Linux runners only, not ${describePlatform(platform)}`);
}
__name(dockerModelRunnerSupport, "dockerModelRunnerSupport");
function libraryPathEnv(dir, platform, env) {
  if (platform.os === "win32") return {};
  const name = platform.os === "darwin" ? "DYLD_LIBRARY_PATH" : "LD_LIBRARY_PATH";
  return { [name]: [dir, env[name]].filter(Boolean).join(":") };
}
__name(libraryPathEnv, "libraryPathEnv");
function stopPlan(pid, platform) {
  if (platform.os === "win32") {
    return { scope: "tree", ask: treeKillCommand(pid, false), force: treeKillCommand(pid, true) };
  }
  return { scope: "group", ask: { kind: "signal", signal: "SIGTERM" }, force: { kind: "signal", signal: "SIGKILL" } };
}
__name(stopPlan, "stopPlan");
function treeKillCommand(pid, force) {
  return { kind: "command", command: "taskkill", args: ["/PID", String(pid), "/T", ...force ? ["/F"] : []] };
}
__name(treeKillCommand, "treeKillCommand");

// src/backends/watchdog.ts
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
var program = [path.dirname(fileURLToPath(import.meta.url)), "watchdog-main.js"].join(path.sep);
var watchdogs = /* @__PURE__ */ new Map();
var ARM_TIMEOUT_MS = 3e4;
function tieGroup(pgid, removeWhenGone) {
  const child = spawn(process.execPath, [program, String(pgid), ...removeWhenGone ? [removeWhenGone] : []], {
    detached: true,
    stdio: ["pipe", "pipe", "ignore"]
  });
  return new Promise((resolve, reject) => {
    const fail = /* @__PURE__ */ __name((error) => {
      clearTimeout(timer);
      child.off("exit", exited);
      reject(error);
    }, "fail");
    const exited = /* @__PURE__ */ __name((code, signal) => fail(new Error(`the watchdog ${program} exited (${signal ?? `code ${code}`}) before it was armed`)), "exited");
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`the watchdog ${program} was not armed after ${ARM_TIMEOUT_MS / 1e3} s`));
    }, ARM_TIMEOUT_MS);
    child.once("error", fail);
    child.once("exit", exited);
    child.stdout?.once("data", () => {
      clearTimeout(timer);
      child.off("exit", exited);
      child.stdout?.destroy();
      child.unref();
      child.stdin.unref();
      watchdogs.set(pgid, child);
      resolve();
    });
  });
}
__name(tieGroup, "tieGroup");
function releaseGroup(pgid) {
  const child = watchdogs.get(pgid);
  if (!child) return;
  watchdogs.delete(pgid);
  child.kill("SIGKILL");
}
__name(releaseGroup, "releaseGroup");

// src/backends/process.ts
function spawnLifetime(context) {
  const remove = context.lifetime === "caller" && context.ownsWorkDir === true;
  return { lifetime: context.lifetime, ...remove ? { removeWhenGone: context.workDir } : {} };
}
__name(spawnLifetime, "spawnLifetime");
async function spawnBackendProcess(options) {
  const fd = openSync(options.logFile, "a");
  try {
    const child = spawn2(options.command, [...options.args], {
      detached: true,
      // Windows: a console of its own, unseen, so the runner's Ctrl-C does not reach it (as setsid does on POSIX).
      windowsHide: true,
      stdio: ["ignore", fd, fd],
      env: options.env ?? process.env,
      cwd: options.cwd
    });
    const tied = options.lifetime === "caller" && child.pid !== void 0 ? tieGroup(child.pid, options.removeWhenGone) : void 0;
    tied?.catch(() => {
    });
    let status;
    const exited = new Promise(
      (resolve) => child.once("exit", (code, signal) => {
        status = code ?? signal ?? "unknown";
        resolve(status);
        void tied?.then(
          () => {
            const pid = child.pid;
            if (!running(pid, stopPlan(pid, currentPlatform()))) releaseGroup(pid);
          },
          () => {
          }
        );
      })
    );
    const spawned = await new Promise((resolve, reject) => {
      child.once("spawn", () => resolve(child.pid));
      child.once("error", reject);
    }).catch((error) => {
      throw new BackendError(options.backend, `could not run ${options.command}`, { cause: error });
    });
    await tied?.catch(async (error) => {
      await stopProcessGroup(spawned);
      throw new BackendError(options.backend, "could not start the watchdog that stops the server with this process", {
        cause: error
      });
    });
    child.unref();
    return { pid: spawned, logFile: options.logFile, exited, exitStatus: /* @__PURE__ */ __name(() => status, "exitStatus") };
  } finally {
    closeSync(fd);
  }
}
__name(spawnBackendProcess, "spawnBackendProcess");
async function logTail(file, lines = 40) {
  if (!file) return "";
  let handle;
  try {
    handle = await open(file, "r");
    const { size } = await handle.stat();
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString("utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  } finally {
    await handle?.close();
  }
}
__name(logTail, "logTail");
function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
    }
  }
}
__name(signalGroup, "signalGroup");
function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return isAlive(pid);
  }
}
__name(groupAlive, "groupAlive");
function running(pid, plan) {
  return plan.scope === "group" ? groupAlive(pid) : isAlive(pid);
}
__name(running, "running");
async function deliver(pid, request2) {
  if (request2.kind === "signal") {
    signalGroup(pid, request2.signal);
    return true;
  }
  return (await execa(request2.command, [...request2.args], { reject: false })).exitCode === 0;
}
__name(deliver, "deliver");
async function waitGone(pid, plan, ms) {
  for (let waited = 0; waited < ms && running(pid, plan); waited += 50) await sleep(50);
}
__name(waitGone, "waitGone");
async function stopProcessGroup(pid, graceMs = 1e4, platform = currentPlatform()) {
  return stopByPlan(pid, stopPlan(pid, platform), graceMs);
}
__name(stopProcessGroup, "stopProcessGroup");
async function stopByPlan(pid, plan, graceMs) {
  try {
    if (!running(pid, plan)) return;
    if (await deliver(pid, plan.ask)) await waitGone(pid, plan, graceMs);
    if (!running(pid, plan)) return;
    await deliver(pid, plan.force);
    await waitGone(pid, plan, 5e3);
  } finally {
    releaseGroup(pid);
  }
}
__name(stopByPlan, "stopByPlan");
async function waitUntil(check, options) {
  const deadline = Date.now() + options.timeoutMs;
  let lastError;
  for (; ; ) {
    const status = options.process?.exitStatus();
    if (status !== void 0) throw await exitedError(status, options);
    try {
      const value = await check();
      if (value !== void 0) return value;
    } catch (error) {
      if (error instanceof BackendError) throw error;
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new BackendError(
        options.backend,
        `not ready after ${Number((options.timeoutMs / 1e3).toFixed(3))} s: waiting for ${options.what}`,
        {
          cause: lastError,
          logTail: await logTail(options.process?.logFile)
        }
      );
    }
    await Promise.race([sleep(options.intervalMs ?? 100), options.process?.exited]);
  }
}
__name(waitUntil, "waitUntil");
async function exitedError(status, options) {
  const tail = await logTail(options.process?.logFile);
  return new BackendError(
    options.backend,
    `the server exited (${typeof status === "number" ? `code ${status}` : status}) while waiting for ${options.what}${lastLine(tail)}`,
    { logTail: tail }
  );
}
__name(exitedError, "exitedError");
function lastLine(tail) {
  const line = tail.split("\n").findLast((text) => text.trim() !== "");
  return line === void 0 ? "" : `: ${line.trim()}`;
}
__name(lastLine, "lastLine");

// src/backends/setup.ts
import path11 from "node:path";

// src/backends/docker.ts
import { promises as fs2 } from "node:fs";
import path3 from "node:path";

// src/dmr/store-view.ts
import { promises as fs } from "node:fs";
import path2 from "node:path";

// src/model/human-units.ts
function formatFixed(x, digits) {
  const rounded = x.toFixed(digits);
  const wide = Math.abs(x).toFixed(Math.min(100, digits + 30));
  const point = wide.indexOf(".");
  if (!/^50*$/.test(wide.slice(point + 1 + digits))) return rounded;
  const truncated = `${x < 0 ? "-" : ""}${wide.slice(0, point + 1 + digits)}`;
  return Number(truncated.at(-1)) % 2 === 0 ? truncated : rounded;
}
__name(formatFixed, "formatFixed");
var BYTE_UNITS = [
  { base: 2 ** 50, unit: "Pi" },
  { base: 1e15, unit: "P" },
  { base: 2 ** 40, unit: "Ti" },
  { base: 1e12, unit: "T" },
  { base: 2 ** 30, unit: "Gi" },
  { base: 1e9, unit: "G" },
  { base: 2 ** 20, unit: "Mi" },
  { base: 1e6, unit: "M" },
  { base: 2 ** 10, unit: "Ki" },
  { base: 1e3, unit: "K" }
];

// src/dmr/dmr-artifact.ts
var FILE_TYPE_NAMES = "F32 F16 Q4_0 Q4_1 Q4_1_SOME_F16 Q4_2 Q4_3 Q8_0 Q5_0 Q5_1 Q2_K Q3_K_S Q3_K_M Q3_K_L Q4_K_S Q4_K_M Q5_K_S Q5_K_M Q6_K IQ2_XXS IQ2_XS Q2_K_S IQ3_XS IQ3_XXS IQ1_S IQ4_NL IQ3_S IQ3_M IQ2_S IQ2_M IQ4_XS IQ1_M BF16 Q4_0_4_4 Q4_0_4_8 Q4_0_8_8 TQ1_0 TQ2_0 MXFP4".split(" ").map((name) => `MOSTLY_${name}`);
function goJson(value) {
  return goEscapes(JSON.stringify(value));
}
__name(goJson, "goJson");
function goJsonIndent(value) {
  return goEscapes(JSON.stringify(value, null, 2));
}
__name(goJsonIndent, "goJsonIndent");
function goEscapes(json) {
  return json.replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
__name(goEscapes, "goEscapes");
var INT32_MAX = 2 ** 31 - 1;

// src/dmr/store-view.ts
var DmrViewError = class extends FormatError {
  static {
    __name(this, "DmrViewError");
  }
};
var DMR_LAYOUT_JSON = goJsonIndent({ version: "1.0.0" });
function dmrTagName(reference) {
  const tag = reference.tag ?? "latest";
  if (reference.kind === "layout") {
    return `localhost/${path2.basename(reference.path).toLowerCase().replace(/[^a-z0-9_.-]+/g, "-") || "model"}:${tag}`;
  }
  const registry = reference.registry === DOCKER_HUB ? "index.docker.io" : reference.registry;
  return `${registry}/${reference.repository}:${tag}`;
}
__name(dmrTagName, "dmrTagName");
async function writeDmrView(options) {
  const { store, pulled, storeDir } = options;
  if (pulled.format === "ollama") {
    throw new DmrViewError(
      `Docker Model Runner serves Docker and ModelPack model artifacts; ${pulled.reference} is an Ollama model`
    );
  }
  await fs.mkdir(storeDir, { recursive: true });
  const layoutFile = path2.join(storeDir, "layout.json");
  if (!await fs.stat(layoutFile).catch(() => void 0)) await writeFile(layoutFile, DMR_LAYOUT_JSON, storeDir);
  const blobs = [...pulled.manifest.layers, pulled.manifest.config];
  for (const blob of blobs) {
    await linkOrCopy(store.blobPath(blob.digest), path2.join(storeDir, "blobs", "sha256", digestHex(blob.digest)));
  }
  const manifest = await store.layout.fetchManifest(pulled.manifestDigest);
  const manifestsDir = path2.join(storeDir, "manifests", "sha256");
  await fs.mkdir(manifestsDir, { recursive: true });
  await writeFile(path2.join(manifestsDir, digestHex(pulled.manifestDigest)), manifest.bytes, manifestsDir);
  const files = [...new Set(blobs.map((b) => b.digest))];
  const entry = { id: pulled.manifestDigest, tags: [...options.tags], files };
  const indexFile = path2.join(storeDir, "models.json");
  const models = mergeIndex(await readIndex(indexFile), entry);
  await writeFile(indexFile, goJsonIndent({ models }), storeDir);
  return { storeDir, id: pulled.manifestDigest, tags: options.tags };
}
__name(writeDmrView, "writeDmrView");
async function readIndex(file) {
  let text;
  try {
    text = await fs.readFile(file, "utf8");
  } catch {
    return [];
  }
  try {
    const parsed = JSON.parse(text);
    return parsed.models ?? [];
  } catch (error) {
    throw new DmrViewError(`${file} is not a Docker Model Runner index (invalid JSON)`, { cause: error });
  }
}
__name(readIndex, "readIndex");
function mergeIndex(models, entry) {
  const ours = new Set(entry.tags ?? []);
  const previous = models.find((m) => m.id === entry.id);
  const tags = [...(previous?.tags ?? []).filter((t) => !ours.has(t)), ...entry.tags ?? []];
  const others = models.filter((m) => m.id !== entry.id).map((m) => ({ id: m.id, tags: m.tags === null ? null : m.tags.filter((t) => !ours.has(t)), files: m.files }));
  return [...others, { id: entry.id, tags, files: entry.files }];
}
__name(mergeIndex, "mergeIndex");
async function writeFile(file, data, dir) {
  await writeFileAtomic(file, data, dir);
  await fs.chmod(file, 420);
}
__name(writeFile, "writeFile");

// src/backends/http-probe.ts
async function request(url, options = {}) {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 5e3);
  const response = await fetch(url, {
    method: options.method ?? (options.json === void 0 ? "GET" : "POST"),
    ...options.json === void 0 ? {} : { body: JSON.stringify(options.json), headers: { "content-type": "application/json" } },
    signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout
  });
  return { status: response.status, body: await response.text() };
}
__name(request, "request");
function bodyLine(body) {
  const line = body.trim().split("\n")[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}
__name(bodyLine, "bodyLine");

// src/backends/docker.ts
var DMR_DEFAULT_ORIGIN = "http://localhost:12434";
var DMR_CONTAINER = "docker-model-runner";
var DMR_CONTAINER_STORE = "/models";
function dmrOrigin(env) {
  return (env.MODEL_RUNNER_HOST ?? DMR_DEFAULT_ORIGIN).replace(/\/+$/, "");
}
__name(dmrOrigin, "dmrOrigin");
function dockerInstallSteps(gpu, facts) {
  const repo = facts.pluginAvailable ? [] : [
    ["sudo", "install", "-m", "0755", "-d", "/etc/apt/keyrings"],
    ["sudo", "curl", "-fsSL", "https://download.docker.com/linux/ubuntu/gpg", "-o", "/etc/apt/keyrings/docker.asc"],
    [
      "sudo",
      "sh",
      "-c",
      `echo "deb [arch=${facts.dpkgArch} signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/ubuntu ${facts.codename} stable" > /etc/apt/sources.list.d/docker.list`
    ]
  ];
  return [
    ...repo,
    ["sudo", "apt-get", "update"],
    ["sudo", "apt-get", "install", "-y", "docker-model-plugin"],
    ["docker", "model", "install-runner", "--gpu", gpu]
  ];
}
__name(dockerInstallSteps, "dockerInstallSteps");
function dmrLoadRoute(reference) {
  if (reference.kind === "layout") return "store";
  const host = registryEndpoint(reference.registry).replace(/:\d+$/, "");
  return host === "localhost" || host.startsWith("127.") || host === "[::1]" ? "store" : "registry";
}
__name(dmrLoadRoute, "dmrLoadRoute");
function dmrPullReference(reference) {
  if (reference.kind === "layout") throw new BackendError("docker", "a layout model has no registry reference to pull");
  return `${reference.registry}/${reference.repository}@${reference.digest}`;
}
__name(dmrPullReference, "dmrPullReference");
async function dmrCreateModel(origin, from, log, timeoutMs) {
  let response;
  try {
    response = await fetch(`${origin}/models/create`, {
      method: "POST",
      body: JSON.stringify({ from }),
      headers: { "content-type": "application/json" },
      signal: AbortSignal.timeout(timeoutMs)
    });
  } catch (error) {
    throw new BackendError("docker", `could not reach Docker Model Runner at ${origin}`, { cause: error });
  }
  const text = await response.text();
  if (!response.ok)
    throw new BackendError("docker", `pulling ${from} failed: HTTP ${response.status} ${bodyLine(text)}`);
  let succeeded = false;
  for (const event of progressEvents(text)) {
    if (event.type === "error") {
      throw new BackendError("docker", `pulling ${from} failed: ${event.message ?? "no message"}`, {
        logTail: text.trim()
      });
    }
    if (event.type === "success") succeeded = true;
    if (event.type === "progress" && event.message) log(event.message);
  }
  if (!succeeded) throw new BackendError("docker", `pulling ${from} ended without success`, { logTail: text.trim() });
}
__name(dmrCreateModel, "dmrCreateModel");
function progressEvents(text) {
  return text.split("\n").flatMap((line) => {
    if (line.trim() === "") return [];
    try {
      return [JSON.parse(line)];
    } catch {
      return [];
    }
  });
}
__name(progressEvents, "progressEvents");
async function waitForDmr(origin, modelId, timeoutMs) {
  const started = Date.now();
  let lastListing = "";
  try {
    await waitUntil(
      async () => {
        const listing = await request(`${origin}/models`, { timeoutMs: 5e3 });
        lastListing = `HTTP ${listing.status} ${bodyLine(listing.body)}`;
        return listing.status === 200 && listsModel(listing.body, modelId) ? true : void 0;
      },
      { backend: "docker", timeoutMs, what: `GET /models to list ${modelId}`, intervalMs: 250 }
    );
  } catch (error) {
    throw new BackendError(
      "docker",
      `not ready after ${Math.round(timeoutMs / 1e3)} s: Docker Model Runner does not list ${modelId}`,
      {
        cause: error,
        logTail: lastListing
      }
    );
  }
  const answer = await request(`${origin}/engines/v1/chat/completions`, {
    json: { model: modelId, messages: [{ role: "user", content: "hi" }], max_tokens: 1 },
    timeoutMs: Math.max(1e3, timeoutMs - (Date.now() - started))
  }).catch((error) => {
    throw new BackendError("docker", `loading ${modelId} failed: ${error.message}`, { cause: error });
  });
  if (answer.status !== 200) {
    throw new BackendError("docker", `loading ${modelId} failed: HTTP ${answer.status} ${bodyLine(answer.body)}`, {
      logTail: answer.body
    });
  }
}
__name(waitForDmr, "waitForDmr");
function listsModel(body, modelId) {
  let models;
  try {
    const parsed = JSON.parse(body);
    models = Array.isArray(parsed) ? parsed : [];
  } catch {
    return false;
  }
  const digest = modelId.includes("@") ? modelId.slice(modelId.indexOf("@") + 1) : void 0;
  return models.some((m) => m.id === modelId || m.id === digest || (m.tags ?? []).includes(modelId));
}
__name(listsModel, "listsModel");
async function run(command, timeoutMs = 6e5) {
  const result = await execa(command[0], command.slice(1), { reject: false, all: true, timeout: timeoutMs });
  if (result.exitCode !== 0) {
    throw new BackendError("docker", `${command.join(" ")} failed (exit ${result.exitCode ?? result.signal})`, {
      logTail: (result.all ?? "").split("\n").slice(-40).join("\n")
    });
  }
}
__name(run, "run");
async function succeeds(command) {
  const result = await execa(command[0], command.slice(1), { reject: false, timeout: 2e4 });
  return result.exitCode === 0;
}
__name(succeeds, "succeeds");
async function installFacts() {
  const policy = await execa("apt-cache", ["policy", "docker-model-plugin"], { reject: false });
  const release = await fs2.readFile("/etc/os-release", "utf8").catch(() => "");
  const dpkg = await execa("dpkg", ["--print-architecture"], { reject: false });
  return {
    pluginAvailable: /Candidate: (?!\(none\))/.test(policy.stdout ?? ""),
    codename: /^VERSION_CODENAME=(.*)$/m.exec(release)?.[1]?.trim() ?? "noble",
    dpkgArch: (dpkg.stdout ?? "").trim() || "amd64"
  };
}
__name(installFacts, "installFacts");
var createDockerBackend = /* @__PURE__ */ __name((settings, context) => {
  const origin = dmrOrigin(context.env);
  async function loadFromStore(model) {
    const tag = dmrTagName(model.reference);
    const native = context.env.MODELS_PATH;
    if (native) {
      await writeDmrView({ store: model.store, pulled: model.pulled, storeDir: native, tags: [tag] });
      return tag;
    }
    const storeDir = path3.join(context.workDir, "dmr-store");
    await fs2.mkdir(storeDir, { recursive: true });
    await execa(
      "docker",
      ["cp", `${DMR_CONTAINER}:${DMR_CONTAINER_STORE}/models.json`, path3.join(storeDir, "models.json")],
      {
        reject: false
      }
    );
    await writeDmrView({ store: model.store, pulled: model.pulled, storeDir, tags: [tag] });
    await run(["docker", "cp", `${storeDir}/.`, `${DMR_CONTAINER}:${DMR_CONTAINER_STORE}/`]);
    return tag;
  }
  __name(loadFromStore, "loadFromStore");
  return {
    name: "docker",
    source: "store",
    async probe() {
      if (await succeeds(["docker", "model", "version"])) {
        const answering = await request(`${origin}/models`, { timeoutMs: 2e3 }).catch(() => void 0);
        return answering?.status === 200 ? { availability: "running", detail: `Docker Model Runner answers at ${origin}` } : { availability: "installed", detail: "docker model version succeeded" };
      }
      const unsupported = dockerModelRunnerSupport(currentPlatform());
      if (unsupported) return { availability: "unavailable", detail: unsupported.reason };
      if (await succeeds(["docker", "version"]) && await succeeds(["apt-get", "--version"])) {
        return {
          availability: "installable",
          detail: "docker model is missing; docker-model-plugin can be installed with apt"
        };
      }
      return {
        availability: "unavailable",
        detail: "no docker model command and no Docker Engine with apt to install it"
      };
    },
    async prepare() {
      if (!await succeeds(["docker", "model", "version"])) {
        const unsupported = dockerModelRunnerSupport(currentPlatform());
        if (unsupported) throw new BackendError("docker", unsupported.reason);
        for (const step of dockerInstallSteps(settings.gpu, await installFacts())) {
          context.log(step.join(" "));
          await run(step);
        }
        return;
      }
      if (!await request(`${origin}/models`, { timeoutMs: 2e3 }).catch(() => void 0)) {
        await run(["docker", "model", "install-runner", "--gpu", settings.gpu]);
      }
    },
    async start(request2) {
      const model = requireStoreModel("docker", request2);
      const route = dmrLoadRoute(model.reference);
      let modelId;
      if (route === "registry") {
        modelId = dmrPullReference(model.reference);
        await dmrCreateModel(origin, modelId, context.log, settings.readyTimeoutMs);
      } else {
        modelId = await loadFromStore(model);
      }
      const handle = { backend: "docker", extra: { origin, modelId, route } };
      return {
        handle,
        async ready() {
          await waitForDmr(origin, modelId, settings.readyTimeoutMs);
          return { baseUrl: `${origin}/engines/v1`, modelId };
        }
      };
    },
    // The runner container belongs to Docker, not to this job: nothing of ours to stop.
    async stop() {
    }
  };
}, "createDockerBackend");

// src/backends/embedded.ts
import { readFile as readFile2, rm as rm2 } from "node:fs/promises";
import path5 from "node:path";
import { fileURLToPath as fileURLToPath2 } from "node:url";

// src/backends/embedded-runtime.ts
import { cp, mkdir, readFile, rename, rm } from "node:fs/promises";
import path4 from "node:path";
var NODE_LLAMA_CPP_VERSION = "3.21.1";
var SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
function nodeLlamaCppVersionProblem(version) {
  const match = SEMVER.exec(version.trim());
  if (!match)
    return `version "${version}" is not a node-llama-cpp release: give an exact version like ${NODE_LLAMA_CPP_VERSION}`;
  if (match[1] !== "3") {
    return `version "${version}" is not a node-llama-cpp 3.x release, which serve needs (pinned: ${NODE_LLAMA_CPP_VERSION})`;
  }
  return void 0;
}
__name(nodeLlamaCppVersionProblem, "nodeLlamaCppVersionProblem");
function nodeLlamaCppVersion(version) {
  if (version === void 0) return NODE_LLAMA_CPP_VERSION;
  const problem = nodeLlamaCppVersionProblem(version);
  if (problem) throw new BackendError("embedded", problem);
  return version.trim();
}
__name(nodeLlamaCppVersion, "nodeLlamaCppVersion");
async function findPackage(name, dir) {
  for (let current = path4.resolve(dir); ; current = path4.dirname(current)) {
    const candidate = path4.join(current, "node_modules", name, "package.json");
    if (await fileExists(candidate)) return path4.dirname(candidate);
    if (path4.dirname(current) === current) return void 0;
  }
}
__name(findPackage, "findPackage");
function platformPackage(gpu, platform = process.platform, arch = process.arch) {
  const os = { linux: "linux", darwin: "mac", win32: "win" }[platform];
  if (os === void 0) throw new BackendError("embedded", `node-llama-cpp publishes no build for ${platform}/${arch}`);
  if (os === "mac") return arch === "arm64" ? "@node-llama-cpp/mac-arm64-metal" : `@node-llama-cpp/mac-${arch}`;
  const base = `@node-llama-cpp/${os}-${arch}`;
  if (gpu !== "cuda") return base;
  if (arch !== "x64") throw new BackendError("embedded", `node-llama-cpp has no CUDA build for ${platform}/${arch}`);
  return `${base}-cuda`;
}
__name(platformPackage, "platformPackage");
function installPrefix(toolDir, gpu, version = NODE_LLAMA_CPP_VERSION) {
  const flavour = platformPackage(gpu).replace("@node-llama-cpp/", "");
  return path4.join(toolDir, "cortex-model", "node-llama-cpp", version, flavour);
}
__name(installPrefix, "installPrefix");
async function locateServeRuntime(options) {
  const version = options.version ?? NODE_LLAMA_CPP_VERSION;
  const local = await findPackage("node-llama-cpp", path4.dirname(options.entry.file));
  if (local && await packageVersion(local) === version) return { kind: "local" };
  if (!options.entry.bundled) return { kind: "absent" };
  const prefix = installPrefix(options.toolDir, options.gpu, version);
  const marker = path4.join(prefix, "node_modules", "node-llama-cpp", "package.json");
  return { kind: await fileExists(marker) ? "cached" : "missing", prefix };
}
__name(locateServeRuntime, "locateServeRuntime");
async function resolveServeCommand(options) {
  const version = options.version ?? NODE_LLAMA_CPP_VERSION;
  const location = await locateServeRuntime(options);
  if (location.kind === "local") return { file: options.entry.file, args: options.entry.args, installed: false };
  if (location.kind === "absent") {
    throw new BackendError(
      "embedded",
      `node-llama-cpp ${version} is not installed next to ${options.entry.file}: run npm install node-llama-cpp@${version}`
    );
  }
  const { prefix } = location;
  if (location.kind === "cached") {
    options.log(`node-llama-cpp ${version} found in the tool cache at ${prefix}`);
  } else {
    await npmInstall(prefix, version, options);
  }
  const runtimeDir = path4.join(prefix, "serve");
  await rm(runtimeDir, { recursive: true, force: true });
  await cp(path4.dirname(options.entry.file), runtimeDir, { recursive: true });
  return { file: path4.join(runtimeDir, path4.basename(options.entry.file)), args: options.entry.args, installed: true };
}
__name(resolveServeCommand, "resolveServeCommand");
async function packageVersion(dir) {
  try {
    return JSON.parse(await readFile(path4.join(dir, "package.json"), "utf8")).version;
  } catch {
    return void 0;
  }
}
__name(packageVersion, "packageVersion");
async function npmInstall(prefix, version, options) {
  const staging = `${prefix}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const packages = [`node-llama-cpp@${version}`, `${platformPackage(options.gpu)}@${version}`];
  options.log(`installing ${packages.join(" ")} into ${prefix}`);
  const started = Date.now();
  const result = await execa(
    "npm",
    ["install", "--omit=optional", "--no-save", "--no-audit", "--no-fund", "--prefix", staging, ...packages],
    { env: options.env, reject: false, all: true, stdin: "ignore" }
  );
  if (result.exitCode !== 0) {
    await rm(staging, { recursive: true, force: true });
    throw new BackendError("embedded", `npm install of ${packages.join(" ")} failed (exit ${result.exitCode})`, {
      logTail: String(result.all ?? "").trimEnd().split("\n").slice(-40).join("\n")
    });
  }
  await rm(prefix, { recursive: true, force: true });
  await mkdir(path4.dirname(prefix), { recursive: true });
  await rename(staging, prefix);
  options.log(`installed node-llama-cpp ${version} in ${((Date.now() - started) / 1e3).toFixed(1)} s`);
}
__name(npmInstall, "npmInstall");

// src/backends/embedded.ts
function parseReady(text) {
  if (!text.endsWith("\n")) return void 0;
  const ready = JSON.parse(text);
  if (typeof ready.url !== "string" || typeof ready.pid !== "number" || typeof ready.model !== "string") {
    return void 0;
  }
  return {
    url: ready.url,
    pid: ready.pid,
    model: ready.model,
    threads: Number(ready.threads),
    ...isDevice(ready.device) ? { device: ready.device } : {}
  };
}
__name(parseReady, "parseReady");
function serveArgs(model, settings, readyFile, modelFile = model.pulled.model) {
  return [
    "--model",
    modelFile,
    "--model-id",
    model.modelId,
    "--host",
    "127.0.0.1",
    "--port",
    String(settings.port),
    "--gpu",
    settings.gpu,
    "--ready-file",
    readyFile,
    // setupBackend hashes the store's files beside the load for every backend: once is enough.
    "--no-verify",
    ...settings.threads === void 0 ? [] : ["--threads", String(settings.threads)],
    ...settings.contextSize === void 0 ? [] : ["--context-size", String(settings.contextSize)]
  ];
}
__name(serveArgs, "serveArgs");
function cliServeEntry() {
  const here = path5.dirname(fileURLToPath2(import.meta.url));
  return { file: [here, "..", "..", "bin", "cortex-model.js"].join(path5.sep), args: ["serve"], bundled: false };
}
__name(cliServeEntry, "cliServeEntry");
function createEmbeddedBackend(settings, context, options = {}) {
  const entry = options.serveEntry ?? cliServeEntry();
  const runtime = /* @__PURE__ */ __name(() => ({
    entry,
    toolDir: context.toolDir,
    gpu: settings.gpu,
    version: nodeLlamaCppVersion(settings.version),
    env: context.env,
    log: context.log
  }), "runtime");
  let command;
  const prepare = /* @__PURE__ */ __name(async () => {
    command ??= await resolveServeCommand(runtime());
    return command;
  }, "prepare");
  return {
    name: "embedded",
    source: "store",
    async probe() {
      const problem = settings.version === void 0 ? void 0 : nodeLlamaCppVersionProblem(settings.version);
      if (problem) return { availability: "unavailable", detail: problem };
      const options2 = runtime();
      const location = await locateServeRuntime(options2);
      const version = `node-llama-cpp ${options2.version}`;
      switch (location.kind) {
        case "local":
          return { availability: "installed", detail: `${version} beside serve` };
        case "cached":
          return { availability: "installed", detail: `${version} in the tool cache` };
        case "missing":
          return { availability: "installable", detail: `${version} can be installed from npm` };
        case "absent":
          return { availability: "unavailable", detail: `${version} is not installed next to ${entry.file}` };
      }
    },
    async prepare() {
      await prepare();
    },
    async start(request2) {
      const model = requireStoreModel("embedded", request2);
      const serve = await prepare();
      const readyFile = path5.join(context.workDir, "embedded.ready.json");
      const logFile = path5.join(context.workDir, "embedded.log");
      await rm2(readyFile, { force: true });
      const files = await storeModelFiles(model, context);
      if (files.mmproj) {
        context.log(`embedded serves text only: the model's multimodal projector ${files.mmproj} is not loaded`);
      }
      const spawned = await spawnBackendProcess({
        backend: "embedded",
        command: process.execPath,
        args: [serve.file, ...serve.args, ...serveArgs(model, settings, readyFile, files.model)],
        logFile,
        ...spawnLifetime(context),
        env: context.env
      });
      const handle = { backend: "embedded", pid: spawned.pid, logFile };
      return {
        handle,
        async ready() {
          const ready = await waitUntil(
            async () => await fileExists(readyFile) ? parseReady(await readFile2(readyFile, "utf8")) : void 0,
            {
              backend: "embedded",
              process: spawned,
              timeoutMs: settings.readyTimeoutMs,
              what: "the model to load and serve"
            }
          );
          return {
            baseUrl: ready.url,
            modelId: ready.model,
            pid: ready.pid,
            ...Number.isInteger(ready.threads) ? { threads: ready.threads } : {},
            ...ready.device ? { device: ready.device } : {}
          };
        }
      };
    },
    async stop(handle) {
      if (handle.pid !== void 0) await stopProcessGroup(handle.pid);
    }
  };
}
__name(createEmbeddedBackend, "createEmbeddedBackend");

// src/backends/llama-server.ts
import path7 from "node:path";

// src/backends/device.ts
import { open as open2 } from "node:fs/promises";
function namedGpu(log) {
  return [...log.matchAll(/(?:using device|assigned to device|library=)\s*"?([A-Za-z]+)/g)].map((match) => gpuKind(match[1])).findLast((device) => device !== void 0);
}
__name(namedGpu, "namedGpu");
function llamaCppLogDevice(log) {
  const offloaded = [...log.matchAll(/offloaded (\d+)\/\d+ layers to GPU/g)].at(-1);
  if (offloaded === void 0 || Number(offloaded[1]) === 0) return "cpu";
  return namedGpu(log);
}
__name(llamaCppLogDevice, "llamaCppLogDevice");
function ollamaDevice(sizeVram, platform, log) {
  if (sizeVram <= 0) return "cpu";
  return platform.os === "darwin" ? "metal" : namedGpu(log);
}
__name(ollamaDevice, "ollamaDevice");
async function logHead(file, bytes = 1024 * 1024) {
  try {
    const handle = await open2(file, "r");
    try {
      const buffer = Buffer.alloc(bytes);
      const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
      return buffer.subarray(0, bytesRead).toString("utf8");
    } finally {
      await handle.close();
    }
  } catch {
    return "";
  }
}
__name(logHead, "logHead");
async function ollamaLoadedDevice(origin, modelId, platform, logFile) {
  try {
    const answer = await request(`${origin}/api/ps`, { timeoutMs: 5e3 });
    const { models } = JSON.parse(answer.body);
    const loaded = models?.find((m) => m.name === modelId || m.model === modelId) ?? (models?.length === 1 ? models[0] : void 0);
    if (typeof loaded?.size_vram !== "number") return void 0;
    return ollamaDevice(loaded.size_vram, platform, await logHead(logFile));
  } catch {
    return void 0;
  }
}
__name(ollamaLoadedDevice, "ollamaLoadedDevice");

// src/backends/port.ts
import net from "node:net";
async function choosePort(backend, port, host = "127.0.0.1") {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", (error) => {
      reject(
        error.code === "EADDRINUSE" ? new BackendError(backend, `port ${port} on ${host} is in use by another program`, { cause: error }) : new BackendError(backend, `cannot listen on ${host}:${port}`, { cause: error })
      );
    });
    server.listen(port, host, () => {
      const address = server.address();
      const chosen = typeof address === "object" && address ? address.port : port;
      server.close(() => resolve(chosen));
    });
  });
}
__name(choosePort, "choosePort");

// src/backends/tool-install.ts
import { createWriteStream, promises as fs3 } from "node:fs";
import path6 from "node:path";
import { pipeline } from "node:stream/promises";
function toolPath(toolDir, name, version, arch) {
  return path6.join(toolDir, name, version, arch);
}
__name(toolPath, "toolPath");
async function findTool(toolDir, name, version, arch) {
  const dir = toolPath(toolDir, name, version, arch);
  return await fs3.stat(`${dir}.complete`).catch(() => void 0) ? dir : void 0;
}
__name(findTool, "findTool");
async function installTool(install) {
  const cached = await findTool(install.toolDir, install.name, install.version, install.arch);
  if (cached) return cached;
  const proxies = proxyEnv(install.env);
  const dir = toolPath(install.toolDir, install.name, install.version, install.arch);
  const parent = path6.dirname(dir);
  await fs3.mkdir(parent, { recursive: true });
  const archive = tempPath(parent, `.download.${install.format}`);
  const unpacked = tempPath(parent, ".unpack");
  try {
    install.log?.(`Downloading ${install.url}`);
    await download(install, proxies, archive);
    await fs3.mkdir(unpacked);
    await unpack(install, archive, unpacked);
    await install.validate?.(unpacked);
    await fs3.rm(dir, { recursive: true, force: true });
    await fs3.rename(unpacked, dir);
    await fs3.writeFile(`${dir}.complete`, "");
    return dir;
  } finally {
    await fs3.rm(archive, { force: true });
    await fs3.rm(unpacked, { recursive: true, force: true });
  }
}
__name(installTool, "installTool");
async function download(install, proxies, file) {
  const failed = /* @__PURE__ */ __name((detail) => new BackendError(
    install.backend,
    `could not download ${install.url}: ${detail instanceof Error ? detail.message : String(detail)}`,
    detail instanceof Error ? { cause: detail } : {}
  ), "failed");
  try {
    await withRetries(DEFAULT_RETRY_POLICY, void 0, async () => {
      const response = await exchange({ method: "GET", url: new URL(install.url), bulk: true }, { proxies });
      if (response.status < 200 || response.status > 299) {
        await response.discard();
        throw statusFailure(response, failed(`HTTP ${response.status}`));
      }
      await pipeline(response.body, createWriteStream(file));
    });
  } catch (error) {
    throw error instanceof BackendError ? error : failed(error);
  }
}
__name(download, "download");
function unpackCommand(format, archive, dir, platform = currentPlatform(), env = process.env) {
  if (platform.os === "win32") {
    const tar = path6.win32.join(env.SystemRoot ?? "C:\\Windows", "System32", "tar.exe");
    return [tar, [format === "tgz" ? "-xzf" : "-xf", archive, "-C", dir]];
  }
  switch (format) {
    case "tgz":
      return ["tar", ["-xzf", archive, "-C", dir]];
    case "tar.zst":
      return ["tar", ["--zstd", "-xf", archive, "-C", dir]];
    case "zip":
      return ["unzip", ["-q", "-o", archive, "-d", dir]];
  }
}
__name(unpackCommand, "unpackCommand");
async function unpack(install, archive, dir) {
  const [command, args] = unpackCommand(install.format, archive, dir, currentPlatform(), install.env);
  const result = await execa(command, args, { reject: false, all: true });
  if (result.exitCode !== 0) {
    throw new BackendError(
      install.backend,
      `could not unpack ${install.url} with ${command} (exit ${result.exitCode})`,
      {
        logTail: result.all ?? ""
      }
    );
  }
}
__name(unpack, "unpack");
async function findFile(dir, name) {
  let level = [dir];
  while (level.length > 0) {
    const next = [];
    for (const current of level) {
      for (const entry of await fs3.readdir(current, { withFileTypes: true })) {
        const full = path6.join(current, entry.name);
        if (entry.isFile() && entry.name === name) return full;
        if (entry.isDirectory()) next.push(full);
      }
    }
    level = next;
  }
  return void 0;
}
__name(findFile, "findFile");

// src/backends/llama-server.ts
var LLAMA_SERVER_DEFAULT_TAG = "b6987";
function llamaServerRelease(tag, platform = currentPlatform()) {
  return llamaServerAsset(tag, platform);
}
__name(llamaServerRelease, "llamaServerRelease");
function supportedRelease(tag) {
  const release = llamaServerRelease(tag);
  if (release instanceof UnsupportedPlatform) throw new BackendError("llama-server", release.reason);
  return release;
}
__name(supportedRelease, "supportedRelease");
function llamaServerArgs(model, port, modelId, settings, mmproj) {
  return [
    "-m",
    model,
    ...mmproj !== void 0 ? ["--mmproj", mmproj] : [],
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--alias",
    modelId,
    ...settings.contextSize !== void 0 ? ["-c", String(settings.contextSize)] : [],
    ...settings.threads !== void 0 ? ["-t", String(settings.threads)] : [],
    "--jinja"
  ];
}
__name(llamaServerArgs, "llamaServerArgs");
async function installLlamaServer(options) {
  const dir = await installTool({
    backend: "llama-server",
    toolDir: options.toolDir,
    name: "llama-server",
    version: options.tag,
    arch: options.release.arch,
    url: options.release.url,
    format: options.release.format,
    env: options.env,
    ...options.log ? { log: options.log } : {},
    validate: /* @__PURE__ */ __name(async (unpacked) => {
      if (!await findFile(unpacked, options.release.binary)) {
        throw new BackendError("llama-server", `the archive ${options.release.url} has no ${options.release.binary}`);
      }
    }, "validate")
  });
  return await findFile(dir, options.release.binary);
}
__name(installLlamaServer, "installLlamaServer");
async function waitForLlamaServer(origin, timeoutMs, spawned) {
  await waitUntil(
    async () => (await request(`${origin}/health`, { timeoutMs: 2e3 })).status === 200 ? true : void 0,
    { backend: "llama-server", timeoutMs, what: "GET /health to answer 200", ...spawned ? { process: spawned } : {} }
  );
}
__name(waitForLlamaServer, "waitForLlamaServer");
var createLlamaServerBackend = /* @__PURE__ */ __name((settings, context) => {
  const tag = settings.version ?? LLAMA_SERVER_DEFAULT_TAG;
  let binary;
  const cachedBinary = /* @__PURE__ */ __name(async () => {
    const release = supportedRelease(tag);
    const dir = await findTool(context.toolDir, "llama-server", tag, release.arch);
    return dir ? findFile(dir, release.binary) : void 0;
  }, "cachedBinary");
  return {
    name: "llama-server",
    source: "store",
    async probe() {
      const release = llamaServerRelease(tag);
      if (release instanceof UnsupportedPlatform) return { availability: "unavailable", detail: release.reason };
      return await cachedBinary() ? { availability: "installed", detail: `llama.cpp ${tag} in the tool cache` } : { availability: "installable", detail: `llama.cpp ${tag} can be downloaded` };
    },
    async prepare() {
      binary = await installLlamaServer({
        toolDir: context.toolDir,
        tag,
        release: supportedRelease(tag),
        env: context.env,
        log: context.log
      });
    },
    async start(request2) {
      const model = requireStoreModel("llama-server", request2);
      const server = binary ?? await cachedBinary();
      if (!server) throw new BackendError("llama-server", "start() before prepare(): llama-server is not installed");
      const port = await choosePort("llama-server", settings.port);
      const files = await storeModelFiles(model, context);
      const libDir = path7.dirname(server);
      const spawned = await spawnBackendProcess({
        backend: "llama-server",
        command: server,
        args: llamaServerArgs(files.model, port, model.modelId, settings, files.mmproj),
        logFile: path7.join(context.workDir, "llama-server.log"),
        ...spawnLifetime(context),
        // The release's shared libraries sit beside the binary.
        env: { ...context.env, ...libraryPathEnv(libDir, currentPlatform(), context.env) },
        cwd: libDir
      });
      const origin = `http://127.0.0.1:${port}`;
      const handle = {
        backend: "llama-server",
        pid: spawned.pid,
        logFile: spawned.logFile,
        extra: { origin }
      };
      return {
        handle,
        async ready() {
          await waitForLlamaServer(origin, settings.readyTimeoutMs, spawned);
          const device = llamaCppLogDevice(await logHead(spawned.logFile));
          return {
            baseUrl: `${origin}/v1`,
            modelId: model.modelId,
            pid: spawned.pid,
            ...settings.threads !== void 0 ? { threads: settings.threads } : {},
            ...device ? { device } : {}
          };
        }
      };
    },
    async stop(handle) {
      if (handle.pid !== void 0) await stopProcessGroup(handle.pid);
    }
  };
}, "createLlamaServerBackend");

// src/backends/ollama.ts
import { promises as fs6 } from "node:fs";
import path10 from "node:path";

// src/ollama/store-view.ts
import { promises as fs5 } from "node:fs";
import path9 from "node:path";

// src/ollama/models-target.ts
import { promises as fs4 } from "node:fs";
import path8 from "node:path";

// src/copy/content-source.ts
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
var ContentSource = class {
  constructor(name, manifest, blobs) {
    this.name = name;
    this.manifest = manifest;
    this.#blobs = new Map([...blobs].map(([descriptor, content]) => [descriptor.digest, content]));
  }
  name;
  manifest;
  static {
    __name(this, "ContentSource");
  }
  #blobs;
  async resolve(reference) {
    return (await this.fetchManifest(reference)).descriptor;
  }
  async fetchManifest(reference) {
    const digest = typeof reference === "string" ? reference : reference.digest;
    if (digest !== this.manifest.descriptor.digest)
      throw new NotFoundError(`manifest ${digest} not found in ${this.name}`);
    return this.manifest;
  }
  async fetchBlob(descriptor, options = {}) {
    const content = this.#content(descriptor);
    const start = options.range?.offset ?? 0;
    const length = options.range?.length;
    if (content instanceof Uint8Array) {
      const bytes = Buffer.from(content).subarray(start, length === void 0 ? void 0 : start + length);
      return Readable.from([bytes], { objectMode: false });
    }
    return fileRangeStream(content.file, options.range);
  }
  async pumpBlob(descriptor, sink, options = {}) {
    for await (const chunk of await this.fetchBlob(descriptor, options)) await sink(chunk);
  }
  async exists(descriptor) {
    return descriptor.digest === this.manifest.descriptor.digest || this.#blobs.has(descriptor.digest);
  }
  async tags() {
    return [];
  }
  async referrers() {
    return [];
  }
  verifiedFile(descriptor) {
    const content = this.#blobs.get(descriptor.digest);
    return content === void 0 || content instanceof Uint8Array ? void 0 : content;
  }
  #content(descriptor) {
    const content = this.#blobs.get(descriptor.digest);
    if (content === void 0) throw new NotFoundError(`blob ${descriptor.digest} not found in ${this.name}`);
    return content;
  }
};
function fileRangeStream(file, range) {
  const start = range?.offset ?? 0;
  const end = range?.length === void 0 ? {} : { end: start + range.length - 1 };
  return createReadStream(file, { start, ...end, highWaterMark: 1 << 20 });
}
__name(fileRangeStream, "fileRangeStream");

// src/ollama/models-target.ts
var OllamaModelTarget = class {
  constructor(modelsDir, model) {
    this.modelsDir = modelsDir;
    this.name = `${modelsDir} (${model.host}/${model.namespace}/${model.model})`;
    this.#blobsDir = path8.join(modelsDir, "blobs");
    this.#manifestsDir = path8.join(modelsDir, "manifests", model.host, model.namespace, model.model);
  }
  modelsDir;
  static {
    __name(this, "OllamaModelTarget");
  }
  name;
  #blobsDir;
  #manifestsDir;
  manifestPath(tag) {
    return path8.join(this.#manifestsDir, tag);
  }
  async resolve(reference) {
    return (await this.fetchManifest(reference)).descriptor;
  }
  /** By tag; Ollama keeps no manifest by digest, so a digest is looked for among the tags. */
  async fetchManifest(reference) {
    const wanted = typeof reference === "string" ? reference : reference.digest;
    for (const tag of isDigest(wanted) ? await this.tags() : [wanted]) {
      const file = await this.#fileInside(this.manifestPath(tag));
      if (file === void 0) continue;
      const bytes = await fs4.readFile(file);
      const digest = sha256Digest(bytes);
      if (tag === wanted || digest === wanted) {
        return { descriptor: { mediaType: MediaType.dockerManifest, digest, size: bytes.byteLength }, bytes };
      }
    }
    throw new NotFoundError(`manifest ${wanted} not found in ${this.name}`);
  }
  async fetchBlob(descriptor, options = {}) {
    const file = await this.#fileInside(this.#blobPath(descriptor));
    if (file === void 0) throw new NotFoundError(`blob ${descriptor.digest} not found in ${this.name}`);
    return fileRangeStream(file, options.range);
  }
  async pumpBlob(descriptor, sink, options = {}) {
    for await (const chunk of await this.fetchBlob(descriptor, options)) await sink(chunk);
  }
  async exists() {
    return false;
  }
  async tags() {
    const entries = await fs4.readdir(this.#manifestsDir, { withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isFile()).map((e) => e.name);
  }
  async referrers() {
    return [];
  }
  async pushBlob(descriptor, content) {
    await makeDirInside(this.modelsDir, this.#blobsDir);
    const chunks = content instanceof Uint8Array ? [content] : content();
    await writeVerified(this.#blobPath(descriptor), descriptor, chunks, this.#blobsDir, "pushed content");
  }
  async adoptBlobFile(descriptor, file, hashed) {
    await makeDirInside(this.modelsDir, this.#blobsDir);
    return adoptVerifiedFile(this.#blobPath(descriptor), descriptor, file, hashed, this.#blobsDir);
  }
  /** Ollama names a manifest only by tag: one is required. */
  async pushManifest(descriptor, bytes, options = {}) {
    if (options.tag === void 0) throw new NotFoundError(`${this.name} keeps manifests only under a tag`);
    checkContent(descriptor, bytes.byteLength, sha256Digest(bytes), "pushed manifest");
    await makeDirInside(this.modelsDir, this.#manifestsDir);
    await writeFileAtomic(this.manifestPath(options.tag), bytes, this.#manifestsDir);
  }
  async tag(descriptor, tag) {
    const { bytes } = await this.fetchManifest(descriptor);
    await this.pushManifest(descriptor, bytes, { tag });
  }
  #blobPath(descriptor) {
    return ollamaBlobPath(this.modelsDir, descriptor.digest);
  }
  /** The real path of a file that lies inside the models directory; undefined when absent or outside. */
  async #fileInside(file) {
    return realPathInside(this.modelsDir, file).catch(() => void 0);
  }
};
async function writeOllamaModel(modelsDir, name, manifestBytes, blobs, from) {
  const manifest = {
    descriptor: {
      mediaType: MediaType.dockerManifest,
      digest: sha256Digest(manifestBytes),
      size: manifestBytes.byteLength
    },
    bytes: manifestBytes
  };
  const target = new OllamaModelTarget(modelsDir, name);
  await copyGraph(new ContentSource(from, manifest, blobs), target, manifest, { tag: name.tag });
  return target.manifestPath(name.tag);
}
__name(writeOllamaModel, "writeOllamaModel");

// src/ollama/ollama-manifest.ts
function currentOllamaPlatform() {
  const architecture = process.arch === "x64" ? "amd64" : process.arch;
  return { architecture, os: process.platform };
}
__name(currentOllamaPlatform, "currentOllamaPlatform");
async function ollamaModelFromDmr(input) {
  const { artifact, info } = input;
  if (artifact.gguf.length !== 1) {
    throw new FormatError(
      `Ollama loads a model from one GGUF file; this model is split into ${artifact.gguf.length} shards`
    );
  }
  const layers = [];
  for (const part of artifact.parts) {
    const mediaType = await ollamaMediaType(part.role, part.descriptor, input.readText);
    if (mediaType) layers.push({ mediaType, digest: part.descriptor.digest, size: part.descriptor.size });
  }
  const platform = input.platform ?? currentOllamaPlatform();
  const architecture = info.architecture ?? "unknown";
  const configBytes = encode({
    model_format: "gguf",
    model_family: architecture,
    model_families: [architecture],
    model_type: ollamaHumanNumber(parameterCount(info)),
    file_type: info.quantization,
    architecture: platform.architecture,
    os: platform.os,
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.digest) }
  });
  const config = {
    mediaType: MediaType.dockerContainerConfig,
    digest: sha256Digest(configBytes),
    size: configBytes.byteLength
  };
  const manifest = encode({
    schemaVersion: 2,
    mediaType: MediaType.dockerManifest,
    config: layerJson(config),
    layers: layers.map(layerJson)
  });
  return { manifest, config: { descriptor: config, bytes: configBytes }, layers };
}
__name(ollamaModelFromDmr, "ollamaModelFromDmr");
async function ollamaMediaType(role, descriptor, readText) {
  switch (role) {
    case "gguf":
      return MediaType.ollamaModel;
    case "mmproj":
      return MediaType.ollamaProjector;
    case "license":
      return MediaType.ollamaLicense;
    case "chat-template":
      return isGoTemplate(await readText(descriptor)) ? MediaType.ollamaTemplate : void 0;
    default:
      return void 0;
  }
}
__name(ollamaMediaType, "ollamaMediaType");
function layerJson(descriptor) {
  return { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size };
}
__name(layerJson, "layerJson");
function encode(value) {
  return new TextEncoder().encode(`${goJson(value)}
`);
}
__name(encode, "encode");
function parameterCount(info) {
  const value = info.metadata.get("general.parameter_count")?.value;
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  return info.parameters;
}
__name(parameterCount, "parameterCount");
function ollamaHumanNumber(count) {
  const scaled = /* @__PURE__ */ __name((base, unit, decimals) => {
    const value = count / base;
    return Number.isInteger(value) ? `${value}${unit}` : `${formatFixed(value, decimals)}${unit}`;
  }, "scaled");
  if (count >= 1e9) return scaled(1e9, "B", 1);
  if (count >= 1e6) return scaled(1e6, "M", 2);
  if (count >= 1e3) return `${Math.round(count / 1e3)}K`;
  return String(count);
}
__name(ollamaHumanNumber, "ollamaHumanNumber");
function isGoTemplate(text) {
  if (text.includes("{%") || text.includes("{#")) return false;
  const actions = [...text.matchAll(/\{\{-?\s*([^}]*?)\s*-?\}\}/g)].map((m) => m[1] ?? "");
  if (actions.length === 0) return false;
  return actions.every(
    (body) => /^(?:\.|\$|\/\*|(?:if|else|end|range|with|template|define|block|not|and|or|eq|ne|len|slice|index|json|break|continue)\b)/.test(
      body
    )
  );
}
__name(isGoTemplate, "isGoTemplate");

// src/ollama/store-view.ts
var PART = /[^a-zA-Z0-9_.-]+/g;
function ollamaName(reference) {
  const tag = reference.tag ?? "latest";
  if (reference.kind === "layout") {
    const base = path9.basename(reference.path).toLowerCase().replace(PART, "-") || "model";
    return { host: "local", namespace: "library", model: base, tag };
  }
  const parts = reference.repository.split("/");
  const model = parts.pop();
  const namespace = parts.length === 0 ? "library" : parts.join("-");
  return { host: reference.registry, namespace, model, tag };
}
__name(ollamaName, "ollamaName");
function ollamaModelId(name) {
  if (name.host === OLLAMA_REGISTRY && name.namespace === "library") return `${name.model}:${name.tag}`;
  return `${name.host}/${name.namespace}/${name.model}:${name.tag}`;
}
__name(ollamaModelId, "ollamaModelId");
function ollamaBlobPath(modelsDir, digest) {
  return path9.join(modelsDir, "blobs", `sha256-${digestHex(digest)}`);
}
__name(ollamaBlobPath, "ollamaBlobPath");
async function realPathInside(root, file) {
  const [realRoot, real] = await Promise.all([fs5.realpath(root), fs5.realpath(file)]);
  const relative = path9.relative(realRoot, real);
  const outside = relative === "" || relative === ".." || relative.startsWith(`..${path9.sep}`);
  return outside || path9.isAbsolute(relative) ? void 0 : real;
}
__name(realPathInside, "realPathInside");
async function makeDirInside(modelsDir, dir) {
  const root = path9.resolve(modelsDir);
  let existing = path9.resolve(dir);
  while (existing !== root && !await exists(existing)) existing = path9.dirname(existing);
  if (existing !== root && await realPathInside(root, existing) === void 0) {
    throw new EnvironmentError(`${dir} leads out of the models directory ${modelsDir} through a symbolic link`);
  }
  await fs5.mkdir(dir, { recursive: true });
}
__name(makeDirInside, "makeDirInside");
async function exists(file) {
  return fs5.lstat(file).then(
    () => true,
    () => false
  );
}
__name(exists, "exists");
async function writeOllamaView(options) {
  const { store, pulled, modelsDir } = options;
  const name = ollamaName(options.reference);
  let manifestBytes;
  const blobs = [];
  let linked;
  if (pulled.format === "ollama") {
    manifestBytes = (await store.layout.fetchManifest(pulled.manifestDigest)).bytes;
    linked = [pulled.manifest.config, ...pulled.manifest.layers];
  } else {
    const converted = await ollamaModelFromDmr({
      artifact: recognizeArtifact(pulled.manifest),
      info: await readGgufModelInfo(pulled.files),
      readText: /* @__PURE__ */ __name((d) => fs5.readFile(store.blobPath(d.digest), "utf8"), "readText"),
      ...options.platform ? { platform: options.platform } : {}
    });
    blobs.push([converted.config.descriptor, converted.config.bytes]);
    manifestBytes = converted.manifest;
    linked = converted.layers;
  }
  for (const blob of linked) blobs.push([blob, await storeFile(store, blob)]);
  const manifestPath = await writeOllamaModel(modelsDir, name, manifestBytes, blobs, store.root);
  return { modelsDir, name, modelId: ollamaModelId(name), manifestPath, manifestBytes };
}
__name(writeOllamaView, "writeOllamaView");
async function storeFile(store, descriptor) {
  const file = await store.blobFile(descriptor);
  if (!file) throw new NotFoundError(`blob ${descriptor.digest} is missing from the store ${store.root}`);
  return file;
}
__name(storeFile, "storeFile");

// src/backends/ollama.ts
var OLLAMA_DEFAULT_VERSION = "0.13.3";
function parseVersion(version) {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) throw new BackendError("ollama", `version "${version}" is not an Ollama release number like 0.13.3`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}
__name(parseVersion, "parseVersion");
function atLeast(version, floor) {
  for (let i = 0; i < 3; i++) {
    if (version[i] !== floor[i]) return version[i] > floor[i];
  }
  return true;
}
__name(atLeast, "atLeast");
function ollamaRelease(version, platform = currentPlatform()) {
  const parsed = parseVersion(version);
  if (!atLeast(parsed, [0, 3, 7])) {
    throw new BackendError("ollama", `Ollama ${version} has no release archive; use 0.3.7 or later`);
  }
  return ollamaAsset(`v${parsed.join(".")}`, atLeast(parsed, [0, 14, 0]), platform);
}
__name(ollamaRelease, "ollamaRelease");
function supportedRelease2(version) {
  const release = ollamaRelease(version);
  if (release instanceof UnsupportedPlatform) throw new BackendError("ollama", release.reason);
  return release;
}
__name(supportedRelease2, "supportedRelease");
async function installOllama(options) {
  const dir = await installTool({
    backend: "ollama",
    toolDir: options.toolDir,
    name: "ollama",
    version: options.version,
    arch: options.release.arch,
    url: options.release.url,
    format: options.release.format,
    env: options.env,
    ...options.log ? { log: options.log } : {},
    validate: /* @__PURE__ */ __name(async (unpacked) => {
      if (!await fs6.stat(path10.join(unpacked, options.release.binary)).catch(() => void 0)) {
        throw new BackendError("ollama", `the archive ${options.release.url} has no ${options.release.binary}`);
      }
    }, "validate")
  });
  return path10.join(dir, options.release.binary);
}
__name(installOllama, "installOllama");
function ollamaEnv(base, port, modelsDir, contextSize) {
  return {
    ...base,
    OLLAMA_HOST: `127.0.0.1:${port}`,
    OLLAMA_MODELS: modelsDir,
    OLLAMA_NOPRUNE: "1",
    ...contextSize !== void 0 ? { OLLAMA_CONTEXT_LENGTH: String(contextSize) } : {}
  };
}
__name(ollamaEnv, "ollamaEnv");
async function waitForOllama(options) {
  const started = Date.now();
  const common = {
    backend: "ollama",
    timeoutMs: options.timeoutMs,
    ...options.process ? { process: options.process } : {}
  };
  await waitUntil(
    async () => (await request(`${options.origin}/api/version`, { timeoutMs: 2e3 })).status === 200 ? true : void 0,
    { ...common, what: "GET /api/version to answer 200" }
  );
  const remaining = Math.max(1e3, options.timeoutMs - (Date.now() - started));
  const load = request(`${options.origin}/api/generate`, {
    json: {
      model: options.modelId,
      keep_alive: "30m",
      options: {
        ...options.threads !== void 0 ? { num_thread: options.threads } : {},
        ...options.contextSize !== void 0 ? { num_ctx: options.contextSize } : {}
      }
    },
    timeoutMs: remaining
  });
  let answer;
  try {
    answer = await (options.process ? Promise.race([load, options.process.exited.then((s) => Promise.reject(new Error(`the server exited (${s})`)))]) : load);
  } catch (error) {
    throw new BackendError("ollama", `could not load ${options.modelId}: ${error.message}`, {
      cause: error,
      logTail: await logTail(options.process?.logFile)
    });
  }
  if (answer.status !== 200) {
    throw new BackendError(
      "ollama",
      `loading ${options.modelId} failed: HTTP ${answer.status} ${bodyLine(answer.body)}`,
      {
        logTail: await logTail(options.process?.logFile)
      }
    );
  }
}
__name(waitForOllama, "waitForOllama");
var createOllamaBackend = /* @__PURE__ */ __name((settings, context) => {
  const version = settings.version ?? OLLAMA_DEFAULT_VERSION;
  let binary;
  const cached = /* @__PURE__ */ __name(async () => {
    const release = supportedRelease2(version);
    const dir = await findTool(context.toolDir, "ollama", version, release.arch);
    return dir ? path10.join(dir, release.binary) : void 0;
  }, "cached");
  return {
    name: "ollama",
    source: "store",
    async probe() {
      try {
        if (await cached()) return { availability: "installed", detail: `Ollama ${version} in the tool cache` };
        return { availability: "installable", detail: `Ollama ${version} can be downloaded` };
      } catch (error) {
        return { availability: "unavailable", detail: error.message };
      }
    },
    async prepare() {
      binary = await installOllama({
        toolDir: context.toolDir,
        version,
        release: supportedRelease2(version),
        env: context.env,
        log: context.log
      });
      const check = await execa(binary, ["--version"], { reject: false, all: true, timeout: 3e4 });
      context.log(`Ollama ${version}: ${(check.all ?? "").trim().split("\n").at(-1) ?? ""}`);
    },
    async start(request2) {
      const model = requireStoreModel("ollama", request2);
      const ollama = binary ?? await cached();
      if (!ollama) throw new BackendError("ollama", "start() before prepare(): Ollama is not installed");
      const view = await writeOllamaView({
        store: model.store,
        pulled: model.pulled,
        reference: model.reference,
        modelsDir: path10.join(context.workDir, "ollama-models")
      });
      const port = await choosePort("ollama", settings.port);
      const spawned = await spawnBackendProcess({
        backend: "ollama",
        command: ollama,
        args: ["serve"],
        logFile: path10.join(context.workDir, "ollama.log"),
        ...spawnLifetime(context),
        env: ollamaEnv(context.env, port, view.modelsDir, settings.contextSize)
      });
      const origin = `http://127.0.0.1:${port}`;
      const handle = {
        backend: "ollama",
        pid: spawned.pid,
        logFile: spawned.logFile,
        extra: { modelsDir: view.modelsDir, origin }
      };
      return {
        handle,
        async ready() {
          await waitForOllama({
            origin,
            modelId: view.modelId,
            timeoutMs: settings.readyTimeoutMs,
            process: spawned,
            ...settings.threads !== void 0 ? { threads: settings.threads } : {},
            ...settings.contextSize !== void 0 ? { contextSize: settings.contextSize } : {}
          });
          const device = await ollamaLoadedDevice(origin, view.modelId, currentPlatform(), spawned.logFile);
          return {
            baseUrl: `${origin}/v1`,
            modelId: view.modelId,
            pid: spawned.pid,
            ...settings.threads !== void 0 ? { threads: settings.threads } : {},
            ...device ? { device } : {}
          };
        }
      };
    },
    async stop(handle) {
      if (handle.pid !== void 0) await stopProcessGroup(handle.pid);
    }
  };
}, "createOllamaBackend");

// src/backends/openai.ts
function modelsUrl(baseUrl) {
  return `${baseUrl.replace(/\/+$/, "")}/models`;
}
__name(modelsUrl, "modelsUrl");
async function listModels(baseUrl, apiKey) {
  const response = await fetch(modelsUrl(baseUrl), {
    headers: apiKey === void 0 ? {} : { authorization: `Bearer ${apiKey}` },
    signal: AbortSignal.timeout(1e4)
  });
  if (response.status === 401 || response.status === 403) {
    throw new BackendError("openai", `GET ${modelsUrl(baseUrl)} was refused (${response.status}): check api-key`);
  }
  if (!response.ok) throw new Error(`GET ${modelsUrl(baseUrl)} answered ${response.status}`);
  const body = await response.json();
  return (body.data ?? []).flatMap((model) => typeof model.id === "string" ? [model.id] : []);
}
__name(listModels, "listModels");
function createOpenAiBackend(settings, _context, options = {}) {
  const baseUrl = options.baseUrl;
  const apiKey = options.apiKey;
  return {
    name: "openai",
    source: "endpoint",
    async probe() {
      return baseUrl === void 0 ? { availability: "unavailable", detail: "no base-url given" } : { availability: "running", detail: `base-url ${baseUrl}` };
    },
    async prepare() {
      if (baseUrl === void 0) throw new BackendError("openai", "needs the base-url of an existing endpoint");
    },
    async start(model) {
      if (baseUrl === void 0) throw new BackendError("openai", "needs the base-url of an existing endpoint");
      const handle = { backend: "openai" };
      return {
        handle,
        async ready() {
          const ids = await waitUntil(() => listModels(baseUrl, apiKey), {
            backend: "openai",
            timeoutMs: settings.readyTimeoutMs,
            what: `GET ${modelsUrl(baseUrl)}`
          });
          if (!ids.includes(model.modelId)) {
            throw new BackendError(
              "openai",
              `${baseUrl} does not serve "${model.modelId}"; it lists: ${ids.join(", ") || "no models"}`
            );
          }
          return { baseUrl, modelId: model.modelId, ...apiKey === void 0 ? {} : { apiKey } };
        }
      };
    },
    async stop() {
    }
  };
}
__name(createOpenAiBackend, "createOpenAiBackend");

// src/backends/registry.ts
var BACKENDS = {
  embedded: createEmbeddedBackend,
  openai: createOpenAiBackend,
  ollama: createOllamaBackend,
  docker: createDockerBackend,
  "llama-server": createLlamaServerBackend
};

// src/backends/select.ts
var STRATEGIES = ["hybrid", "docker-only", "ollama-only", "embedded-only"];
var ENVIRONMENTS = ["production", "staging", "enterprise", "development"];
var STRATEGY_ENV = "MODEL_DISTRIBUTION";
var ENVIRONMENT_ENV = "DEPLOYMENT_ENV";
var INSTALL_POLICIES = ["auto", "missing", "never"];
var SelectionError = class extends UsageError {
  static {
    __name(this, "SelectionError");
  }
};
function parseOne(values, value, what) {
  const normalised = value.trim().toLowerCase();
  if (values.includes(normalised)) return normalised;
  throw new SelectionError(`${what} must be one of ${values.join(", ")}, got "${value}"`);
}
__name(parseOne, "parseOne");
function parseBackendChoice(value) {
  const normalised = value.trim().toLowerCase();
  if (normalised === "auto" || isBackendName(normalised)) return normalised;
  throw new SelectionError(`unknown backend "${value}": use auto, embedded, ollama, docker, llama-server or openai`);
}
__name(parseBackendChoice, "parseBackendChoice");
function parseInstallPolicy(value) {
  return value === void 0 ? "auto" : parseOne(INSTALL_POLICIES, value, "install");
}
__name(parseInstallPolicy, "parseInstallPolicy");
function resolveStrategy(input, env) {
  if (input !== void 0) return parseOne(STRATEGIES, input, "strategy");
  const fromEnv = env[STRATEGY_ENV];
  return fromEnv ? parseOne(STRATEGIES, fromEnv, STRATEGY_ENV) : "hybrid";
}
__name(resolveStrategy, "resolveStrategy");
function resolveEnvironment(input, env) {
  if (input !== void 0) return parseOne(ENVIRONMENTS, input, "environment");
  const fromEnv = env[ENVIRONMENT_ENV];
  return fromEnv ? parseOne(ENVIRONMENTS, fromEnv, ENVIRONMENT_ENV) : "development";
}
__name(resolveEnvironment, "resolveEnvironment");
function preferenceOrder(request2) {
  if (request2.backend !== "auto") return [request2.backend];
  switch (request2.strategy) {
    case "docker-only":
      return ["docker"];
    case "ollama-only":
      return ["ollama"];
    case "embedded-only":
      return ["embedded"];
    case "hybrid":
      return request2.environment === "development" ? ["ollama", "docker", "embedded"] : ["docker", "ollama", "embedded"];
  }
}
__name(preferenceOrder, "preferenceOrder");
function orderReason(request2, order) {
  if (request2.backend !== "auto") return `backend ${request2.backend} requested`;
  if (request2.strategy !== "hybrid") return `${request2.strategy} strategy`;
  return `hybrid strategy, ${request2.environment} environment prefers ${order.join(", then ")}`;
}
__name(orderReason, "orderReason");
function mayInstall(request2, name) {
  switch (request2.install) {
    case "missing":
      return true;
    case "never":
      return false;
    case "auto":
      return request2.backend !== "auto" || request2.strategy !== "hybrid" || name === "embedded";
  }
}
__name(mayInstall, "mayInstall");
function present(probe) {
  return probe?.availability === "running" || probe?.availability === "installed";
}
__name(present, "present");
function skipReason(request2, name, probe) {
  if (present(probe)) return void 0;
  if (probe?.availability === "installable") return mayInstall(request2, name) ? void 0 : "missing";
  return request2.backend === "auto" ? "unavailable" : void 0;
}
__name(skipReason, "skipReason");
function selectBackends(request2, probes, installOption) {
  const order = preferenceOrder(request2);
  const reason = orderReason(request2, order);
  const candidates = [];
  const skipped = [];
  for (const name of order) {
    const why = skipReason(request2, name, probes[name]);
    if (why === void 0) candidates.push(name);
    else skipped.push({ backend: name, why, detail: probes[name]?.detail ?? "is not part of this build" });
  }
  const missing = skipped.find((skip) => skip.why === "missing");
  const hint = missing ? `to install ${missing.backend}, set ${installOption}` : void 0;
  if (candidates.length > 0) return { candidates, reason, skipped, ...hint ? { hint } : {} };
  if (hint) {
    throw new SelectionError(
      `no backend is installed here and install is ${request2.install}: ${reason}; ${describeSkipped(skipped)}; ${hint}`
    );
  }
  return { candidates: [order[0]], reason, skipped };
}
__name(selectBackends, "selectBackends");
function describeSkipped(skipped) {
  const missing = skipped.filter((skip) => skip.why === "missing");
  const unavailable = skipped.filter((skip) => skip.why === "unavailable");
  const list = /* @__PURE__ */ __name((skips) => skips.map((skip) => `${skip.backend} (${skip.detail})`).join(", "), "list");
  return [
    ...missing.length > 0 ? [`not installed, so skipped: ${list(missing)}`] : [],
    ...unavailable.length > 0 ? [`unavailable: ${list(unavailable)}`] : []
  ].join("; ");
}
__name(describeSkipped, "describeSkipped");
function describeChoice(selection, chosen, failures) {
  const skipped = describeSkipped(selection.skipped);
  const failed = failures.map((failure) => `${failure.backend} failed (${failure.message})`);
  const parts = [
    selection.reason,
    ...skipped ? [skipped] : [],
    ...failed,
    ...selection.hint ? [selection.hint] : []
  ];
  return `backend ${chosen} chosen: ${parts.join("; ")}`;
}
__name(describeChoice, "describeChoice");

// src/backends/warm-load.ts
async function measureWarmLoad(backend, first, model) {
  if (first.handle.pid === void 0) {
    return {
      measured: false,
      reason: `${backend.name} keeps the model in a server this run did not start, so a reload cannot be timed`
    };
  }
  await backend.stop(first.handle);
  const began = performance.now();
  const started = await backend.start(model);
  try {
    const endpoint = await started.ready();
    return { measured: true, ms: performance.now() - began, started, endpoint };
  } catch (error) {
    await backend.stop(started.handle);
    throw error;
  }
}
__name(measureWarmLoad, "measureWarmLoad");

// src/backends/setup.ts
function modelIdFor(ref) {
  const base = ref.kind === "registry" ? ref.repository.split("/").pop() : path11.basename(ref.path);
  return ref.tag === void 0 ? base : `${base}:${ref.tag}`;
}
__name(modelIdFor, "modelIdFor");
function createBackend(name, request2, context) {
  const factory = BACKENDS[name];
  if (!factory) throw new BackendError(name, "is not part of this build");
  return factory(request2.settings, context, request2.options);
}
__name(createBackend, "createBackend");
async function probeAll(request2, context) {
  const names = preferenceOrder(request2.selection).filter((name) => BACKENDS[name] !== void 0);
  const entries = await Promise.all(
    names.map(async (name) => [name, await createBackend(name, request2, context).probe()])
  );
  return Object.fromEntries(entries);
}
__name(probeAll, "probeAll");
async function choose(request2, context) {
  const selection = selectBackends(request2.selection, await probeAll(request2, context), request2.installOption);
  const failures = [];
  for (const [i, name] of selection.candidates.entries()) {
    const backend = createBackend(name, request2, context);
    try {
      await backend.prepare();
      context.log(describeChoice(selection, name, failures));
      return backend;
    } catch (error) {
      if (i === selection.candidates.length - 1) throw error;
      failures.push({ backend: name, message: describeError(error) });
    }
  }
  throw new BackendError("embedded", "no backend candidate to try");
}
__name(choose, "choose");
function seconds(since) {
  return Math.round((performance.now() - since) / 10) / 100;
}
__name(seconds, "seconds");
async function withFinalLog(error, handle) {
  if (!(error instanceof BackendError) || handle.logFile === void 0) return error;
  const tail = await logTail(handle.logFile);
  return error.withLogTail(tail === "" ? `(${handle.backend} wrote nothing to ${handle.logFile})` : tail);
}
__name(withFinalLog, "withFinalLog");
var UnservableModelError = class extends UsageError {
  static {
    __name(this, "UnservableModelError");
  }
};
function requireServableWeights(pulled) {
  if (pulled.weights === "gguf") return;
  const what = pulled.weights === "unknown" ? "weights of a format it does not name" : `${pulled.weights} weights`;
  throw new UnservableModelError(
    `no backend here serves this format: ${pulled.reference} holds ${what}; embedded, llama-server, Ollama and Docker Model Runner (llama.cpp) here serve GGUF models (pull, promote and revert work on any format)`
  );
}
__name(requireServableWeights, "requireServableWeights");
async function setupBackend(request2, context, hooks) {
  const started = performance.now();
  const pulling = request2.selection.backend === "openai" ? void 0 : hooks.pull(parseReference(request2.model));
  pulling?.catch(() => {
  });
  const backend = await choose(request2, context);
  const prepareSeconds = seconds(started);
  let pulled = backend.source === "store" ? await pulling : void 0;
  if (pulled) requireServableWeights(pulled.pulled);
  const pullSeconds = seconds(started);
  const modelFor = /* @__PURE__ */ __name(async (stored) => stored ? {
    kind: "store",
    store: await ModelStore.open({ dir: stored.store }),
    reference: pinReference(parseReference(request2.model), stored.digest),
    pulled: stored.pulled,
    modelId: modelIdFor(parseReference(request2.model))
  } : { kind: "endpoint", modelId: request2.model }, "modelFor");
  let model = await modelFor(pulled);
  let loadStarted = performance.now();
  let loaded = await startVerified(backend, model, hooks);
  if (loaded.damaged && model.kind === "store" && pulled) {
    pulled = await fetchDamagedAgain(loaded.damaged, model, pulled, { context, hooks });
    model = await modelFor(pulled);
    loadStarted = performance.now();
    loaded = await startVerified(backend, model, hooks);
  }
  if (loaded.damaged) {
    throw new DamagedModelError(
      `${loaded.damaged.map((d) => d.digest).join(", ")} changed in the store ${pulled?.store} while the model loaded`
    );
  }
  let { running: running2, endpoint } = loaded;
  const loadSeconds = seconds(loadStarted);
  let warmLoad;
  if (request2.warmLoad) {
    const warm = await measureWarmLoad(backend, running2, model);
    if (warm.measured) {
      ({ started: running2, endpoint } = warm);
      hooks.started(running2.handle);
      warmLoad = { measured: true, seconds: Math.round(warm.ms / 10) / 100 };
    } else {
      warmLoad = { measured: false, reason: warm.reason };
    }
  }
  return {
    backend: backend.name,
    endpoint,
    handle: running2.handle,
    ...pulled ? { digest: pulled.digest } : {},
    cacheHit: pulled?.cacheHit ?? false,
    loadSeconds,
    ...warmLoad ? { warmLoad } : {},
    pullSeconds,
    prepareSeconds
  };
}
__name(setupBackend, "setupBackend");
async function fetchDamagedAgain(damagedFiles, model, pulled, { context, hooks }) {
  const damaged = damagedFiles.map((d) => d.digest).join(", ");
  const where = `${formatReference(model.reference)} in the store ${pulled.store}`;
  (context.warn ?? context.log)(`${damaged} of ${where} did not match its digest: removed, fetching it again`);
  try {
    return await hooks.pull(model.reference);
  } catch (error) {
    throw new DamagedModelError(
      `${damaged} of ${where} does not match its digest and could not be fetched again: ${describeError(error)}`,
      { cause: error }
    );
  }
}
__name(fetchDamagedAgain, "fetchDamagedAgain");
var DamagedModelError = class extends CortexError {
  static {
    __name(this, "DamagedModelError");
  }
};
function servedBlobs(model) {
  return [model.pulled.manifest.config, ...model.pulled.manifest.layers];
}
__name(servedBlobs, "servedBlobs");
async function startVerified(backend, model, hooks) {
  const checking = model.kind === "store" ? model.store.verifyBlobs(servedBlobs(model)) : Promise.resolve([]);
  checking.catch(() => {
  });
  const running2 = await backend.start(model);
  hooks.started(running2.handle);
  const readying = running2.ready();
  readying.catch(() => {
  });
  let damaged;
  try {
    damaged = await checking;
  } catch (error) {
    await backend.stop(running2.handle);
    throw error;
  }
  if (damaged.length > 0) {
    await backend.stop(running2.handle);
    return { running: running2, damaged };
  }
  try {
    return { running: running2, endpoint: await readying };
  } catch (error) {
    await backend.stop(running2.handle);
    throw await withFinalLog(error, running2.handle);
  }
}
__name(startVerified, "startVerified");
async function stopBackend(handle, context) {
  const factory = BACKENDS[handle.backend];
  if (factory) await factory({ gpu: "none", port: 0, readyTimeoutMs: 0 }, context, {}).stop(handle);
}
__name(stopBackend, "stopBackend");

// src/backends/setup-request.ts
var DEFAULT_READY_TIMEOUT_SECONDS = 600;
function parseSetupSettings(source, env) {
  const backend = parseBackendChoice(source.value("backend") ?? "auto");
  const baseUrl = source.value("base-url");
  if (backend === "openai" && baseUrl === void 0) {
    throw new SettingError(
      `${source.label("base-url")} is required with backend openai (the existing endpoint's base URL)`
    );
  }
  const version = source.value("version");
  const threads = boundedSetting(source, "threads", BOUNDS.threads);
  const contextSize = boundedSetting(source, "context-size", BOUNDS.contextSize);
  const readySeconds = boundedSetting(source, "ready-timeout", BOUNDS.readyTimeoutSeconds) ?? DEFAULT_READY_TIMEOUT_SECONDS;
  return {
    model: requiredSetting(source, "model"),
    selection: {
      backend,
      strategy: resolveStrategy(source.value("strategy"), env),
      environment: resolveEnvironment(source.value("environment"), env),
      install: parseInstallPolicy(source.value("install"))
    },
    settings: {
      gpu: choiceSetting(source, "gpu", GPU_MODES, "none"),
      port: boundedSetting(source, "port", BOUNDS.listenPort) ?? 0,
      readyTimeoutMs: Math.round(1e3 * readySeconds),
      ...version === void 0 ? {} : { version },
      ...threads === void 0 ? {} : { threads },
      ...contextSize === void 0 ? {} : { contextSize }
    },
    ...baseUrl === void 0 ? {} : { baseUrl },
    warmLoad: booleanSetting(source, "warm-load", false)
  };
}
__name(parseSetupSettings, "parseSetupSettings");

export {
  logTail,
  setupBackend,
  stopBackend,
  parseSetupSettings
};
