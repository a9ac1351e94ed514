import { request } from "undici";
import { describeError, TransferError, UsageError } from "../core/errors.js";
import { pushBody } from "./exposition.js";
import { GROUPING_LABELS, type MetricGroup } from "./result-metrics.js";

/** A pushgateway URL that can never work. */
export class PushgatewayUrlError extends UsageError {}

const TIMEOUT_MS = 30_000;

/**
 * A grouping key segment in the form every value survives: `<label>@base64/<base64url>`. A plain segment
 * cannot hold a `/` (a scenario name may), and an empty value is spelled `=`.
 */
function segment(label: string, value: string): string {
  return `${label}@base64/${value === "" ? "=" : Buffer.from(value, "utf8").toString("base64url")}`;
}

/** The group's URL: `<gateway>/metrics/job/<job>/<label>@base64/<value>...`. */
export function groupUrl(gateway: string, job: string, group: MetricGroup): string {
  const base = gateway.replace(/\/+$/, "");
  const key = GROUPING_LABELS.map((label) => segment(label, group.grouping[label])).join("/");
  return `${base}/metrics/${segment("job", job)}/${key}`;
}

export function checkGatewayUrl(gateway: string): void {
  let url: URL;
  try {
    url = new URL(gateway);
  } catch {
    throw new PushgatewayUrlError(`pushgateway URL "${gateway}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new PushgatewayUrlError(`pushgateway URL "${gateway}" must be http or https`);
  }
}

/**
 * Pushes each group with PUT, which replaces whatever the group held: a result is the latest word about its
 * digest and scenario, and a metric the new result lacks must not linger from the old one.
 */
export async function pushGroups(gateway: string, job: string, groups: readonly MetricGroup[]): Promise<string[]> {
  checkGatewayUrl(gateway);
  const urls: string[] = [];
  for (const group of groups) {
    const url = groupUrl(gateway, job, group);
    const { contentType, text } = await pushBody(group);
    const what = `pushgateway ${gateway}, group ${group.grouping.scenario}`;
    let status: number;
    let answer: string;
    try {
      const response = await request(url, {
        method: "PUT",
        headers: { "content-type": contentType },
        body: text,
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS,
      });
      status = response.statusCode;
      answer = (await response.body.text()).trim();
    } catch (error) {
      throw new TransferError(`${what}: ${describeError(error)}`, { cause: error });
    }
    if (status < 200 || status >= 300) {
      throw new TransferError(`${what}: answered ${status}${answer ? `: ${answer.split("\n")[0]}` : ""}`);
    }
    urls.push(url);
  }
  return urls;
}
