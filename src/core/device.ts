/**
 * The device a backend really runs the model on, as opposed to the `gpu` setting that asked for one: `auto` on
 * a runner without a usable GPU, or a model whose layers all stayed in RAM, is still the CPU. Each is a pure
 * function of what the backend itself reports, so every combination is tested on a CPU-only machine.
 */
export const DEVICES = ["cpu", "metal", "cuda", "vulkan"] as const;
export type Device = (typeof DEVICES)[number];

export function isDevice(value: unknown): value is Device {
  return (DEVICES as readonly unknown[]).includes(value);
}

/** The GPU kind a backend's own name for it starts with ("CUDA0", "Metal", "vulkan"); undefined for the CPU. */
export function gpuKind(name: string): Device | undefined {
  const lower = name.toLowerCase();
  return DEVICES.find((device) => device !== "cpu" && lower.startsWith(device));
}

/**
 * node-llama-cpp: the GPU backend of the binary it loaded (`llama.gpu`, false for a CPU build or `gpu: false`)
 * and the layers the model placed on it (`model.gpuLayers`): none offloaded is the CPU, however the build
 * could have run.
 */
export function nodeLlamaCppDevice(info: { readonly gpu: string | false; readonly gpuLayers: number }): Device {
  if (info.gpu === false || info.gpuLayers <= 0) return "cpu";
  return gpuKind(info.gpu) ?? "cpu";
}
