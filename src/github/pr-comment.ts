import * as core from "@actions/core";
import { getOctokit } from "@actions/github";
import { CortexError, describeError } from "../core/errors.js";

/** The GitHub API refused or failed a comment call for a reason other than a read-only token. */
export class CommentError extends CortexError {}

export interface UpsertCommentOptions {
  readonly token: string;
  /** `owner/name`. */
  readonly repo: string;
  readonly issueNumber: number;
  /** Names this comment among the others (one comment per gate): kept in the body as a hidden HTML comment. */
  readonly marker: string;
  /** Markdown. */
  readonly body: string;
  /** Defaults to GITHUB_API_URL, then https://api.github.com (GitHub Enterprise sets GITHUB_API_URL). */
  readonly apiUrl?: string;
}

export type UpsertResult =
  | { readonly status: "created" | "updated"; readonly id: number; readonly url: string }
  /** The token may not write here (a pull request from a fork): the caller writes the job summary instead. */
  | { readonly status: "skipped"; readonly reason: string };

export function hiddenMarker(marker: string): string {
  return `<!-- cortex-model:${marker.replaceAll("--", "- -")} -->`;
}

/** Creates the pull-request comment carrying `marker`, or updates it in place on later runs: never a second one. */
export async function upsertComment(options: UpsertCommentOptions): Promise<UpsertResult> {
  const [owner, repo] = options.repo.split("/");
  if (!owner || !repo) throw new CommentError(`repository "${options.repo}" is not of the form owner/name`);
  const octokit = getOctokit(options.token, {
    baseUrl: options.apiUrl ?? process.env.GITHUB_API_URL ?? "https://api.github.com",
  });
  const marker = hiddenMarker(options.marker);
  const body = `${marker}\n${options.body}`;
  const where = `${options.repo}#${options.issueNumber}`;
  try {
    const existing = await findComment(octokit, { owner, repo, issue_number: options.issueNumber }, marker);
    const response = existing
      ? await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing, body })
      : await octokit.rest.issues.createComment({ owner, repo, issue_number: options.issueNumber, body });
    return { status: existing ? "updated" : "created", id: response.data.id, url: response.data.html_url };
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (status === 403 || status === 404) {
      const reason = `the token cannot write comments on ${where} (HTTP ${status}; a pull request from a fork gets a read-only token)`;
      core.warning(`Not commenting: ${reason}. The report is in the job summary.`);
      return { status: "skipped", reason };
    }
    throw new CommentError(`could not write the comment on ${where}: ${describeError(error)}`, { cause: error });
  }
}

type Octokit = ReturnType<typeof getOctokit>;

async function findComment(
  octokit: Octokit,
  issue: { owner: string; repo: string; issue_number: number },
  marker: string,
): Promise<number | undefined> {
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, { ...issue, per_page: 100 })) {
    const found = page.data.find((comment) => comment.body?.includes(marker));
    if (found) return found.id;
  }
  return undefined;
}
