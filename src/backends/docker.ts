import { promises as fs } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { type Reference, registryEndpoint } from "../core/ref.js";
import { dmrTagName, writeDmrView } from "../dmr/store-view.js";
import {
  type Backend,
  BackendError,
  type BackendFactory,
  type BackendHandle,
  type Endpoint,
  type GpuMode,
  type ModelRequest,
  type Probe,
  requireStoreModel,
  type StoreModel,
} from "./backend.js";
import { bodyLine, request } from "./http-probe.js";
import { currentPlatform, dockerModelRunnerSupport } from "./platform.js";
import { waitUntil } from "./process.js";

/**
 * Docker Model Runner: a runner container managed by Docker (`docker model install-runner`), answering on
 * localhost:12434. We start no process of our own: we install the plugin and runner when missing, hand the
 * model over (DMR pulls it by digest through POST /models/create, or reads it from its store, where we place
 * our store's bytes), and wait until a first request has loaded it.
 */

export const DMR_DEFAULT_ORIGIN = "http://localhost:12434";
/** The runner container and its store inside it (docker/model-runner's defaults on Docker Engine). */
export const DMR_CONTAINER = "docker-model-runner";
export const DMR_CONTAINER_STORE = "/models";

/** DMR's own variable for where its API is (the docker model CLI reads it too). */
export function dmrOrigin(env: NodeJS.ProcessEnv): string {
  return (env.MODEL_RUNNER_HOST ?? DMR_DEFAULT_ORIGIN).replace(/\/+$/, "");
}

export type Command = readonly [string, ...string[]];

export interface InstallFacts {
  /** apt has a candidate for docker-model-plugin (Docker's apt repository is configured). */
  readonly pluginAvailable: boolean;
  /** VERSION_CODENAME from /etc/os-release ("noble"). */
  readonly codename: string;
  /** dpkg's architecture ("amd64"). */
  readonly dpkgArch: string;
}

/** The commands that install the plugin from Docker's apt repository and start the runner container. */
export function dockerInstallSteps(gpu: GpuMode, facts: InstallFacts): Command[] {
  const repo = facts.pluginAvailable
    ? []
    : ([
        ["sudo", "install", "-m", "0755", "-d", "/etc/apt/keyrings"],
        ["sudo", "curl", "-fsSL", "https://download.docker.com/linux/ubuntu/gpg", "-o", "/etc/apt/keyrings/docker.asc"],
        [
          "sudo",
          "sh",
          "-c",
          `echo "deb [arch=${facts.dpkgArch} signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/ubuntu ${facts.codename} stable" > /etc/apt/sources.list.d/docker.list`,
        ],
      ] satisfies Command[]);
  return [
    ...repo,
    ["sudo", "apt-get", "update"],
    ["sudo", "apt-get", "install", "-y", "docker-model-plugin"],
    ["docker", "model", "install-runner", "--gpu", gpu],
  ];
}

/** How the model reaches DMR: pulled by DMR itself from a registry it can reach, or placed in its store. */
export type DmrLoadRoute = "registry" | "store";

/** Loopback registries and layouts are not reachable from inside the runner container: those go by store. */
export function dmrLoadRoute(reference: Reference): DmrLoadRoute {
  if (reference.kind === "layout") return "store";
  const host = registryEndpoint(reference.registry).replace(/:\d+$/, "");
  return host === "localhost" || host.startsWith("127.") || host === "[::1]" ? "store" : "registry";
}

/** What DMR is asked to pull: the repository at the pulled digest, nothing a tag could move. */
export function dmrPullReference(reference: Reference & { digest: string }): string {
  if (reference.kind === "layout") throw new BackendError("docker", "a layout model has no registry reference to pull");
  return `${reference.registry}/${reference.repository}@${reference.digest}`;
}

