/** The few GGUF header facts a person checks first; the full metadata stays in the file. */
export interface GgufSummary {
  readonly architecture?: string;
  readonly name?: string;
  readonly fileType?: number;
  readonly contextLength?: number;
  readonly tensorCount: number;
  readonly metadataKeys: number;
}

/** Reads the header of a local GGUF file (only the header is read, not the tensors). */
export async function summarizeGguf(file: string): Promise<GgufSummary> {
  // Loaded on demand: the parser and its tables are only needed by `inspect`.
  const { gguf } = await import("@huggingface/gguf");
  const { metadata, tensorInfos } = await gguf(file, { allowLocalFile: true });
  const values = metadata as Record<string, unknown>;
  const architecture = typeof values["general.architecture"] === "string" ? values["general.architecture"] : undefined;
  const number = (key: string) => (typeof values[key] === "number" ? (values[key] as number) : undefined);
  const name = values["general.name"];
  const fileType = number("general.file_type");
  const contextLength = architecture ? number(`${architecture}.context_length`) : undefined;
  return {
    ...(architecture ? { architecture } : {}),
    ...(typeof name === "string" ? { name } : {}),
    ...(fileType !== undefined ? { fileType } : {}),
    ...(contextLength !== undefined ? { contextLength } : {}),
    tensorCount: tensorInfos.length,
    metadataKeys: Object.keys(values).length,
  };
}
