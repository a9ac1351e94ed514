import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRepository } from "../../../src/registry/index.js";

// Distribution 2.8 ignores `n` on tag lists (pagination came in 3.0), so paging is checked against a
// loopback server that pages the way the distribution spec and ghcr.io do: a Link header, relative or not.
describe("tag list pagination", () => {
  let server: http.Server;
  let host: string;
  const seen: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.url ?? "");
      const url = new URL(req.url ?? "/", `http://${host}`);
      const last = url.searchParams.get("last");
      const pages: Record<string, { tags: string[]; next?: string }> = {
        "": { tags: ["a", "b"], next: `</v2/m/tags/list?n=2&last=b>; rel="next"` },
        b: { tags: ["c", "d"], next: `<http://${host}/v2/m/tags/list?n=2&last=d>; rel="next"` },
        d: { tags: ["e"] },
      };
      const page = pages[last ?? ""];
      res.writeHead(200, { "content-type": "application/json", ...(page?.next ? { link: page.next } : {}) });
      res.end(JSON.stringify({ name: "m", tags: page?.tags ?? null }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
  });

  it("follows Link headers until the last page", async () => {
    const repo = openRepository({ kind: "registry", registry: host, repository: "m" }, { tagPageSize: 2, env: {} });
    expect(await repo.tags()).toEqual(["a", "b", "c", "d", "e"]);
    expect(seen).toEqual(["/v2/m/tags/list?n=2", "/v2/m/tags/list?n=2&last=b", "/v2/m/tags/list?n=2&last=d"]);
  });
});
