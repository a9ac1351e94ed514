import { promises as fs } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { startHttpServer, type TestHttpServer } from "./http-server.js";

/** Release archives built here with tar, shaped like the real ones, for installs served over loopback. */

/** An Ollama release archive of `format` in `dir`: bin/ollama (a script printing a version) and lib/ollama/. */
export async function ollamaArchive(dir: string, format: "tgz" | "tar.zst"): Promise<string> {
  const root = path.join(dir, "tree");
  await fs.mkdir(path.join(root, "bin"), { recursive: true });
  await fs.mkdir(path.join(root, "lib", "ollama", "cuda_v12"), { recursive: true });
  await fs.writeFile(path.join(root, "bin", "ollama"), "#!/bin/sh\necho 'ollama version is 0.0.0'\n", { mode: 0o755 });
  await fs.writeFile(path.join(root, "lib", "ollama", "libggml-base.so"), "lib");
  await fs.writeFile(path.join(root, "lib", "ollama", "cuda_v12", "libggml-cuda.so"), "gpu");
  const archive = path.join(dir, `ollama.${format}`);
  const create = format === "tgz" ? ["-czf", archive] : ["--zstd", "-cf", archive];
  await execa("tar", [...create, "-C", root, "bin", "lib"]);
  return archive;
}

/** Serves `files` (URL path to file) on `host`; records the path of every request in `hits`. */
export async function serveFiles(
  files: Record<string, string>,
  host?: string,
): Promise<TestHttpServer & { readonly hits: string[] }> {
  const hits: string[] = [];
  const server = await startHttpServer(async (req, res) => {
    hits.push(req.url ?? "");
    const file = files[req.url ?? ""];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200).end(await fs.readFile(file));
  }, host);
  return Object.assign(server, { hits });
}
