import { readFile } from "node:fs/promises";
import path from "node:path";
import type { StoreModel } from "../../src/backends/backend.js";
import { openTarget } from "../../src/copy/targets.js";
import { parseReference, pinReference } from "../../src/core/ref.js";
import { type KnownAnswer, synthesizeKnownAnswer } from "../../src/model/known-answer.js";
import { pull } from "../../src/pull/pull.js";
import { ModelStore } from "../../src/store/model-store.js";
import { makeModelLayout } from "./model-layout.js";

/** A known-answer model packed in an oci: layout under `root` and pulled into a store there, as backends get it. */
export async function pulledKnownAnswerModel(
  root: string,
  answers: readonly KnownAnswer[],
  modelId: string,
): Promise<StoreModel> {
  const gguf = await synthesizeKnownAnswer({ path: path.join(root, "ka.gguf"), answers });
  const layout = await makeModelLayout(path.join(root, "layout"), { shards: [await readFile(gguf.path)] });
  const store = await ModelStore.open({ dir: path.join(root, "store") });
  const reference = pinReference(parseReference(`oci:${layout.layout.root}`), layout.manifestDescriptor.digest);
  const pulled = await pull(await openTarget(reference), reference, store);
  return { kind: "store", store, reference, pulled, modelId };
}
