import type { CommandEntry } from "../command.js";

/**
 * Every command of the CLI, in the order `cortex-model help` lists them. Each module is imported only when
 * its command runs: some pull in large dependencies, and a warm pull must not pay for loading them all.
 */
export const commands: readonly CommandEntry[] = [
  { name: "pull", load: async () => (await import("./pull.js")).pullCommand },
  { name: "inspect", load: async () => (await import("./inspect.js")).inspectCommand },
  { name: "verify", load: async () => (await import("./verify.js")).verifyCommand },
  { name: "package", load: async () => (await import("./package.js")).packageCommand },
  { name: "synth", load: async () => (await import("./synth.js")).synth },
  { name: "serve", load: async () => (await import("./serve.js")).serve },
  { name: "setup", load: async () => (await import("./setup.js")).setup },
  { name: "test", load: async () => (await import("./test.js")).test },
  { name: "bench", load: async () => (await import("./bench.js")).bench },
  { name: "promote", load: async () => (await import("./promote.js")).promoteCommand },
  { name: "revert", load: async () => (await import("./revert.js")).revertCommand },
  { name: "release", load: async () => (await import("./release.js")).releaseCommand },
  { name: "history", load: async () => (await import("./history.js")).historyCommand },
  { name: "scan", load: async () => (await import("./scan.js")).scanCommand },
  { name: "publish-result", load: async () => (await import("./publish-result.js")).publishResultCommand },
  { name: "sign", load: async () => (await import("./sign.js")).signCommand },
  { name: "verify-signature", load: async () => (await import("./verify-signature.js")).verifySignatureCommand },
  { name: "migrate", load: async () => (await import("./migrate.js")).migrateCommand },
  { name: "demo", load: async () => (await import("./demo.js")).demo },
  { name: "version", load: async () => (await import("./version.js")).version },
];
