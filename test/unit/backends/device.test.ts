import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { llamaCppLogDevice, ollamaDevice, ollamaLoadedDevice } from "../../../src/backends/device.js";
import { waitForOllama } from "../../../src/backends/ollama.js";
import { nodeLlamaCppDevice } from "../../../src/core/device.js";
import { startOllamaApiServer } from "../../helpers/ollama-api-server.js";
import { useTempDir } from "../../helpers/temp-dir.js";

const tempDir = useTempDir();

// Log lines as llama.cpp and Ollama write them; the CPU case is what node-llama-cpp's llama.cpp wrote here
// (a CPU build prints no offload line at all).
const cpuBuildLog = [
  "load_backend: loaded CPU backend from /opt/llama/libggml-cpu-zen4.so",
  "load_tensors:   CPU_Mapped model buffer size =     2.44 MiB",
].join("\n");
const cudaLog = [
  "llama_model_load_from_file_impl: using device CUDA0 (NVIDIA A10G) - 22546 MiB free",
  "load_tensors: offloading 28 repeating layers to GPU",
  "load_tensors: offloaded 29/29 layers to GPU",
].join("\n");

describe("the device a backend really used", () => {
  it.each([
    [{ gpu: false as const, gpuLayers: 0 }, "cpu"],
    // gpu: auto on a runner whose build has a GPU backend but the model stayed in RAM is still the CPU.
    [{ gpu: "cuda", gpuLayers: 0 }, "cpu"],
    [{ gpu: "metal", gpuLayers: 25 }, "metal"],
    [{ gpu: "cuda", gpuLayers: 3 }, "cuda"],
    [{ gpu: "vulkan", gpuLayers: 1 }, "vulkan"],
  ])("node-llama-cpp %o runs on %s", (info, device) => {
    expect(nodeLlamaCppDevice(info)).toBe(device);
  });

  it("llama-server: no offload line or none offloaded is the CPU, else the device its log names", () => {
    expect(llamaCppLogDevice(cpuBuildLog)).toBe("cpu");
    expect(llamaCppLogDevice("")).toBe("cpu");
    expect(llamaCppLogDevice(cudaLog.replace("29/29", "0/29"))).toBe("cpu");
    expect(llamaCppLogDevice(cudaLog)).toBe("cuda");
    expect(llamaCppLogDevice("load_tensors: layer 0 assigned to device Metal\noffloaded 1/1 layers to GPU")).toBe(
      "metal",
    );
    expect(llamaCppLogDevice("using device Vulkan0 (AMD Radeon)\noffloaded 5/33 layers to GPU")).toBe("vulkan");
    expect(llamaCppLogDevice("offloaded 5/33 layers to GPU")).toBeUndefined();
  });

  it("Ollama: size_vram 0 is the CPU; on macOS any GPU is Metal; elsewhere the library its log names", () => {
    const linux = { os: "linux", arch: "x64" } as const;
    const ollamaLog = 'level=INFO source=types.go:131 msg="inference compute" id=GPU-1 library=cuda compute=8.6';
    expect(ollamaDevice(0, linux, ollamaLog)).toBe("cpu");
    expect(ollamaDevice(0, { os: "darwin", arch: "arm64" }, "")).toBe("cpu");
    expect(ollamaDevice(1_000_000, { os: "darwin", arch: "arm64" }, "")).toBe("metal");
    expect(ollamaDevice(1_000_000, linux, ollamaLog)).toBe("cuda");
    expect(ollamaDevice(1_000_000, { os: "win32", arch: "x64" }, "library=CUDA")).toBe("cuda");
    expect(ollamaDevice(1_000_000, linux, "library=cpu")).toBeUndefined();
  });

  it("Ollama: reads /api/ps for the model it loaded, and the log for the GPU's kind", async () => {
    const server = await startOllamaApiServer();
    const log = path.join(tempDir(), "ollama.log");
    await writeFile(log, 'msg="inference compute" id=GPU-1 library=cuda\n');
    const linux = { os: "linux", arch: "x64" } as const;
    try {
      expect(await ollamaLoadedDevice(server.origin, "ka:v1", linux, log)).toBeUndefined();
      server.models.add("ka:v1");
      await waitForOllama({ origin: server.origin, modelId: "ka:v1", timeoutMs: 5_000 });
      expect(await ollamaLoadedDevice(server.origin, "ka:v1", linux, log)).toBe("cpu");
      server.sizeVram = 2_000_000;
      expect(await ollamaLoadedDevice(server.origin, "ka:v1", linux, log)).toBe("cuda");
      expect(await ollamaLoadedDevice(server.origin, "ka:v1", linux, path.join(tempDir(), "none.log"))).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});
