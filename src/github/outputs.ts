import * as core from "@actions/core";

export type OutputValue = string | number | boolean;

/** Sets every output of a step at once, so an action's outputs are one typed object rather than scattered calls. */
export function setOutputs(outputs: Readonly<Record<string, OutputValue>>): void {
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, String(value));
}
