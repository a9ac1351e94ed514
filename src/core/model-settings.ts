import { type SettingSource, spellingsDisagree } from "./settings.js";

/** A served model: the name its server answers to, and the reference it was pulled as (tag or digest). */
export interface ServedModelSettings {
  /** `model-id`: the name sent in requests. */
  readonly id?: string;
  /** `model`: the reference, recorded in results and used to attach them. */
  readonly ref?: string;
}

/**
 * `<prefix>model-id` and `<prefix>model` of one served side. `model` is a reference everywhere, as setup and
 * pull take it; the served name is `model-id`, as setup reports it. Settings written before `model-id` existed
 * gave the served name as `model` and the reference under `oldRefs` (`ref`, `model-ref`): without `model-id`
 * they are read that way, with a warning naming the new spellings.
 */
export function servedModelSettings(
  source: SettingSource,
  prefix: string,
  oldRefs: readonly string[],
): ServedModelSettings {
  const label = (name: string) => source.label(`${prefix}${name}`);
  const id = source.value(`${prefix}model-id`);
  const model = source.value(`${prefix}model`);
  const oldRef = oldRefs.map((name) => ({ name, value: source.value(name) })).find((o) => o.value !== undefined);
  if (id === undefined && model !== undefined) {
    source.warn(
      `${label("model")} as the served model name is deprecated; give that as ${label("model-id")} and the model reference as ${label("model")}${oldRef ? ` (instead of ${source.label(oldRef.name)})` : ""}`,
    );
    return { id: model, ...(oldRef ? { ref: oldRef.value as string } : {}) };
  }
  if (oldRef === undefined)
    return { ...(id === undefined ? {} : { id }), ...(model === undefined ? {} : { ref: model }) };
  if (model !== undefined && model !== oldRef.value) {
    throw spellingsDisagree(
      source,
      { setting: `${prefix}model`, value: model },
      { setting: oldRef.name, value: oldRef.value as string },
    );
  }
  source.warn(`${source.label(oldRef.name)} is deprecated; use ${label("model")}`);
  return { ...(id === undefined ? {} : { id }), ref: oldRef.value as string };
}
