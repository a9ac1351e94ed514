import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
// @ts-expect-error: a plain ESM script without types
import { rootActionText } from "../../../scripts/root-action.mjs";

// One publishing scheme (docs/github.md#publishing): the repository is cortex/setup-model, its root action.yml
// is setup-model, every sibling is `cortex/setup-model/actions/<name>@v1`.
const root = path.resolve(import.meta.dirname, "../../..");
const REPOSITORY = "cortex/setup-model";
const MAJOR = "v1";
const actionNames = readdirSync(path.join(root, "actions")).filter((name) =>
  existsSync(path.join(root, "actions", name, "action.yml")),
);

/** Why a `uses:` value that names this suite breaks the scheme; undefined when it follows it or is not ours. */
function schemeProblem(uses: string): string | undefined {
  if (!uses.startsWith("cortex/")) return undefined;
  const match = /^cortex\/setup-model(?:\/actions\/([^@]+))?@(.+)$/.exec(uses);
  if (!match) return `${uses}: not ${REPOSITORY}@${MAJOR} or ${REPOSITORY}/actions/<name>@${MAJOR}`;
  const [, name, version] = match;
  if (version !== MAJOR) return `${uses}: pinned to ${version}, not the major tag ${MAJOR}`;
  if (name !== undefined && name !== "<name>" && !actionNames.includes(name)) return `${uses}: no action ${name}`;
  return undefined;
}

const read = (relative: string) => readFileSync(path.join(root, relative), "utf8");
const filesIn = (dir: string, extension: string) =>
  readdirSync(path.join(root, dir))
    .filter((name) => name.endsWith(extension))
    .map((name) => `${dir}/${name}`);

/** Every `uses:` written in prose or code blocks of a Markdown file. */
function usesInMarkdown(text: string): string[] {
  return [...text.matchAll(/uses:\s*["']?([^\s"'`]+)/g)].map((m) => m[1] as string);
}

/** Every step's `uses:` of a workflow or a composite action. */
function usesInYaml(text: string): string[] {
  const document = parse(text) as {
    jobs?: Record<string, { uses?: string; steps?: { uses?: string }[] }>;
    runs?: { steps?: { uses?: string }[] };
  };
  const jobs = Object.values(document.jobs ?? {});
  const steps = [...jobs.flatMap((job) => job.steps ?? []), ...(document.runs?.steps ?? [])];
  return [...jobs.map((job) => job.uses), ...steps.map((step) => step.uses)].filter(
    (uses): uses is string => uses !== undefined,
  );
}

describe("the publishing scheme", () => {
  it("accepts the front door and existing siblings at the major tag, and nothing else of ours", () => {
    expect(schemeProblem("cortex/setup-model@v1")).toBeUndefined();
    expect(schemeProblem("cortex/setup-model/actions/pull-model@v1")).toBeUndefined();
    expect(schemeProblem("actions/checkout@v4")).toBeUndefined();
    expect(schemeProblem("cortex/cortex-model-ci/actions/pull-model@v1")).toMatch(/not cortex\/setup-model@v1/);
    expect(schemeProblem("cortex/pull-model@v1")).toMatch(/not cortex\/setup-model@v1/);
    expect(schemeProblem("cortex/setup-model/actions/scan-it@v1")).toMatch(/no action scan-it/);
    expect(schemeProblem("cortex/setup-model@main")).toMatch(/pinned to main/);
  });

  const markdown = ["README.md", ...filesIn("docs", ".md")];
  it.each(markdown)("%s references the actions by the scheme", (file) => {
    const uses = usesInMarkdown(read(file));
    expect(uses.map(schemeProblem).filter(Boolean)).toEqual([]);
    expect(read(file)).not.toMatch(/cortex\/cortex-model-ci\//);
  });

  const yamlFiles = [
    ...filesIn("examples/workflows", ".yml"),
    ...filesIn(".github/workflows", ".yml"),
    ...actionNames.map((name) => `actions/${name}/action.yml`),
  ];
  it.each(yamlFiles)("%s uses the actions by the scheme", (file) => {
    const uses = usesInYaml(read(file));
    const local = uses.filter((u) => u.startsWith("./"));
    // Only this repository's own workflows may run its checkout (`uses: ./`); elsewhere ./ is the caller's.
    if (!file.startsWith(".github/")) expect(local).toEqual([]);
    expect(uses.map(schemeProblem).filter(Boolean)).toEqual([]);
  });

  it("is followed by the README's first example, the product's front door", () => {
    expect(usesInMarkdown(read("README.md"))).toContain(`${REPOSITORY}@${MAJOR}`);
  });
});

describe("the root action.yml", () => {
  it("is actions/setup-model/action.yml with its entries relative to the repository root", () => {
    const generated = rootActionText(read("actions/setup-model/action.yml")) as string;
    expect(read("action.yml")).toBe(generated);
    const rootAction = parse(read("action.yml")) as { runs: Record<string, string> };
    const setupModel = parse(read("actions/setup-model/action.yml")) as { runs: Record<string, string> };
    expect({ ...rootAction, runs: undefined }).toEqual({ ...setupModel, runs: undefined });
    expect(rootAction.runs).toEqual({
      ...setupModel.runs,
      main: `actions/setup-model/${setupModel.runs.main}`,
      post: `actions/setup-model/${setupModel.runs.post}`,
    });
    expect(existsSync(path.join(root, "actions", "setup-model", "main.ts"))).toBe(true);
  });

  it("rewrites only the entry paths under runs", () => {
    const text =
      "name: x\ninputs:\n  main:\n    description: main: dist/x\nruns:\n  using: node24\n  main: 'dist/a.js'\n";
    expect(rootActionText(text)).toContain("    description: main: dist/x\n");
    expect(rootActionText(text)).toContain("  main: 'actions/setup-model/dist/a.js'\n");
  });
});

// The colours and a few of the Feather icons GitHub Marketplace accepts.
const BRANDING_COLORS = ["white", "black", "yellow", "blue", "green", "orange", "red", "purple", "gray-dark"];

describe.each(["action.yml", ...actionNames.map((name) => `actions/${name}/action.yml`)])("%s", (file) => {
  it("has Marketplace branding: an icon and an accepted colour", () => {
    const branding = (parse(read(file)) as { branding?: { icon?: string; color?: string } }).branding;
    expect(branding?.icon).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(BRANDING_COLORS).toContain(branding?.color);
  });
});
