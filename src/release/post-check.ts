import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";
import { describeError } from "../core/errors.js";
import type { ReleaseCheck, ReleaseSubject } from "../promote/release.js";

/**
 * The post-switch check of a release: a command run with the live reference in its environment (exit 0 is
 * healthy), or a URL that must answer 2xx within the timeout (polled, since a deployment that follows the
 * live tag takes a while to roll over).
 */

/** What the command finds in its environment. */
export function releaseEnvironment(subject: ReleaseSubject, channel: string): Record<string, string> {
  return {
    CORTEX_RELEASE_CHANNEL: channel,
    CORTEX_RELEASE_LIVE_REF: subject.tagReference,
    CORTEX_RELEASE_REF: subject.reference,
    CORTEX_RELEASE_DIGEST: subject.digest,
    CORTEX_RELEASE_PREVIOUS_DIGEST: subject.previous ?? "",
    CORTEX_RELEASE_COLOUR: subject.colour,
  };
}

function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  return lines[lines.length - 1]?.trim() ?? "";
}

export function commandCheck(
  command: string,
  options: { channel: string; env: NodeJS.ProcessEnv; cwd: string; timeoutMs: number; log?: (line: string) => void },
): ReleaseCheck {
  return async (subject) => {
    const run = await execa(command, {
      shell: true,
      cwd: options.cwd,
      env: { ...options.env, ...releaseEnvironment(subject, options.channel) },
      extendEnv: false,
      reject: false,
      timeout: options.timeoutMs,
      all: true,
      stdin: "ignore",
    });
    const output = String(run.all ?? "");
    if (output !== "") for (const line of output.split(/\r?\n/)) options.log?.(line);
    if (run.exitCode === 0) return { passed: true, detail: `post-check command passed` };
    const why = run.timedOut
      ? `timed out after ${options.timeoutMs / 1000} s`
      : run.exitCode === undefined
        ? `ended by ${run.signal ?? "a signal"}`
        : `exited ${run.exitCode}`;
    const said = lastLine(output);
    return { passed: false, detail: `post-check command ${why}${said ? `: ${said}` : ""}` };
  };
}

export function urlCheck(url: string, options: { timeoutMs: number; intervalMs?: number }): ReleaseCheck {
  return async () => {
    const deadline = Date.now() + options.timeoutMs;
    let last = "no answer";
    for (;;) {
      try {
        const left = Math.max(1, deadline - Date.now());
        const response = await fetch(url, { signal: AbortSignal.timeout(Math.min(left, 10_000)) });
        await response.body?.cancel();
        if (response.ok) return { passed: true, detail: `${url} answered ${response.status}` };
        last = `answered ${response.status}`;
      } catch (error) {
        // The deadline cutting the last attempt short says less than the answer before it.
        const cutShort = error instanceof DOMException && error.name === "TimeoutError" && last !== "no answer";
        if (!cutShort) last = describeError(error);
      }
      if (Date.now() >= deadline) {
        return { passed: false, detail: `${url} was not healthy within ${options.timeoutMs / 1000} s (${last})` };
      }
      await sleep(Math.min(options.intervalMs ?? 1000, Math.max(0, deadline - Date.now())));
    }
  };
}

/** `--post-check`: an http(s) URL is polled for health, anything else is a shell command. */
export function postCheck(
  spec: string,
  options: { channel: string; env: NodeJS.ProcessEnv; cwd: string; timeoutMs: number; log?: (line: string) => void },
): ReleaseCheck {
  return /^https?:\/\//i.test(spec) ? urlCheck(spec, options) : commandCheck(spec, options);
}
