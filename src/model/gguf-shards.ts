import { access } from "node:fs/promises";
import { parseGgufShardFilename } from "@huggingface/gguf";
import { UsageError } from "../core/errors.js";

/** The shard files named by one shard of a split GGUF, in order; any other path as it is. */
export async function ggufFiles(gguf: string | readonly string[]): Promise<string[]> {
  if (typeof gguf !== "string") return [...gguf];
  const slash = gguf.lastIndexOf("/") + 1;
  const shard = parseGgufShardFilename(gguf.slice(slash));
  if (!shard) return [gguf];
  const total = Number(shard.total);
  const files = Array.from(
    { length: total },
    (_, i) => `${gguf.slice(0, slash)}${shard.prefix}-${String(i + 1).padStart(5, "0")}-of-${shard.total}.gguf`,
  );
  for (const file of files) {
    await access(file).catch((error) => {
      throw new UsageError(`${gguf} is shard ${Number(shard.shard)} of ${total}, but ${file} is missing`, {
        cause: error,
      });
    });
  }
  return files;
}
