import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/core/device.ts
var DEVICES = ["cpu", "metal", "cuda", "vulkan"];
function isDevice(value) {
  return DEVICES.includes(value);
}
__name(isDevice, "isDevice");
function gpuKind(name) {
  const lower = name.toLowerCase();
  return DEVICES.find((device) => device !== "cpu" && lower.startsWith(device));
}
__name(gpuKind, "gpuKind");
function nodeLlamaCppDevice(info) {
  if (info.gpu === false || info.gpuLayers <= 0) return "cpu";
  return gpuKind(info.gpu) ?? "cpu";
}
__name(nodeLlamaCppDevice, "nodeLlamaCppDevice");

export {
  isDevice,
  gpuKind,
  nodeLlamaCppDevice
};
