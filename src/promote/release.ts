import type { Digest } from "../core/digest.js";
import type { Descriptor, ReadOnlyTarget, Target } from "../core/target.js";
import { type ChannelLockOptions, withChannelLock } from "./channel-lock.js";
import type { Provenance } from "./history-entry.js";
import { planTags } from "./plan.js";
import type { Requirement } from "./policy.js";
import { type PromoteOptions, promote, resolveOrNone } from "./promote.js";
import { revert } from "./revert.js";

/**
 * Blue/green release of a model digest on a channel. The channel is three tags in one repository: the two
 * colours `<channel>-blue` and `<channel>-green`, and the live tag `<channel>` that clients pull. A release
 * promotes the digest to the idle colour, checks the idle colour as the registry serves it, moves the live
 * tag to it, checks again, and moves the live tag back by itself when that last check fails. Every tag move
 * goes through promote and revert, so each one is in its tag's history with the reason.
 */

export const COLOURS = ["blue", "green"] as const;
export type Colour = (typeof COLOURS)[number];

export interface ChannelTags {
  readonly live: string;
  readonly blue: string;
  readonly green: string;
}

/** The tags of a channel; refuses a channel whose tags could not exist or are reserved. */
export function channelTags(channel: string): ChannelTags {
  const tags = { live: channel, blue: `${channel}-blue`, green: `${channel}-green` };
  planTags([tags.live, tags.blue, tags.green], false);
  return tags;
}

/** What a check is given: the digest under test, how to pull it by tag, and what was live before. */
export interface ReleaseSubject {
  readonly colour: Colour;
  /** The channel's repository, as references spell it (`registry/repository`, `oci:<dir>`). */
  readonly repository: string;
  /** `<repository>:<tag>`: the idle colour before the switch, the live tag after it. */
  readonly tagReference: string;
  /** `<repository>@<digest>`. */
  readonly reference: string;
  readonly digest: Digest;
  /** The live tag's digest before this release; null when the channel had none. */
  readonly previous: Digest | null;
}

export interface ReleaseCheckResult {
  readonly passed: boolean;
  /** One line: what was checked and how it went. */
  readonly detail: string;
  /** The digest the check actually served, when it pulled one; it must be the released digest. */
  readonly digest?: Digest;
}

export type ReleaseCheck = (subject: ReleaseSubject) => Promise<ReleaseCheckResult>;

export type ReleaseStepName = "promote-idle" | "pre-check" | "switch" | "post-check" | "switch-back";

export interface ReleaseStep {
  readonly step: ReleaseStepName;
  readonly status: "done" | "failed" | "skipped" | "planned";
  readonly detail: string;
}

export type ReleaseOutcome = "released" | "already-live" | "planned" | "pre-check-failed" | "post-check-failed";

export interface ReleaseOptions extends Provenance {
  readonly source: ReadOnlyTarget;
  readonly digest: Digest;
  /** The repository that holds the channel's tags. */
  readonly destination: Target;
  readonly channel: string;
  /** Result kinds that must have passed for the digest before it may even reach the idle colour. */
  readonly require?: readonly Requirement[];
  /** Trusted signers, checked as promote checks them before the digest reaches the idle colour. */
  readonly trust?: PromoteOptions["trust"];
  /** Sign the digest where it is released, as promote signs it, before any tag moves. */
  readonly sign?: PromoteOptions["sign"];
  readonly dryRun?: boolean;
  /** Before the switch, on the idle colour; a failure leaves the live tag untouched. */
  readonly preSwitch?: ReleaseCheck;
  /** After the switch, on the live tag; a failure moves the live tag back. */
  readonly postSwitch?: ReleaseCheck;
  readonly lock?: Omit<ChannelLockOptions, "now" | "signal">;
  readonly onStep?: (step: ReleaseStep) => void;
  readonly now?: () => Date;
  readonly signal?: AbortSignal | undefined;
}

export interface ReleaseResult {
  readonly destination: string;
  readonly channel: string;
  readonly digest: Digest;
  /** The colour the digest was released to (or, when already live, the colour that holds it). */
  readonly colour: Colour | null;
  readonly tags: ChannelTags;
  /** The live tag's digest before the release. */
  readonly previous: Digest | null;
  /** The live tag's digest after it. */
  readonly live: Digest | null;
  readonly switchedBack: boolean;
  readonly outcome: ReleaseOutcome;
  readonly steps: readonly ReleaseStep[];
}

