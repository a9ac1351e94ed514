#!/usr/bin/env node
// Bundles every actions/<name>/main.ts into actions/<name>/dist with ncc, and every other actions/<name>/<x>.ts
// (a runtime the action runs as a child process, like setup-model's serve) into actions/<name>/dist/<x>.
// node-llama-cpp is always external: it is installed on demand where it runs, never shipped in a bundle.
// With --check, bundles into a temporary directory instead and fails when the committed bundle differs.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const check = process.argv.includes("--check");
const actionsDir = path.join(root, "actions");
const names = readdirSync(actionsDir).filter((name) => existsSync(path.join(actionsDir, name, "main.ts")));
const ncc = path.join(root, "node_modules", "@vercel", "ncc", "dist", "ncc", "cli.js");

function listFiles(dir, prefix = "") {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

let stale = 0;
for (const name of names) {
  const entry = path.join(actionsDir, name, "main.ts");
  const committed = path.join(actionsDir, name, "dist");
  const out = check ? mkdtempSync(path.join(tmpdir(), `bundle-${name}-`)) : committed;
  if (!check) rmSync(committed, { recursive: true, force: true });
  const extras = readdirSync(path.join(actionsDir, name)).filter((file) => file.endsWith(".ts") && file !== "main.ts");
  for (const [source, dir] of [
    [entry, out],
    ...extras.map((file) => [path.join(actionsDir, name, file), path.join(out, file.replace(/\.ts$/, ""))]),
  ]) {
    execFileSync(
      process.execPath,
      [ncc, "build", source, "-o", dir, "--quiet", "--license", "licenses.txt", "-e", "node-llama-cpp"],
      { cwd: root, stdio: "inherit" },
    );
  }
  if (check) {
    const fresh = listFiles(out);
    const old = listFiles(committed);
    const differing = [...new Set([...fresh, ...old])].filter((file) => {
      const a = path.join(out, file);
      const b = path.join(committed, file);
      return !existsSync(a) || !existsSync(b) || !readFileSync(a).equals(readFileSync(b));
    });
    if (differing.length > 0) {
      stale++;
      console.error(`actions/${name}/dist differs from a fresh build: ${differing.join(", ")}`);
    }
    rmSync(out, { recursive: true, force: true });
  }
  console.log(`${check ? "checked" : "bundled"} actions/${name}`);
}
if (stale > 0) {
  console.error(`${stale} action bundle(s) are stale: run npm run bundle and commit actions/*/dist`);
  process.exit(1);
}
