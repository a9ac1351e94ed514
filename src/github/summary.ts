import * as core from "@actions/core";

/**
 * Appends Markdown to the job summary. Outside a runner (no GITHUB_STEP_SUMMARY) there is no summary to
 * write, which is not a failure of the step: the text goes to the log instead.
 */
export async function appendSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.info(markdown);
    return;
  }
  await core.summary.addRaw(markdown, true).write();
}
