import { mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { OpenTargetOptions } from "../copy/targets.js";
import { CortexError } from "../core/errors.js";
import { formatReference, parseReference, pinReference } from "../core/ref.js";
import { booleanSetting, requiredSetting, type SettingSource } from "../core/settings.js";
import { ggufFiles } from "../model/gguf-shards.js";
import { type PublishedResult, type PublishOptions, publishModelResult } from "../promote/publish.js";
import { cycloneDxBom } from "./cyclonedx.js";
import { loadScanPolicy } from "./policy.js";
import { sarifLog } from "./sarif.js";
import { type ScanReport, scanGgufFiles, scanReference } from "./scan-model.js";

/**
 * One scan as both shells run it: the model (a local GGUF file or a reference), the reports asked for,
 * and optionally the result attached to the model's digest. The CLI and the action differ only in how they
 * read these requests and show the outcome.
 */

/** The scan could not be made (unreadable file, unreachable registry, bad policy): exit code 2. */
export class ScanFailedError extends CortexError {
  override readonly exitCode: number = 2;
}

export interface ScanRequest {
  /** A GGUF file path, or a model reference (registry or `oci:` layout). */
  readonly model: string;
  /** Where a relative file path is resolved, and what report paths are relative to (the workspace). */
  readonly cwd?: string;
  readonly policyFile?: string;
  readonly sarifFile?: string;
  readonly jsonFile?: string;
  readonly cycloneDxFile?: string;
  /** Attach the scan result to the scanned digest, for `promote --require scan`. */
  readonly publish?: boolean;
  /** With publish: also attest the result, signed so, and where the run can be seen. */
  readonly publishing?: PublishOptions;
  readonly target?: OpenTargetOptions;
  readonly scannerVersion?: string;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Parses scan's settings from either shell: the same names (`model`, `policy`, `sarif`, `json`, `cyclonedx`,
 * `publish`). Files are resolved against `directory` (the working directory for the CLI, the workspace for
 * the action), which is also where a local model is looked for and what report paths are relative to.
 */
export function parseScanSettings(source: SettingSource, directory: string): ScanRequest {
  const file = (setting: string) => {
    const value = source.value(setting);
    return value === undefined ? undefined : path.resolve(directory, value);
  };
  const [policyFile, sarifFile, jsonFile, cycloneDxFile] = ["policy", "sarif", "json", "cyclonedx"].map(file);
  return {
    model: requiredSetting(source, "model"),
    cwd: directory,
    ...(policyFile && { policyFile }),
    ...(sarifFile && { sarifFile }),
    ...(jsonFile && { jsonFile }),
    ...(cycloneDxFile && { cycloneDxFile }),
    publish: booleanSetting(source, "publish", false),
  };
}

export interface ScanOutcome {
  readonly report: ScanReport;
  readonly published?: PublishedResult;
}

async function isFile(candidate: string): Promise<boolean> {
  return stat(candidate).then(
    (s) => s.isFile(),
    () => false,
  );
}

async function write(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, text);
}

export async function runScan(request: ScanRequest): Promise<ScanOutcome> {
  const report = await scanOf(request);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (request.jsonFile) await write(request.jsonFile, json);
  if (request.sarifFile) await write(request.sarifFile, `${JSON.stringify(sarifLog(report), null, 2)}\n`);
  if (request.cycloneDxFile) await write(request.cycloneDxFile, cycloneDxBom(report));
  if (!request.publish || report.subject.digest === undefined) return { report };
  const pinned = formatReference(pinReference(parseReference(request.model), report.subject.digest));
  const published = await publishModelResult(pinned, "scan", json, report.verdict === "pass", {
    ...request.target,
    ...request.publishing,
  });
  return { report, published };
}

/** The report on a local GGUF file or on a model reference; any failure to read it is a ScanFailedError. */
async function scanOf(request: ScanRequest): Promise<ScanReport> {
  const cwd = request.cwd ?? process.cwd();
  const file = path.resolve(cwd, request.model);
  const local = await isFile(file);
  if (local && request.publish)
    throw new ScanFailedError("publishing a scan needs a model reference, not a local file");
  try {
    const policy = request.policyFile ? await loadScanPolicy(request.policyFile) : undefined;
    const options = {
      ...(policy && { policy }),
      hashFiles: request.cycloneDxFile !== undefined,
      ...(request.scannerVersion && { scannerVersion: request.scannerVersion }),
      ...(request.target && { target: request.target }),
      ...(request.signal && { signal: request.signal }),
      baseDir: cwd,
    };
    return local
      ? await scanGgufFiles(await ggufFiles(file), options)
      : await scanReference(parseReference(request.model), options);
  } catch (error) {
    if (error instanceof ScanFailedError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ScanFailedError(`could not scan ${request.model}: ${reason}`, { cause: error });
  }
}