/** POST /models/create {"from": ref}: DMR streams NDJSON progress and ends with a success or an error line. */
export async function dmrCreateModel(
  origin: string,
  from: string,
  log: (line: string) => void,
  timeoutMs: number,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`${origin}/models/create`, {
      method: "POST",
      body: JSON.stringify({ from }),
      headers: { "content-type": "application/json" },
      signal: AbortSignal.timeout(timeoutMs),
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
        logTail: text.trim(),
      });
    }
    if (event.type === "success") succeeded = true;
    if (event.type === "progress" && event.message) log(event.message);
  }
  if (!succeeded) throw new BackendError("docker", `pulling ${from} ended without success`, { logTail: text.trim() });
}

/** The NDJSON lines of a create stream that parse; anything else DMR writes there is skipped. */
function progressEvents(text: string): { type?: string; message?: string }[] {
  return text.split("\n").flatMap((line) => {
    if (line.trim() === "") return [];
    try {
      return [JSON.parse(line) as { type?: string; message?: string }];
    } catch {
      return [];
    }
  });
}

/**
 * Ready = GET /models lists the model, then a one-token chat completion has loaded it (DMR loads lazily,
 * on the first request), within the timeout.
 */
export async function waitForDmr(origin: string, modelId: string, timeoutMs: number): Promise<void> {
  const started = Date.now();
  let lastListing = "";
  try {
    await waitUntil(
      async () => {
        const listing = await request(`${origin}/models`, { timeoutMs: 5_000 });
        lastListing = `HTTP ${listing.status} ${bodyLine(listing.body)}`;
        return listing.status === 200 && listsModel(listing.body, modelId) ? true : undefined;
      },
      { backend: "docker", timeoutMs, what: `GET /models to list ${modelId}`, intervalMs: 250 },
    );
  } catch (error) {
    throw new BackendError(
      "docker",
      `not ready after ${Math.round(timeoutMs / 1000)} s: Docker Model Runner does not list ${modelId}`,
      {
        cause: error,
        logTail: lastListing,
      },
    );
  }
  const answer = await request(`${origin}/engines/v1/chat/completions`, {
    json: { model: modelId, messages: [{ role: "user", content: "hi" }], max_tokens: 1 },
    timeoutMs: Math.max(1_000, timeoutMs - (Date.now() - started)),
  }).catch((error: unknown) => {
    throw new BackendError("docker", `loading ${modelId} failed: ${(error as Error).message}`, { cause: error });
  });
  if (answer.status !== 200) {
    throw new BackendError("docker", `loading ${modelId} failed: HTTP ${answer.status} ${bodyLine(answer.body)}`, {
      logTail: answer.body,
    });
  }
}

function listsModel(body: string, modelId: string): boolean {
  let models: { id?: string; tags?: string[] | null }[];
  try {
    const parsed = JSON.parse(body) as unknown;
    models = Array.isArray(parsed) ? parsed : [];
  } catch {
    return false;
  }
  const digest = modelId.includes("@") ? modelId.slice(modelId.indexOf("@") + 1) : undefined;
  return models.some((m) => m.id === modelId || m.id === digest || (m.tags ?? []).includes(modelId));
}

async function run(command: Command, timeoutMs = 600_000): Promise<void> {
  const result = await execa(command[0], command.slice(1), { reject: false, all: true, timeout: timeoutMs });
  if (result.exitCode !== 0) {
    throw new BackendError("docker", `${command.join(" ")} failed (exit ${result.exitCode ?? result.signal})`, {
      logTail: (result.all ?? "").split("\n").slice(-40).join("\n"),
    });
  }
}

async function succeeds(command: Command): Promise<boolean> {
  const result = await execa(command[0], command.slice(1), { reject: false, timeout: 20_000 });
  return result.exitCode === 0;
}

async function installFacts(): Promise<InstallFacts> {
  const policy = await execa("apt-cache", ["policy", "docker-model-plugin"], { reject: false });
  const release = await fs.readFile("/etc/os-release", "utf8").catch(() => "");
  const dpkg = await execa("dpkg", ["--print-architecture"], { reject: false });
  return {
    pluginAvailable: /Candidate: (?!\(none\))/.test(policy.stdout ?? ""),
    codename: /^VERSION_CODENAME=(.*)$/m.exec(release)?.[1]?.trim() ?? "noble",
    dpkgArch: (dpkg.stdout ?? "").trim() || "amd64",
  };
}

