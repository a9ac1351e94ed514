import { promises as fs } from "node:fs";
import net from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BackendError } from "../../../src/backends/backend.js";
import {
  dmrCreateModel,
  dmrLoadRoute,
  dmrOrigin,
  dmrPullReference,
  dockerInstallSteps,
  waitForDmr,
} from "../../../src/backends/docker.js";
import { waitForLlamaServer } from "../../../src/backends/llama-server.js";
import { waitForOllama } from "../../../src/backends/ollama.js";
import { choosePort } from "../../../src/backends/port.js";
import { spawnBackendProcess, stopProcessGroup } from "../../../src/backends/process.js";
import { isAlive } from "../../../src/core/process-alive.js";
import { parseReference } from "../../../src/core/ref.js";
import { startDmrApiServer } from "../../helpers/dmr-api-server.js";
import { startOllamaApiServer } from "../../helpers/ollama-api-server.js";
import { useTempDir } from "../../helpers/temp-dir.js";

const DIGEST = `sha256:${"c".repeat(64)}`;

describe("ollama backend against the Ollama API protocol test server", () => {
  it("waits for /api/version, then loads the model through /api/generate with keep_alive and options", async () => {
    const server = await startOllamaApiServer();
    try {
      server.versionFailures = 2;
      server.models.add("127.0.0.1:5000/team/ka:v1");
      await waitForOllama({
        origin: server.origin,
        modelId: "127.0.0.1:5000/team/ka:v1",
        timeoutMs: 5_000,
        threads: 2,
        contextSize: 512,
      });
      expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        "GET /api/version",
        "GET /api/version",
        "GET /api/version",
        "POST /api/generate",
      ]);
      expect(JSON.parse(server.requests.at(-1)?.body ?? "")).toEqual({
        model: "127.0.0.1:5000/team/ka:v1",
        keep_alive: "30m",
        options: { num_thread: 2, num_ctx: 512 },
      });
    } finally {
      await server.close();
    }
  });

  it("names the model and Ollama's answer when the model does not load", async () => {
    const server = await startOllamaApiServer();
    try {
      const error = await waitForOllama({ origin: server.origin, modelId: "missing:v1", timeoutMs: 5_000 }).catch(
        (e) => e,
      );
      expect(error).toBeInstanceOf(BackendError);
      expect(error.message).toBe(
        `ollama backend: loading missing:v1 failed: HTTP 404 {"error":"model 'missing:v1' not found"}`,
      );
    } finally {
      await server.close();
    }
  });
});

describe("docker backend against the DMR API protocol test server", () => {
  it("pulls by digest through /models/create, then waits for /models and a first completion", async () => {
    const server = await startDmrApiServer();
    try {
      const from = dmrPullReference({ ...parseReference("ghcr.io/org/model:v1"), digest: DIGEST } as never);
      expect(from).toBe(`ghcr.io/org/model@${DIGEST}`);
      const progress: string[] = [];
      await dmrCreateModel(server.origin, from, (l) => progress.push(l), 5_000);
      await waitForDmr(server.origin, from, 5_000);
      expect(progress).toEqual(["Downloaded: 1.00 MB"]);
      expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        "POST /models/create",
        "GET /models",
        "POST /engines/v1/chat/completions",
      ]);
      expect(JSON.parse(server.requests[0]?.body ?? "")).toEqual({ from });
      expect(JSON.parse(server.requests[2]?.body ?? "")).toMatchObject({ model: from, max_tokens: 1 });
    } finally {
      await server.close();
    }
  });

  it("reports DMR's error line from the NDJSON stream", async () => {
    const server = await startDmrApiServer();
    try {
      server.refuse.add("ghcr.io/org/private@x");
      const error = await dmrCreateModel(server.origin, "ghcr.io/org/private@x", () => {}, 5_000).catch((e) => e);
      expect(error.message).toBe("docker backend: pulling ghcr.io/org/private@x failed: unauthorized");
      expect(error.logTail).toContain('"type":"error"');
    } finally {
      await server.close();
    }
  });

  it("times out naming the model when DMR never lists it, with its last answer as the log tail", async () => {
    const server = await startDmrApiServer();
    try {
      const error = await waitForDmr(server.origin, "localhost/ka:v1", 600).catch((e) => e);
      expect(error).toBeInstanceOf(BackendError);
      expect(error.message).toMatch(
        /^docker backend: not ready after \d+ s: Docker Model Runner does not list localhost\/ka:v1$/,
      );
      expect(error.logTail).toBe("HTTP 200 []");
      server.models.push({ id: DIGEST, tags: ["localhost/ka:v1"] });
      await waitForDmr(server.origin, "localhost/ka:v1", 2_000);
    } finally {
      await server.close();
    }
  });

  it("loads loopback and layout models through its store, others from the registry", () => {
    expect(dmrLoadRoute(parseReference("127.0.0.1:5000/team/ka:v1"))).toBe("store");
    expect(dmrLoadRoute(parseReference("localhost:5000/ka"))).toBe("store");
    expect(dmrLoadRoute(parseReference("oci:/tmp/layout:v1"))).toBe("store");
    expect(dmrLoadRoute(parseReference("ai/smollm2"))).toBe("registry");
    expect(dmrOrigin({})).toBe("http://localhost:12434");
    expect(dmrOrigin({ MODEL_RUNNER_HOST: "http://127.0.0.1:9/" })).toBe("http://127.0.0.1:9");
  });

  it("installs the plugin from Docker's apt repository, adding the repository only when apt lacks it", () => {
    const facts = { pluginAvailable: true, codename: "noble", dpkgArch: "amd64" };
    expect(dockerInstallSteps("none", facts)).toEqual([
      ["sudo", "apt-get", "update"],
      ["sudo", "apt-get", "install", "-y", "docker-model-plugin"],
      ["docker", "model", "install-runner", "--gpu", "none"],
    ]);
    const withRepo = dockerInstallSteps("cuda", { ...facts, pluginAvailable: false });
    expect(withRepo).toHaveLength(6);
    expect(withRepo[2]?.at(-1)).toBe(
      'echo "deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/ubuntu noble stable" > /etc/apt/sources.list.d/docker.list',
    );
    expect(withRepo.at(-1)).toEqual(["docker", "model", "install-runner", "--gpu", "cuda"]);
  });
});

