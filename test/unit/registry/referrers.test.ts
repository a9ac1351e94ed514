import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MediaType } from "../../../src/core/media-types.js";
import { attachReferrer, openRepository } from "../../../src/registry/index.js";
import { imageManifest, jsonContent } from "../../helpers/artifacts.js";

// Distribution 2.8 has no referrers API (the integration tests cover the fallback tag schema against it);
// this loopback registry has one, as registries implementing distribution-spec 1.1 do.
describe("referrers API of an OCI 1.1 registry", () => {
  const subject = jsonContent({ schemaVersion: 2 }, MediaType.ociManifest).descriptor;
  const config = jsonContent({}, MediaType.ociEmpty).descriptor;
  const compat = imageManifest(config, [], { subject, artifactType: "application/vnd.cortex.compat.v1" });
  const bench = imageManifest(config, [], { subject, artifactType: "application/vnd.cortex.bench.v1" });
  const seen: string[] = [];
  let server: http.Server;
  let host: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      if (req.method === "PUT") {
        res.writeHead(201, { "oci-subject": subject.digest }).end();
        return;
      }
      if (req.url?.startsWith(`/v2/m/referrers/${subject.digest}`)) {
        res.writeHead(200, { "content-type": MediaType.ociIndex });
        res.end(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: MediaType.ociIndex,
            manifests: [
              { ...compat.descriptor, artifactType: "application/vnd.cortex.compat.v1" },
              { ...bench.descriptor, artifactType: "application/vnd.cortex.bench.v1" },
            ],
          }),
        );
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
  });

  const repo = () => openRepository({ kind: "registry", registry: host, repository: "m" }, { env: {} });

  it("lists referrers from the API and filters them by artifact type", async () => {
    expect((await repo().referrers(subject)).map((d) => d.digest)).toEqual([
      compat.descriptor.digest,
      bench.descriptor.digest,
    ]);
    const filtered = await repo().referrers(subject, { artifactType: "application/vnd.cortex.bench.v1" });
    expect(filtered.map((d) => d.digest)).toEqual([bench.descriptor.digest]);
    expect(seen).toContain(`GET /v2/m/referrers/${subject.digest}?artifactType=application%2Fvnd.cortex.bench.v1`);
    expect(seen.some((line) => line.includes("sha256-"))).toBe(false);
  });

  it("attaches a referrer without touching the fallback tag when the API exists", async () => {
    seen.length = 0;
    await attachReferrer(repo(), compat.descriptor, compat.bytes);
    expect(seen.filter((line) => line.startsWith("PUT"))).toEqual([`PUT /v2/m/manifests/${compat.descriptor.digest}`]);
  });
});