export const createDockerBackend: BackendFactory = (settings, context): Backend => {
  const origin = dmrOrigin(context.env);

  /** Places the model in DMR's store: MODELS_PATH when DMR runs natively, else the runner container's /models. */
  async function loadFromStore(model: StoreModel): Promise<string> {
    const tag = dmrTagName(model.reference);
    const native = context.env.MODELS_PATH;
    if (native) {
      await writeDmrView({ store: model.store, pulled: model.pulled, storeDir: native, tags: [tag] });
      return tag;
    }
    const storeDir = path.join(context.workDir, "dmr-store");
    await fs.mkdir(storeDir, { recursive: true });
    // Merge with the runner's index so its other models survive; a fresh runner has none yet.
    await execa(
      "docker",
      ["cp", `${DMR_CONTAINER}:${DMR_CONTAINER_STORE}/models.json`, path.join(storeDir, "models.json")],
      {
        reject: false,
      },
    );
    await writeDmrView({ store: model.store, pulled: model.pulled, storeDir, tags: [tag] });
    await run(["docker", "cp", `${storeDir}/.`, `${DMR_CONTAINER}:${DMR_CONTAINER_STORE}/`]);
    return tag;
  }

  return {
    name: "docker",
    source: "store",
    async probe(): Promise<Probe> {
      if (await succeeds(["docker", "model", "version"])) {
        const answering = await request(`${origin}/models`, { timeoutMs: 2_000 }).catch(() => undefined);
        return answering?.status === 200
          ? { availability: "running", detail: `Docker Model Runner answers at ${origin}` }
          : { availability: "installed", detail: "docker model version succeeded" };
      }
      const unsupported = dockerModelRunnerSupport(currentPlatform());
      if (unsupported) return { availability: "unavailable", detail: unsupported.reason };
      if ((await succeeds(["docker", "version"])) && (await succeeds(["apt-get", "--version"]))) {
        return {
          availability: "installable",
          detail: "docker model is missing; docker-model-plugin can be installed with apt",
        };
      }
      return {
        availability: "unavailable",
        detail: "no docker model command and no Docker Engine with apt to install it",
      };
    },
    async prepare() {
      if (!(await succeeds(["docker", "model", "version"]))) {
        // Named explicitly on a runner without Docker Engine: the one line, not apt's failure.
        const unsupported = dockerModelRunnerSupport(currentPlatform());
        if (unsupported) throw new BackendError("docker", unsupported.reason);
        for (const step of dockerInstallSteps(settings.gpu, await installFacts())) {
          context.log(step.join(" "));
          await run(step);
        }
        return;
      }
      // The plugin may be there without a runner (install-runner is idempotent).
      if (!(await request(`${origin}/models`, { timeoutMs: 2_000 }).catch(() => undefined))) {
        await run(["docker", "model", "install-runner", "--gpu", settings.gpu]);
      }
    },
    async start(request: ModelRequest) {
      const model = requireStoreModel("docker", request);
      const route = dmrLoadRoute(model.reference);
      let modelId: string;
      if (route === "registry") {
        modelId = dmrPullReference(model.reference);
        await dmrCreateModel(origin, modelId, context.log, settings.readyTimeoutMs);
      } else {
        modelId = await loadFromStore(model);
      }
      const handle: BackendHandle = { backend: "docker", extra: { origin, modelId, route } };
      return {
        handle,
        async ready(): Promise<Endpoint> {
          await waitForDmr(origin, modelId, settings.readyTimeoutMs);
          return { baseUrl: `${origin}/engines/v1`, modelId };
        },
      };
    },
    // The runner container belongs to Docker, not to this job: nothing of ours to stop.
    async stop() {},
  };
};