describe("faults: ports and backend processes", () => {
  const temp = useTempDir("cortex-backend-faults-");

  it("reports a port in use as such", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const error = await choosePort("llama-server", port).catch((e) => e);
      expect(error.message).toBe(`llama-server backend: port ${port} on 127.0.0.1 is in use by another program`);
      expect(await choosePort("llama-server", 0)).toBeGreaterThan(0);
    } finally {
      blocker.close();
    }
  });

  // Fault stand-ins, not llama-server or Ollama: real processes that fail the way a server can.
  it("a server process that dies while loading: the exit code and its last log lines", async () => {
    const spawned = await spawnBackendProcess({
      backend: "ollama",
      lifetime: "detached",
      command: process.execPath,
      args: [
        "-e",
        "console.error('loading model'); setTimeout(() => { console.error('error: out of memory'); process.exit(3); }, 200)",
      ],
      logFile: path.join(temp(), "ollama.log"),
    });
    const error = await waitForOllama({
      origin: "http://127.0.0.1:9",
      modelId: "m",
      timeoutMs: 10_000,
      process: spawned,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error.message).toBe(
      "ollama backend: the server exited (code 3) while waiting for GET /api/version to answer 200: error: out of memory",
    );
    expect(error.logTail).toBe("loading model\nerror: out of memory");
  });

  it("a server that never becomes ready: a timeout naming what it waited for, the log tail, and nothing left after stop", async () => {
    const script = path.join(temp(), "never-ready.cjs");
    await fs.writeFile(
      script,
      `const http = require("node:http");
       const { spawn } = require("node:child_process");
       spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
       process.on("SIGTERM", () => {});
       http.createServer((q, s) => { s.writeHead(503); s.end('{"error":"Loading model"}'); }).listen(Number(process.argv[2]), "127.0.0.1", () => console.log("still loading"));`,
    );
    const port = await choosePort("llama-server", 0);
    const spawned = await spawnBackendProcess({
      backend: "llama-server",
      lifetime: "detached",
      command: process.execPath,
      args: [script, String(port)],
      logFile: path.join(temp(), "llama-server.log"),
    });
    try {
      const error = await waitForLlamaServer(`http://127.0.0.1:${port}`, 1_500, spawned).catch((e) => e);
      expect(error.message).toBe("llama-server backend: not ready after 1.5 s: waiting for GET /health to answer 200");
      expect(error.logTail).toBe("still loading");
    } finally {
      // Even when an expectation fails: the server ignores SIGTERM and its child would outlive the run.
      await stopProcessGroup(spawned.pid, 500);
    }
    expect(isAlive(spawned.pid)).toBe(false);
    expect(() => process.kill(-spawned.pid, 0)).toThrow();
  });
});
