// What the compatibility runner costs on top of the requests it sends: a 200-case suite against a loopback
// OpenAI-compatible endpoint that answers at once, run through testModel (assertions, diffs, summary) and,
// side by side, the same 200 requests sent with the bare client. Interleaved, medians of 7 rounds each.
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { OpenAIClient } from "../lib/client/openai-client.js";
import { parseSuite } from "../lib/compat/suite-load.js";
import { testModel } from "../lib/compat/test-model.js";

const CASES = 200;
const ROUNDS = 7;

const server = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk) => {
    body += chunk;
  });
  request.on("end", () => {
    response.setHeader("content-type", "application/json");
    if (request.url === "/v1/models") return response.end('{"object":"list","data":[{"id":"m"}]}');
    const text = `{"answer": ${JSON.parse(body).prompt.length}, "note": "ok"}`;
    response.end(
      JSON.stringify({
        choices: [{ index: 0, text, finish_reason: "stop" }],
        usage: { prompt_tokens: 5, completion_tokens: 9 },
      }),
    );
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const baseUrl = `http://127.0.0.1:${server.address().port}/v1`;

const cases = Array.from(
  { length: CASES },
  (_, i) => `  - id: case-${i}
    prompt: "question number ${i}"
    assert:
      - { type: is-json }
      - { type: json-schema, schema: { type: object, required: [answer] } }
      - { type: regex, value: "answer" }
      - { type: not-contains, value: error }
      - { type: max-tokens, value: 20 }
      - { type: finish-reason, value: stop }`,
);
const suite = await parseSuite("bench.yaml", `cases:\n${cases.join("\n")}\n`, tmpdir());
const client = new OpenAIClient({ baseUrl });

async function bare() {
  for (const c of suite.cases) {
    await client.generate({ model: "m", api: "completions", prompt: c.prompt, options: c.options, stream: false });
  }
}
async function runner() {
  const results = await testModel({ suite, endpoint: { client, model: { name: "m" } } });
  if (results.summary.passed !== CASES)
    throw new Error(`expected every case to pass: ${JSON.stringify(results.summary)}`);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const timings = { bare: [], runner: [] };
await bare();
await runner();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries({ bare, runner })) {
    const started = performance.now();
    await run();
    timings[name].push(performance.now() - started);
  }
}
server.close();

const bareMs = median(timings.bare);
const runnerMs = median(timings.runner);
console.log(`### Compatibility runner overhead (${CASES} cases, 6 assertions each, loopback endpoint)

| | median wall time | per case |
| --- | ---: | ---: |
| bare client, ${CASES} requests | ${bareMs.toFixed(1)} ms | ${(bareMs / CASES).toFixed(2)} ms |
| testModel (requests + assertions) | ${runnerMs.toFixed(1)} ms | ${(runnerMs / CASES).toFixed(2)} ms |
| ratio runner / bare | ${(runnerMs / bareMs).toFixed(2)} | |

Medians of ${ROUNDS} interleaved rounds after one warm-up each; reproduce with \`npm run bench:compat\`.`);
