import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { CommandIO } from "../../src/cli/command.js";
import { main } from "../../src/cli/main.js";
import { sha256Digest } from "../../src/core/digest.js";
import { useTempDir } from "../helpers/temp-dir.js";

async function run(args: string[], cwd: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on("data", (chunk) => out.push(String(chunk)));
  stderr.on("data", (chunk) => err.push(String(chunk)));
  const io: CommandIO = { stdout, stderr, env: {}, cwd };
  const code = await main(["synth", ...args], io);
  return { code, stdout: out.join(""), stderr: err.join("") };
}

describe("cortex-model synth", () => {
  const temp = useTempDir();

  it("writes a known-answer model from a YAML file and prints {path, digest, size}", async () => {
    await writeFile(
      join(temp(), "answers.yaml"),
      '- prompt: "Ping"\n  answer: "pong"\n- {prompt: Say hi, answer: hi there}\n',
    );
    const result = await run(["--answers", "answers.yaml", "-o", "m.gguf", "--json"], temp());
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const printed = JSON.parse(result.stdout);
    const bytes = await readFile(join(temp(), "m.gguf"));
    expect(printed).toEqual({ path: join(temp(), "m.gguf"), digest: sha256Digest(bytes), size: bytes.length });
  });

  it("reads a JSON answers file too, giving the same model as the same YAML", async () => {
    await writeFile(join(temp(), "a.json"), JSON.stringify([{ prompt: "Ping", answer: "pong" }]));
    await writeFile(join(temp(), "a.yaml"), "- prompt: Ping\n  answer: pong\n");
    const json = JSON.parse((await run(["--answers", "a.json", "-o", "j.gguf", "--json"], temp())).stdout);
    const yaml = JSON.parse((await run(["--answers", "a.yaml", "-o", "y.gguf", "--json"], temp())).stdout);
    expect(json.digest).toBe(yaml.digest);
  });

  it("writes a sized model of about the requested size", async () => {
    const result = await run(["--size", "3MiB", "-o", "s.gguf", "--json"], temp());
    expect(result.code).toBe(0);
    const { size } = JSON.parse(result.stdout);
    expect(Math.abs(size / 3 / 2 ** 20 - 1)).toBeLessThan(0.05);
  });

  it("exits 2 with a one-line reason on bad usage and bad input", async () => {
    await writeFile(join(temp(), "bad.yaml"), "prompt: not a list\n");
    await writeFile(
      join(temp(), "clash.yaml"),
      "- {prompt: Capital of France?, answer: Paris}\n- {prompt: Love France?, answer: Yes}\n",
    );
    const cases: [string[], RegExp][] = [
      [["-o", "x.gguf"], /exactly one of --answers FILE or --size SIZE/],
      [["--size", "3MB"], /-o OUT.gguf is required/],
      [
        ["--size", "lots", "-o", "x.gguf"],
        /--size must be a size from 1 byte to 1 TiB \(as 16MiB, 8M or 1048576\), got "lots"/,
      ],
      [["--size", "3MB", "--seed", "-1", "-o", "x.gguf"], /--seed/],
      [["--answers", "missing.yaml", "-o", "x.gguf"], /cannot read the answers file/],
      [["--answers", "bad.yaml", "-o", "x.gguf"], /must hold a list/],
      [["--answers", "clash.yaml", "-o", "x.gguf"], /" France\?"/],
    ];
    for (const [args, message] of cases) {
      const result = await run(args, temp());
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});
