// Subpath imports: the package's main entry also loads its validators, which locate their schema files
// through __dirname, and that breaks once the code is bundled into an ES module.
import * as Enums from "@cyclonedx/cyclonedx-library/Enums";
import * as Models from "@cyclonedx/cyclonedx-library/Models";
import * as Serialize from "@cyclonedx/cyclonedx-library/Serialize";
import * as SPDX from "@cyclonedx/cyclonedx-library/SPDX";
import * as Spec from "@cyclonedx/cyclonedx-library/Spec";
import type { ScanReport } from "./scan-model.js";

/**
 * The scanned model as a CycloneDX 1.6 ML-BOM: one machine-learning-model component with its digest, format,
 * architecture, parameters, quantization, licences and the scan's verdict and findings, its files as
 * sub-components with their hashes. The library builds and normalises the document; it has no model for
 * `modelCard` yet, so the model card is added to the normalised component.
 */

const MODEL_REF = "model";

function license(id: string): Models.License {
  const spdx = SPDX.fixupSpdxId(id);
  if (spdx !== undefined) return new Models.SpdxLicense(spdx);
  if (/\s(OR|AND|WITH)\s/.test(id)) return new Models.LicenseExpression(id);
  return new Models.NamedLicense(id);
}

function sha256(digest: string | undefined): Models.HashDictionary {
  const hashes = new Models.HashDictionary();
  if (digest?.startsWith("sha256:")) hashes.set(Enums.HashAlgorithm["SHA-256"], digest.slice("sha256:".length));
  return hashes;
}

function properties(entries: ReadonlyArray<readonly [string, string | number | undefined]>): Models.PropertyRepository {
  const repository = new Models.PropertyRepository();
  for (const [name, value] of entries)
    if (value !== undefined) repository.add(new Models.Property(name, String(value)));
  return repository;
}

function modelComponent(report: ScanReport): Models.Component {
  const { model, subject } = report;
  const name = model.name ?? subject.reference?.replace(/@sha256:[0-9a-f]+$/, "") ?? subject.file ?? "model";
  const single = report.files.filter((f) => f.role === "gguf");
  const component = new Models.Component(Enums.ComponentType.MachineLearningModel, name, {
    bomRef: MODEL_REF,
    ...(subject.digest && { version: subject.digest }),
    hashes: sha256(single.length === 1 ? single[0]?.digest : undefined),
    licenses: new Models.LicenseRepository(model.licenses.map(license)),
    properties: properties([
      ["cortex:model:format", model.format],
      ["cortex:model:architecture", model.architecture],
      ["cortex:model:parameters", model.parameters],
      ["cortex:model:quantization", model.quantization],
      ["cortex:model:context-length", model.contextLength],
      ["cortex:model:size", model.size],
      ["cortex:model:reference", subject.reference],
      ["cortex:scan:verdict", report.verdict],
      ["cortex:scan:errors", report.summary.error],
      ["cortex:scan:warnings", report.summary.warning],
      ...report.findings.map(
        (f) => ["cortex:scan:finding", `${f.ruleId} ${f.level} ${f.artifact}: ${f.message}`] as const,
      ),
    ]),
  });
  for (const file of report.files) {
    component.components.add(
      new Models.Component(Enums.ComponentType.File, file.name, {
        hashes: sha256(file.digest),
        properties: properties([
          ["cortex:file:role", file.role],
          ["cortex:file:size", file.size],
        ]),
      }),
    );
  }
  return component;
}

/** The model card's parameters: what a reader of the BOM asks first about a model. */
function modelCard(report: ScanReport): Record<string, unknown> {
  const { model } = report;
  return {
    modelParameters: {
      ...(model.architecture && { architectureFamily: model.architecture }),
      modelArchitecture: [model.architecture, model.quantization].filter(Boolean).join(" ") || model.format,
      inputs: [{ format: "text" }],
      outputs: [{ format: "text" }],
    },
    properties: [
      { name: "cortex:model:format", value: model.format },
      ...(model.parameters !== undefined ? [{ name: "cortex:model:parameters", value: String(model.parameters) }] : []),
      ...(model.quantization ? [{ name: "cortex:model:quantization", value: model.quantization }] : []),
    ],
  };
}

/** The ML-BOM as CycloneDX 1.6 JSON text. */
export function cycloneDxBom(report: ScanReport): string {
  const bom = new Models.Bom();
  bom.metadata.timestamp = new Date(report.created);
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, report.scanner.name, {
      ...(report.scanner.version && { version: report.scanner.version }),
    }),
  );
  bom.components.add(modelComponent(report));
  const normalized = new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6)
    .makeForBom()
    .normalize(bom, { sortLists: false }) as { components?: { "bom-ref"?: string; modelCard?: unknown }[] };
  const component = normalized.components?.find((c) => c["bom-ref"] === MODEL_REF);
  if (component) component.modelCard = modelCard(report);
  return `${JSON.stringify(normalized, null, 2)}\n`;
}
