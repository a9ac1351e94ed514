import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenAIClient } from "../../src/client/openai-client.js";
import { synthesizeKnownAnswer } from "../../src/model/known-answer.js";
import { parseExposition, promtool, sampleValue } from "../helpers/prometheus-text.js";
import { type ServeProcess, startServe } from "../helpers/serve-process.js";

// `cortex-model serve` (built in lib/) exposes /metrics; the figures are read back by another parser and
// checked by promtool, and must add up to what the answers themselves report.
const answers = [
  { prompt: "Count please", answer: "one two three four five" },
  { prompt: "Name colours", answer: "red green blue" },
];
const MODEL = "metrics-test";

let dir: string;
let serve: ServeProcess;
let client: OpenAIClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cortex-serve-metrics-"));
  const { path } = await synthesizeKnownAnswer({ path: join(dir, "ka.gguf"), answers });
  serve = await startServe(
    ["--model", path, "--port", "0", "--model-id", MODEL, "--threads", "1", "--parallel", "2"],
    join(dir, "ready.json"),
  );
  client = new OpenAIClient({ baseUrl: serve.baseUrl });
});

afterAll(async () => {
  await serve?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function scrape(): Promise<{ text: string; contentType: string | null }> {
  const response = await fetch(`${serve.origin}/metrics`);
  expect(response.status).toBe(200);
  return { text: await response.text(), contentType: response.headers.get("content-type") };
}

describe("cortex-model serve /metrics", () => {
  it("counts tokens, requests by outcome and generation times, under llama.cpp's names where they exist", async () => {
    const before = parseExposition((await scrape()).text);
    expect(sampleValue(before, "llamacpp:tokens_predicted_total")).toBe(0);
    expect(sampleValue(before, "llamacpp:requests_processing")).toBe(0);
    expect(sampleValue(before, "cortex_serve_slots")).toBe(2);

    const options = { temperature: 0 };
    const streamed = await client.generate({
      api: "completions",
      model: MODEL,
      prompt: "Count please",
      options,
      stream: true,
    });
    expect(streamed.text).toBe("one two three four five");
    const plain = await fetch(`${serve.baseUrl}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "Name colours" }], temperature: 0 }),
    });
    const body = (await plain.json()) as {
      usage: { completion_tokens: number };
      timings: { prompt_n: number };
      choices: { message: { content: string } }[];
    };
    expect(body.choices[0]?.message.content).toBe("red green blue");
    const wrongModel = await fetch(`${serve.baseUrl}/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "other", prompt: "x" }),
    });
    expect(wrongModel.status).toBe(404);
    await fetch(`${serve.origin}/no/such/route`);
    expect((await fetch(`${serve.baseUrl}/models/${MODEL}`)).status).toBe(200);

    const { text, contentType } = await scrape();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const after = parseExposition(text);
    const generated = (streamed.usage?.completionTokens ?? 0) + body.usage.completion_tokens;
    expect(generated).toBeGreaterThan(4);
    expect(sampleValue(after, "llamacpp:tokens_predicted_total")).toBe(generated);
    expect(sampleValue(after, "llamacpp:prompt_tokens_total")).toBe(
      (streamed.backendTimings?.prompt_n ?? Number.NaN) + body.timings.prompt_n,
    );
    expect(sampleValue(after, "llamacpp:predicted_tokens_seconds")).toBeGreaterThan(0);
    expect(sampleValue(after, "llamacpp:requests_processing")).toBe(0);
    expect(sampleValue(after, "llamacpp:requests_deferred")).toBe(0);
    const requests = (route: string, outcome: string) =>
      sampleValue(after, "cortex_serve_requests_total", { route, outcome });
    expect(requests("/v1/completions", "success")).toBe(1);
    expect(requests("/v1/chat/completions", "success")).toBe(1);
    expect(requests("/v1/completions", "client_error")).toBe(1);
    expect(requests("other", "client_error")).toBe(1);
    // Per-model paths share one label value.
    expect(requests("/v1/models/{id}", "success")).toBe(1);
    // Two answered generations plus the refused one; the scrapes themselves are not traffic.
    const latency = after.get("cortex_serve_request_duration_seconds")?.metrics[0];
    expect(Number(latency?.count)).toBe(3);
    const ttft = after.get("cortex_serve_time_to_first_token_seconds")?.metrics[0];
    expect(Number(ttft?.count)).toBe(2);
    expect(Number(ttft?.sum)).toBeGreaterThan(0);
    expect(Number(ttft?.sum)).toBeLessThan(Number(latency?.sum));
    expect(Number(after.get("cortex_serve_time_per_output_token_seconds")?.metrics[0]?.count)).toBe(2);
    expect(after.has("cortex_serve_requests_in_flight")).toBe(true);

    // promtool parses it all; its only complaint is the ':' that llama.cpp's names carry on purpose.
    const lint = await promtool(["check", "metrics"], text);
    const complaints = lint.output.split("\n").filter((line) => line !== "");
    expect(complaints.length).toBe(8);
    for (const line of complaints) expect(line).toMatch(/^llamacpp:\w+ metric names should not contain ':'$/);
  });
});
