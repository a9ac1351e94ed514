#!/usr/bin/env node
// Bundles every action in one esbuild pass. Entries: each actions/<name>/main.ts, and every other
// actions/<name>/<x>.ts (a runtime the action starts as a child process, like setup-model's serve) as <name>-<x>.
// The output is one flat directory, dist/ at the repository root: an ES module per entry plus the chunks the
// entries share, the files the code opens beside itself (schemas), and licenses.txt for the bundled packages.
// Each action keeps actions/<name>/dist/index.js, one import of its entry, so action.yml paths stay inside the
// action; the runner downloads the whole repository, so the shared directory is always there.
// Everything ends in .mjs: the files are ES modules wherever they are copied (serve's runtime is copied into the
// tool cache, where no package.json says "type": "module").
// node-llama-cpp is always external: it is installed on demand where it runs, never shipped in a bundle.
// With --check, builds in memory and fails listing the files that differ from the committed ones.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
const check = process.argv.includes("--check");
const actionsDir = path.join(root, "actions");
const sharedDir = path.join(root, "dist");

const names = readdirSync(actionsDir)
  .filter((name) => existsSync(path.join(actionsDir, name, "main.ts")))
  .sort();
const entryPoints = names.flatMap((name) => [
  { in: path.join(actionsDir, name, "main.ts"), out: name },
  ...readdirSync(path.join(actionsDir, name))
    .filter((file) => file.endsWith(".ts") && file !== "main.ts")
    .sort()
    .map((file) => ({ in: path.join(actionsDir, name, file), out: `${name}-${file.replace(/\.ts$/, "")}` })),
]);

/**
 * Files a module opens beside itself (`new URL("../../schemas/x.json", import.meta.url)`) are copied into the
 * output and the URL pointed at the copy; esbuild leaves such URLs alone, and from dist/ they would point
 * nowhere. Only URLs naming an existing file are moved; directories (the demo's examples) are left as written.
 */
function assets(found) {
  return {
    name: "assets",
    setup(esbuild) {
      esbuild.onLoad({ filter: /[/\\]src[/\\].*\.ts$/ }, (args) => {
        const source = readFileSync(args.path, "utf8");
        if (!source.includes("import.meta.url")) return undefined;
        const contents = source.replace(/new URL\("(\.\.\/[^"]+)", import\.meta\.url\)/g, (literal, relative) => {
          const file = path.resolve(path.dirname(args.path), relative);
          if (relative.endsWith("/") || !existsSync(file)) return literal;
          const name = path.basename(file);
          if (found.has(name) && found.get(name) !== file) throw new Error(`two assets named ${name}`);
          found.set(name, file);
          return `new URL("./${name}", import.meta.url)`;
        });
        return { contents, loader: "ts" };
      });
    },
  };
}

/**
 * An optional peer dependency that is not installed stays a runtime import: the library that names it tries
 * it and does without (CycloneDX's XML and validation plugins). Any other import that does not resolve fails
 * the build.
 */
function optionalPeers() {
  return {
    name: "optional-peers",
    setup(esbuild) {
      esbuild.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === "resolving") return undefined;
        const { kind, resolveDir, importer } = args;
        const result = await esbuild.resolve(args.path, { kind, resolveDir, importer, pluginData: "resolving" });
        if (result.errors.length === 0) return result;
        return isOptionalPeer(importer, args.path) ? { path: args.path, external: true } : undefined;
      });
    },
  };
}

function isOptionalPeer(importer, specifier) {
  const name = specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");
  for (let dir = path.dirname(importer); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8"));
    if (pkg.name === undefined) continue;
    return pkg.peerDependenciesMeta?.[name]?.optional === true;
  }
  return false;
}

/** The licence of every package the bundle holds code from, with its licence file's text, sorted by name. */
function licenses(inputs) {
  const packages = new Map();
  for (const input of Object.keys(inputs)) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packages.set(match[1], path.join(root, match[1]));
  }
  const sections = [...packages.values()].map((dir) => {
    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
    const file = readdirSync(dir)
      .sort()
      .find((name) => /^(licen[cs]e|copying)(\.|$)/i.test(name));
    const text = file ? readFileSync(path.join(dir, file), "utf8").trim() : "";
    return { key: `${pkg.name}@${pkg.version}`, text: [`${pkg.name}@${pkg.version}`, pkg.license ?? "", text] };
  });
  const unique = new Map(sections.map((section) => [section.key, section.text.filter(Boolean).join("\n")]));
  return `${[...unique.keys()]
    .sort()
    .map((key) => unique.get(key))
    .join("\n\n")}\n`;
}

const found = new Map();
const started = performance.now();
const result = await build({
  absWorkingDir: root,
  entryPoints,
  outdir: sharedDir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outExtension: { ".js": ".mjs" },
  chunkNames: "chunk-[hash]",
  external: ["node-llama-cpp"],
  // Error classes name themselves after their constructor; esbuild would otherwise rename clashing classes.
  keepNames: true,
  legalComments: "none",
  // CommonJS dependencies require Node's built-in modules; an ES module has no require of its own.
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);',
  },
  metafile: true,
  write: false,
  logLevel: "warning",
  plugins: [assets(found), optionalPeers()],
});

/** Every file the build makes, by path relative to the repository root. */
const files = new Map(result.outputFiles.map((file) => [path.relative(root, file.path), Buffer.from(file.contents)]));
for (const [name, file] of found) files.set(path.join("dist", name), readFileSync(file));
files.set(path.join("dist", "licenses.txt"), Buffer.from(licenses(result.metafile.inputs)));
for (const name of names) {
  files.set(
    path.join("actions", name, "dist", "index.js"),
    Buffer.from(
      `// Generated by npm run bundle: the action's code is in the repository's shared dist/.\nimport "../../../dist/${name}.mjs";\n`,
    ),
  );
}

function listFiles(dir) {
  if (!existsSync(path.join(root, dir))) return [];
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
  );
}
const committed = ["dist", ...names.map((name) => path.join("actions", name, "dist"))].flatMap(listFiles);

if (check) {
  const differing = [...new Set([...files.keys(), ...committed])]
    .filter(
      (file) =>
        !files.has(file) || !committed.includes(file) || !files.get(file).equals(readFileSync(path.join(root, file))),
    )
    .sort();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (differing.length > 0) {
    console.error(`these bundle files differ from a fresh build:\n  ${differing.join("\n  ")}`);
    console.error("run npm run bundle and commit dist/ and actions/*/dist");
    process.exit(1);
  }
  console.log(`checked ${files.size} bundle files of ${names.length} actions in ${seconds} s`);
} else {
  for (const dir of ["dist", ...names.map((name) => path.join("actions", name, "dist"))]) {
    rmSync(path.join(root, dir), { recursive: true, force: true });
  }
  for (const [file, contents] of files) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), contents);
  }
  console.log(`bundled ${names.length} actions into ${files.size} files`);
}
