import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(import.meta.dirname, "../../src");
const UNIT = import.meta.dirname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** The top folder under src/ a file belongs to; files directly in src/ belong to "." */
function folderOf(file: string): string {
  const parts = path.relative(SRC, file).split(path.sep);
  return parts.length === 1 ? "." : (parts[0] as string);
}

/** Folder-level import edges, each with one file import that makes it (for the failure message). */
function folderEdges(files: readonly string[]): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const file of files) {
    const source = readFileSync(file, "utf8");
    for (const match of source.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
      const target = path.resolve(path.dirname(file), (match[1] as string).replace(/\.js$/, ".ts"));
      const [from, to] = [folderOf(file), folderOf(target)];
      if (from === to) continue;
      const out = edges.get(from) ?? new Map<string, string>();
      if (!out.has(to)) out.set(to, `${path.relative(SRC, file)} imports ${path.relative(SRC, target)}`);
      edges.set(from, out);
    }
  }
  return edges;
}

/** Every cycle's folders, found as the strongly connected components of more than one folder (Tarjan). */
function cycles(edges: Map<string, Map<string, string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  // biome-ignore lint/complexity/noExcessiveCognitiveComplexity: Tarjan's algorithm, kept in its textbook shape so it can be checked against the textbook
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe("source folders", () => {
  const edges = folderEdges(sourceFiles(SRC));

  it("import each other without a cycle", () => {
    const described = cycles(edges).map((component) =>
      component
        .flatMap((from) =>
          [...(edges.get(from) ?? [])].filter(([to]) => component.includes(to)).map(([, example]) => example),
        )
        .join("; "),
    );
    expect(described).toEqual([]);
  });

  it("keep files only inside folders", () => {
    expect(sourceFiles(SRC).filter((file) => folderOf(file) === ".")).toEqual([]);
  });

  it("keep @actions/* in the two shells", () => {
    const leaks = sourceFiles(SRC)
      .filter((file) => !["github", "cli"].includes(folderOf(file)))
      .filter((file) => /from "@actions\//.test(readFileSync(file, "utf8")))
      .map((file) => path.relative(SRC, file));
    expect(leaks).toEqual([]);
  });

  it("keep the core a leaf", () => {
    expect([...(edges.get("core")?.values() ?? [])]).toEqual([]);
  });
});

describe("unit test folders", () => {
  it("each name the src/ folder whose modules they test", () => {
    const folders = (dir: string) =>
      readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name);
    const sources = new Set(folders(SRC));
    expect(folders(UNIT).filter((name) => !sources.has(name))).toEqual([]);
  });
});
