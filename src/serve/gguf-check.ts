import { open } from "node:fs/promises";
import { UsageError } from "../core/errors.js";

/** Every GGUF file starts with these four bytes. */
const GGUF_MAGIC = Buffer.from("GGUF", "latin1");

/** Fails with a message naming the file when it is missing or not a GGUF, before llama.cpp is loaded. */
export async function checkGguf(path: string): Promise<void> {
  let head: Buffer;
  try {
    const file = await open(path, "r");
    try {
      const { buffer, bytesRead } = await file.read(Buffer.alloc(4), 0, 4, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  } catch (error) {
    throw new UsageError(`cannot read model file ${path}`, { cause: error });
  }
  if (!head.equals(GGUF_MAGIC)) {
    throw new UsageError(`${path} is not a GGUF file (it does not start with the bytes "GGUF")`);
  }
}
