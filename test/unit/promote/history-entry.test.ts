import { describe, expect, it } from "vitest";
import { type Digest, sha256Digest } from "../../../src/core/digest.js";
import { MediaType } from "../../../src/core/media-types.js";
import type { ImageIndex } from "../../../src/core/target.js";
import { HistoryEntryError } from "../../../src/promote/errors.js";
import { currentPosition, effectiveEntries } from "../../../src/promote/history.js";
import {
  decodeHistoryRecord,
  encodeHistoryRecord,
  HISTORY_ARTIFACT_TYPE,
  type HistoryRecord,
  type MoveEntry,
} from "../../../src/promote/history-entry.js";

const A = sha256Digest("a");
const B = sha256Digest("b");
const manifest = (digest: Digest) => ({ mediaType: MediaType.ociManifest, digest, size: 123 });
const time = new Date("2026-11-28T02:00:00.000Z");

function move(id: string, digest: Digest, extra: Partial<MoveEntry> = {}): MoveEntry {
  return { action: "promote", id, tag: "stable", time: "t", digest, descriptor: manifest(digest), ...extra };
}

describe("history entries", () => {
  it("encode as an OCI index referencing both digests, and decode back", () => {
    const { descriptor, bytes } = encodeHistoryRecord({
      action: "promote",
      tag: "stable",
      time,
      digest: B,
      descriptor: manifest(B),
      previous: A,
      previousDescriptor: manifest(A),
      actor: "octocat",
      runUrl: "https://github.com/o/r/actions/runs/1",
      reason: "tested",
      version: "v1.4.2",
      source: "reg/ai/m@sha",
    });
    expect(descriptor).toEqual({ mediaType: MediaType.ociIndex, digest: sha256Digest(bytes), size: bytes.length });
    const index = JSON.parse(new TextDecoder().decode(bytes)) as ImageIndex;
    expect(index.artifactType).toBe(HISTORY_ARTIFACT_TYPE);
    expect(index.manifests.map((m) => m.digest)).toEqual([B, A]);
    expect(decodeHistoryRecord("id1", bytes)).toEqual({
      action: "promote",
      id: "id1",
      tag: "stable",
      time: time.toISOString(),
      digest: B,
      descriptor: manifest(B),
      previous: A,
      actor: "octocat",
      runUrl: "https://github.com/o/r/actions/runs/1",
      reason: "tested",
      version: "v1.4.2",
      source: "reg/ai/m@sha",
    });
  });

  it("encode abort markers that keep the digest the tag stayed on", () => {
    const { bytes } = encodeHistoryRecord({ action: "abort", tag: "stable", time, aborts: "id1", keep: manifest(A) });
    const index = JSON.parse(new TextDecoder().decode(bytes)) as ImageIndex;
    expect(index.manifests.map((m) => m.digest)).toEqual([A]);
    expect(decodeHistoryRecord("id2", bytes)).toEqual({
      action: "abort",
      id: "id2",
      tag: "stable",
      time: time.toISOString(),
      aborts: "id1",
    });
  });

  it("refuse documents that are not history entries, naming the entry", () => {
    const bad = (text: string) => () => decodeHistoryRecord("cortex-history-x", new TextEncoder().encode(text));
    expect(bad("nope")).toThrow(HistoryEntryError);
    expect(bad(JSON.stringify({ schemaVersion: 2, manifests: [] }))).toThrow(/cortex-history-x is not a/);
    const noDigest = { schemaVersion: 2, artifactType: HISTORY_ARTIFACT_TYPE, manifests: [], annotations: {} };
    expect(bad(JSON.stringify(noDigest))).toThrow(/lacks its tag or time/);
  });

  it("leave aborted entries out and find the entry that is current", () => {
    const records: HistoryRecord[] = [
      { action: "abort", id: "m", tag: "stable", time: "t", aborts: "e3" },
      move("e3", B),
      move("e2", A),
      move("e1", B),
    ];
    const entries = effectiveEntries(records);
    expect(entries.map((e) => e.id)).toEqual(["e2", "e1"]);
    expect(currentPosition(entries, A)).toBe(0);
    expect(currentPosition(entries, B)).toBe(1);
    expect(currentPosition(entries, sha256Digest("c"))).toBe(-1);
  });
});
