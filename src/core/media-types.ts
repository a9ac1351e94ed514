/** Media types the suite reads and writes; the design guide's section 3 lists where each comes from. */
export const MediaType = {
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociEmpty: "application/vnd.oci.empty.v1+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerContainerConfig: "application/vnd.docker.container.image.v1+json",

  dmrConfigV01: "application/vnd.docker.ai.model.config.v0.1+json",
  dmrConfigV02: "application/vnd.docker.ai.model.config.v0.2+json",
  dmrGguf: "application/vnd.docker.ai.gguf.v3",
  dmrLicense: "application/vnd.docker.ai.license",
  dmrMmproj: "application/vnd.docker.ai.mmproj",
  dmrMmprojAlt: "application/vnd.docker.ai.gguf.v3.mmproj",
  dmrChatTemplate: "application/vnd.docker.ai.chat.template.jinja",
  dmrSafetensors: "application/vnd.docker.ai.safetensors",
  /** Config v0.2's generic file (config, tokenizer, ...), placed at its `org.cncf.model.filepath`. */
  dmrModelFile: "application/vnd.docker.ai.model.file",
  dmrDirTar: "application/vnd.docker.ai.dir.tar",
  dmrDduf: "application/vnd.docker.ai.dduf",
  dmrVllmConfigTar: "application/vnd.docker.ai.vllm.config.tar",

  ollamaModel: "application/vnd.ollama.image.model",
  ollamaTemplate: "application/vnd.ollama.image.template",
  ollamaSystem: "application/vnd.ollama.image.system",
  ollamaParams: "application/vnd.ollama.image.params",
  ollamaMessages: "application/vnd.ollama.image.messages",
  ollamaLicense: "application/vnd.ollama.image.license",
  ollamaAdapter: "application/vnd.ollama.image.adapter",
  ollamaProjector: "application/vnd.ollama.image.projector",
  /** Ollama's legacy name for the template layer, which it still reads as one. */
  ollamaPrompt: "application/vnd.ollama.image.prompt",

  modelPackManifest: "application/vnd.cncf.model.manifest.v1+json",
  modelPackConfig: "application/vnd.cncf.model.config.v1+json",
  modelPackWeightRaw: "application/vnd.cncf.model.weight.v1.raw",
  /** Format-specific weights Docker Model Runner wrote under the ModelPack prefix, and still reads. */
  modelPackWeightGguf: "application/vnd.cncf.model.weight.v1.gguf",
  modelPackWeightSafetensors: "application/vnd.cncf.model.weight.v1.safetensors",

  cortexResult: "application/vnd.cortex.model.result.v1+json",
} as const;

/** Manifest media types a registry may answer with, in the Accept header's order of preference. */
export const MANIFEST_MEDIA_TYPES = [
  MediaType.ociManifest,
  MediaType.ociIndex,
  MediaType.dockerManifest,
  MediaType.dockerManifestList,
] as const;

export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === MediaType.ociIndex || mediaType === MediaType.dockerManifestList;
}

export function isManifestMediaType(mediaType: string): boolean {
  return (MANIFEST_MEDIA_TYPES as readonly string[]).includes(mediaType);
}

/** Annotations the suite reads or writes on descriptors. */
export const Annotation = {
  refName: "org.opencontainers.image.ref.name",
  created: "org.opencontainers.image.created",
  title: "org.opencontainers.image.title",
  modelFilepath: "org.cncf.model.filepath",
  modelFileMetadata: "org.cncf.model.file.metadata+json",
  modelMediaTypeUntested: "org.cncf.model.file.mediatype.untested",
  /** On a model migrated from Ollama: its Ollama name, `host/namespace/model:tag`. */
  ollamaName: "ai.cortex.ollama.name",
  /** On a model migrated from Ollama: the original Ollama manifest bytes, base64, restored exactly on the way back. */
  ollamaManifest: "ai.cortex.ollama.manifest",
  /** On a model migrated from Ollama: JSON {digest: base64} of the small blobs DMR has no layer for. */
  ollamaBlobs: "ai.cortex.ollama.blobs",
} as const;