/** Exit status of a release: 0 when the channel serves the digest (or a plan was printed), 1 otherwise. */
export function releaseExitCode(result: ReleaseResult): 0 | 1 {
  return result.outcome === "pre-check-failed" || result.outcome === "post-check-failed" ? 1 : 0;
}

/** The colour not serving live traffic: the other one than the live digest's, else an empty one, else blue. */
export function idleColour(
  live: Digest | undefined,
  colours: Readonly<Record<Colour, Digest | undefined>>,
): { idle: Colour; active: Colour | null } {
  const active = COLOURS.find((c) => live !== undefined && colours[c] === live) ?? null;
  if (active) return { idle: active === "blue" ? "green" : "blue", active };
  return { idle: COLOURS.find((c) => colours[c] === undefined) ?? "blue", active: null };
}

function withReason(options: ReleaseOptions, what: string): Provenance {
  const reason = options.reason ? `${what}: ${options.reason}` : what;
  return {
    ...(options.actor ? { actor: options.actor } : {}),
    ...(options.runUrl ? { runUrl: options.runUrl } : {}),
    reason,
  };
}

export async function release(options: ReleaseOptions): Promise<ReleaseResult> {
  const tags = channelTags(options.channel);
  const run = () => releaseLocked(options, tags);
  if (options.dryRun) return run();
  return withChannelLock(options.destination, options.channel, run, {
    ...options.lock,
    ...(options.now ? { now: options.now } : {}),
    signal: options.signal,
  });
}

async function releaseLocked(options: ReleaseOptions, tags: ChannelTags): Promise<ReleaseResult> {
  const { destination, digest, signal } = options;
  const [live, blue, green] = await Promise.all(
    [tags.live, tags.blue, tags.green].map((tag) => resolveOrNone(destination, tag, signal)),
  );
  const { idle, active } = idleColour(live?.digest, { blue: blue?.digest, green: green?.digest });
  const run = new ReleaseRun(options, tags, idle, live?.digest ?? null);
  if (run.previous === digest) {
    run.step({ step: "switch", status: "skipped", detail: `${tags.live} already points at ${digest}` });
    return run.result("already-live", active, run.previous);
  }
  if (options.dryRun) return planRelease(run, idle === "blue" ? blue : green);

  await promoteIdle(run);
  const pre = await preCheck(options, run.idleTag, run.subject(`${destination.name}:${run.idleTag}`));
  run.step(pre);
  if (pre.status === "failed") return run.result("pre-check-failed", idle, run.previous);
  await switchLive(run);
  return postCheck(run);
}

/** A release under way: what it read of the channel, and the steps it has taken. */
class ReleaseRun {
  readonly steps: ReleaseStep[] = [];

  constructor(
    readonly options: ReleaseOptions,
    readonly tags: ChannelTags,
    readonly idle: Colour,
    /** The live tag's digest before this release. */
    readonly previous: Digest | null,
  ) {}

  get idleTag(): string {
    return this.tags[this.idle];
  }

  step(step: ReleaseStep): void {
    this.steps.push(step);
    this.options.onStep?.(step);
  }

  subject(tagReference: string): ReleaseSubject {
    const { destination, digest } = this.options;
    const reference = `${destination.name}@${digest}`;
    return {
      colour: this.idle,
      repository: destination.name,
      tagReference,
      reference,
      digest,
      previous: this.previous,
    };
  }

  result(outcome: ReleaseOutcome, colour: Colour | null, live: Digest | null, switchedBack = false): ReleaseResult {
    const { destination, channel, digest } = this.options;
    const { tags, previous, steps } = this;
    return {
      destination: destination.name,
      channel,
      digest,
      colour,
      tags,
      previous,
      live,
      switchedBack,
      outcome,
      steps,
    };
  }
}

/** A dry run: the steps a release would take, and nothing moved. */
function planRelease(run: ReleaseRun, idleNow: Descriptor | undefined): ReleaseResult {
  const { options, tags, previous } = run;
  const repository = options.destination.name;
  run.step({
    step: "promote-idle",
    status: "planned",
    detail: `${run.idleTag}: ${idleNow?.digest ?? "none"} -> ${options.digest}`,
  });
  run.step({
    step: "pre-check",
    status: "planned",
    detail: options.preSwitch ? `check ${repository}:${run.idleTag}` : "none asked for",
  });
  run.step({ step: "switch", status: "planned", detail: `${tags.live}: ${previous ?? "none"} -> ${options.digest}` });
  run.step({
    step: "post-check",
    status: "planned",
    detail: options.postSwitch
      ? `check ${repository}:${tags.live}, switch back to ${previous ?? "nothing"} on failure`
      : "none asked for",
  });
  return run.result("planned", run.idle, previous);
}

