import type { BackendName } from "./backend.js";
import { platformPackage } from "./embedded-runtime.js";
import { LLAMA_SERVER_DEFAULT_TAG, llamaServerRelease } from "./llama-server.js";
import { OLLAMA_DEFAULT_VERSION, ollamaRelease } from "./ollama.js";
import { dockerModelRunnerSupport, type RunnerPlatform, UnsupportedPlatform } from "./platform.js";

/**
 * Which backend setup-model can install and run on which runner, from the same platform functions the
 * backends call: the table the README shows and the end-to-end workflow's matrix is checked against.
 */

/** GitHub's hosted runners the project runs on, by their `runs-on` label. */
export const HOSTED_RUNNERS: Readonly<Record<string, RunnerPlatform>> = {
  "ubuntu-24.04": { os: "linux", arch: "x64" },
  "ubuntu-24.04-arm": { os: "linux", arch: "arm64" },
  "macos-14": { os: "darwin", arch: "arm64" },
  "windows-2022": { os: "win32", arch: "x64" },
};

/** The backends that run a program of their own on the runner (openai only calls an endpoint given to it). */
export const RUNNER_BACKENDS = [
  "embedded",
  "ollama",
  "llama-server",
  "docker",
] as const satisfies readonly BackendName[];
export type RunnerBackend = (typeof RUNNER_BACKENDS)[number];

/** Undefined when the backend runs on the platform (at its default version), else the one line saying why not. */
export function backendSupport(backend: RunnerBackend, platform: RunnerPlatform): UnsupportedPlatform | undefined {
  switch (backend) {
    case "embedded":
      try {
        platformPackage("none", platform.os, platform.arch);
        return undefined;
      } catch (error) {
        return new UnsupportedPlatform((error as Error).message);
      }
    case "ollama":
      return unsupported(ollamaRelease(OLLAMA_DEFAULT_VERSION, platform));
    case "llama-server":
      return unsupported(llamaServerRelease(LLAMA_SERVER_DEFAULT_TAG, platform));
    case "docker":
      return dockerModelRunnerSupport(platform);
  }
}

function unsupported(release: object): UnsupportedPlatform | undefined {
  return release instanceof UnsupportedPlatform ? release : undefined;
}
