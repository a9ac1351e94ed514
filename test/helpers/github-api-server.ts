import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local GitHub REST API for issue and pull-request comments: list (paginated with Link headers, as
 * api.github.com does), create and update. Tokens are either `write` (a workflow's GITHUB_TOKEN with
 * `pull-requests: write`) or `read` (the read-only token a pull request from a fork gets): a read token may
 * list but answers 403 "Resource not accessible by integration" on writes, as the real API does.
 */
export interface IssueComment {
  id: number;
  body: string;
  issueNumber: number;
  repo: string;
  user: { login: string };
}

export interface GitHubApiServer {
  /** Use as GITHUB_API_URL (no trailing slash, like https://api.github.com). */
  readonly url: string;
  readonly comments: IssueComment[];
  readonly requests: { method: string; path: string }[];
  close(): Promise<void>;
}

export async function startGitHubApiServer(tokens: Record<string, "read" | "write">): Promise<GitHubApiServer> {
  const comments: IssueComment[] = [];
  const requests: { method: string; path: string }[] = [];
  let nextId = 1000;
  let base = "";

  const render = (comment: IssueComment) => ({
    id: comment.id,
    body: comment.body,
    user: comment.user,
    html_url: `https://github.com/${comment.repo}/issues/${comment.issueNumber}#issuecomment-${comment.id}`,
    url: `${base}/repos/${comment.repo}/issues/comments/${comment.id}`,
  });

  /** An issue's comments: listed a page at a time, or one more posted. */
  function onList(
    repo: string,
    issueNumber: number,
    method: string,
    body: Record<string, unknown>,
    url: URL,
    response: ServerResponse,
  ): void {
    if (method === "GET") {
      const all = comments.filter((comment) => comment.repo === repo && comment.issueNumber === issueNumber);
      const { items, headers } = paginate(all, url);
      json(response, 200, items.map(render), headers);
    } else if (method !== "POST" || typeof body.body !== "string") {
      json(response, 404, { message: "Not Found" });
    } else {
      postComment(repo, issueNumber, body.body, response);
    }
  }

  function postComment(repo: string, issueNumber: number, text: string, response: ServerResponse): void {
    const comment: IssueComment = {
      id: nextId++,
      body: text,
      issueNumber,
      repo,
      user: { login: "github-actions[bot]" },
    };
    comments.push(comment);
    json(response, 201, render(comment));
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", base);
    const method = request.method ?? "GET";
    requests.push({ method, path: url.pathname });
    const access = accessOf(request, tokens);
    if (!access) return json(response, 401, { message: "Bad credentials" });
    const body = await readJson(request);
    const list = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
    const single = /^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (method !== "GET" && access !== "write") {
      return json(response, 403, { message: "Resource not accessible by integration", status: "403" });
    }
    if (list) return onList(list[1] as string, Number(list[2]), method, body, url, response);
    if (single && method === "PATCH" && typeof body.body === "string") {
      const comment = comments.find((candidate) => candidate.repo === single[1] && candidate.id === Number(single[2]));
      if (!comment) return json(response, 404, { message: "Not Found" });
      comment.body = body.body;
      return json(response, 200, render(comment));
    }
    return json(response, 404, { message: "Not Found" });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => json(response, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    comments,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function accessOf(request: IncomingMessage, tokens: Record<string, "read" | "write">): "read" | "write" | undefined {
  const token = /^(?:token|bearer) (.+)$/i.exec(request.headers.authorization ?? "")?.[1];
  return token === undefined ? undefined : tokens[token];
}

/** One page of `all` as the REST API pages, with a Link header to the next page when there is one. */
function paginate<T>(all: readonly T[], url: URL): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30), 100);
  const page = Number(url.searchParams.get("page") ?? 1);
  const items = all.slice((page - 1) * perPage, page * perPage);
  if (page * perPage >= all.length) return { items, headers: {} };
  const next = new URL(url);
  next.searchParams.set("page", String(page + 1));
  next.searchParams.set("per_page", String(perPage));
  return { items, headers: { Link: `<${next.href}>; rel="next"` } };
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { ...headers, "Content-Type": "application/json; charset=utf-8" });
  response.end(text);
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
}
