import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CommentError, hiddenMarker, upsertComment } from "../../../src/github/pr-comment.js";
import { type GitHubApiServer, startGitHubApiServer } from "../../helpers/github-api-server.js";

describe("upsertComment against a local GitHub REST API", () => {
  let api: GitHubApiServer;
  const base = { repo: "cortex/app", issueNumber: 7, marker: "bench-gate" };

  beforeAll(async () => {
    api = await startGitHubApiServer({ "write-token": "write", "fork-token": "read" });
  });
  afterAll(() => api.close());
  beforeEach(() => {
    api.comments.length = 0;
    api.requests.length = 0;
  });

  it("creates the comment on the first run and updates the same one on the second", async () => {
    const first = await upsertComment({ ...base, token: "write-token", body: "run 1", apiUrl: api.url });
    expect(first.status).toBe("created");
    const second = await upsertComment({ ...base, token: "write-token", body: "run 2", apiUrl: api.url });
    expect(second).toMatchObject({ status: "updated" });
    expect(second.status !== "skipped" && first.status !== "skipped" && second.id === first.id).toBe(true);
    expect(api.comments).toHaveLength(1);
    expect(api.comments[0]?.body).toBe(`${hiddenMarker("bench-gate")}\nrun 2`);
  });

  it("finds its comment past the first page and leaves other comments alone", async () => {
    for (let i = 0; i < 130; i++) {
      api.comments.push({ id: i + 1, body: `chatter ${i}`, issueNumber: 7, repo: "cortex/app", user: { login: "x" } });
    }
    await upsertComment({ ...base, token: "write-token", body: "first", apiUrl: api.url });
    await upsertComment({ ...base, marker: "compat-gate", token: "write-token", body: "other gate", apiUrl: api.url });
    await upsertComment({ ...base, token: "write-token", body: "second", apiUrl: api.url });
    expect(api.comments).toHaveLength(132);
    expect(api.comments.filter((comment) => comment.body.includes(hiddenMarker("bench-gate")))).toHaveLength(1);
    expect(api.comments.find((comment) => comment.body.includes(hiddenMarker("bench-gate")))?.body).toMatch(/second$/);
    expect(api.comments.find((comment) => comment.body.includes(hiddenMarker("compat-gate")))?.body).toMatch(
      /other gate$/,
    );
    expect(api.requests.filter((request) => request.method === "GET").length).toBeGreaterThan(2);
  });

  it("a fork's read-only token is skipped with a reason, not an error", async () => {
    const result = await upsertComment({ ...base, token: "fork-token", body: "report", apiUrl: api.url });
    expect(result.status).toBe("skipped");
    expect(result.status === "skipped" && result.reason).toMatch(/HTTP 403/);
    expect(api.comments).toHaveLength(0);
  });

  it("a bad token is an error naming the cause", async () => {
    await expect(upsertComment({ ...base, token: "nope", body: "x", apiUrl: api.url })).rejects.toThrow(CommentError);
    await expect(upsertComment({ ...base, token: "nope", body: "x", apiUrl: api.url })).rejects.toThrow(
      /Bad credentials/,
    );
  });
});