/** The time and cancellation every tag move of a release shares. */
function moveOptions(options: ReleaseOptions): Pick<PromoteOptions, "now" | "signal"> {
  return { ...(options.now ? { now: options.now } : {}), signal: options.signal };
}

/** The digest to the idle colour, through promote and with its requirements, trust and signing. */
async function promoteIdle(run: ReleaseRun): Promise<void> {
  const { options } = run;
  await promote({
    source: options.source,
    digest: options.digest,
    destination: options.destination,
    tags: [run.idleTag],
    ...(options.require ? { require: options.require } : {}),
    ...(options.trust ? { trust: options.trust } : {}),
    ...(options.sign ? { sign: options.sign } : {}),
    ...withReason(options, `release ${options.channel}: promote to the idle colour ${run.idle}`),
    ...moveOptions(options),
  });
  run.step({ step: "promote-idle", status: "done", detail: `${run.idleTag} -> ${options.digest}` });
}

/** The live tag to the idle colour's digest. */
async function switchLive(run: ReleaseRun): Promise<void> {
  const { options, tags } = run;
  await promote({
    source: options.destination,
    digest: options.digest,
    destination: options.destination,
    tags: [tags.live],
    ...withReason(options, `release ${options.channel}: switch to ${run.idle}`),
    ...moveOptions(options),
  });
  run.step({ step: "switch", status: "done", detail: `${tags.live}: ${run.previous ?? "none"} -> ${options.digest}` });
}

/** The check after the switch; on failure the live tag goes back to what it was, when it was anything. */
async function postCheck(run: ReleaseRun): Promise<ReleaseResult> {
  const { options, tags, idle, previous } = run;
  const { digest } = options;
  if (!options.postSwitch) {
    run.step({ step: "post-check", status: "skipped", detail: "none asked for" });
    return run.result("released", idle, digest);
  }
  const post = await options.postSwitch(run.subject(`${options.destination.name}:${tags.live}`));
  if (post.passed) {
    run.step({ step: "post-check", status: "done", detail: post.detail });
    return run.result("released", idle, digest);
  }
  run.step({ step: "post-check", status: "failed", detail: post.detail });
  if (previous === null) {
    run.step({
      step: "switch-back",
      status: "failed",
      detail: `${tags.live} had no digest before this release, so there is nothing to switch back to; it stays at ${digest}`,
    });
    return run.result("post-check-failed", idle, digest);
  }
  await revert({
    target: options.destination,
    tag: tags.live,
    to: { digest: previous },
    ...withReason(options, `release ${options.channel}: switch back, post-switch check failed: ${post.detail}`),
    ...moveOptions(options),
  });
  run.step({ step: "switch-back", status: "done", detail: `${tags.live}: ${digest} -> ${previous}` });
  return run.result("post-check-failed", idle, previous, true);
}

async function preCheck(options: ReleaseOptions, idleTag: string, subject: ReleaseSubject): Promise<ReleaseStep> {
  const fail = (detail: string): ReleaseStep => ({ step: "pre-check", status: "failed", detail });
  // Read back by tag: what a pull of the idle colour gets, not what this process meant to write.
  const served = await resolveOrNone(options.destination, idleTag, options.signal);
  if (served?.digest !== options.digest) {
    return fail(`${idleTag} points at ${served?.digest ?? "nothing"}, not ${options.digest}`);
  }
  if (!options.preSwitch) {
    return {
      step: "pre-check",
      status: "skipped",
      detail: `${idleTag} reads back as ${options.digest}; no check asked for`,
    };
  }
  const check = await options.preSwitch(subject);
  if (check.digest !== undefined && check.digest !== options.digest) {
    return fail(`pulling ${subject.tagReference} gave ${check.digest}, not ${options.digest}`);
  }
  return check.passed ? { step: "pre-check", status: "done", detail: check.detail } : fail(check.detail);
}
