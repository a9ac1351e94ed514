import { describe, expect, it } from "vitest";
import { checkGatewayUrl, groupUrl, PushgatewayUrlError } from "../../src/metrics/pushgateway.js";

const group = {
  grouping: { model_digest: "sha256:ab", backend: "", runner: "pool/runner 7", scenario: "chat" },
  samples: [],
};
const b64 = (text: string) => Buffer.from(text).toString("base64url");

describe("Pushgateway group URLs", () => {
  it("spell every grouping value in base64url, an empty one as =, after the job", () => {
    expect(groupUrl("http://gw:9091/", "cortex-model-bench", group)).toBe(
      `http://gw:9091/metrics/job@base64/${b64("cortex-model-bench")}/model_digest@base64/${b64("sha256:ab")}` +
        `/backend@base64/=/runner@base64/${b64("pool/runner 7")}/scenario@base64/${b64("chat")}`,
    );
    expect(b64("pool/runner 7")).not.toMatch(/[/+=]/);
  });

  it("keep a path prefix of the gateway URL", () => {
    expect(groupUrl("https://metrics.example/push", "j", group)).toMatch(
      /^https:\/\/metrics\.example\/push\/metrics\/job@base64\//,
    );
  });

  it("refuse a URL that is not http or https", () => {
    expect(() => checkGatewayUrl("gw:9091")).toThrow(PushgatewayUrlError);
    expect(() => checkGatewayUrl("not a url")).toThrow(/is not a URL/);
    expect(() => checkGatewayUrl("http://127.0.0.1:9091")).not.toThrow();
  });
});
