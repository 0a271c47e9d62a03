import type { ChannelPace } from '../service/channelPace.js';

/**
 * Paces chat.postMessage per channel the way Slack tolerates it: a short burst, then about one a
 * second (Slack's "1 per second per channel, short bursts allowed"; a strict fake or real Slack
 * answers 429 to a faster stream, and real Slack may drop part of a burst). A token bucket per
 * channel: `burst` posts at once, then one more every `intervalMs`. Updates are not paced here
 * (chat.update has its own, larger budget and MessageSync already spaces them per message).
 * One pacer is shared by everything that posts to run channels (run messages, reminders, notices):
 * Slack counts them all against the channel. With `shared` (service/channelPace.ts) the pace and
 * the 429 pauses are also shared with the other replicas through the database: `take` asks it for
 * the slot once this process's own bucket allows a post, so a channel gets one pace however many
 * replicas post to it.
 */
export interface ChannelPostPacerOptions {
  /** Posts allowed back to back in a quiet channel. */
  burst?: number;
  /** One more post per this many ms once the burst is spent; a little over a second, for clock slop. */
  intervalMs?: number;
  /** The pace shared between replicas (the database); without it, this process paces alone. */
  shared?: ChannelPace;
}

export const DEFAULT_POST_BURST = 3;
export const DEFAULT_POST_INTERVAL_MS = 1_100;

export class ChannelPostPacer {
  private readonly burst: number;
  private readonly intervalMs: number;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly pauses = new Map<string, number>();
  private readonly shared: ChannelPace | undefined;

  constructor(opts: ChannelPostPacerOptions = {}) {
    this.burst = opts.burst ?? DEFAULT_POST_BURST;
    this.intervalMs = opts.intervalMs ?? DEFAULT_POST_INTERVAL_MS;
    this.shared = opts.shared;
  }

  /**
   * Takes a post to this channel now, if it may go: `0`, and the post is counted (here and in the
   * shared pace); otherwise when to try again, nothing taken. Call it right before the request.
   */
  async take(channelId: string, now: number): Promise<number> {
    const local = Math.max(this.readyAt(channelId, now), this.pausedUntil(channelId));
    if (local > now) return local;
    const shared = (await this.shared?.take(channelId, now, { intervalMs: this.intervalMs, burst: this.burst })) ?? 0;
    if (shared > now) return shared;
    this.spend(channelId, now);
    return 0;
  }

  /**
   * Slack answered 429 for this channel: posts here (and, shared, on every replica) wait until
   * `until`. Never throws: this process's pause holds even when the database cannot take it.
   */
  async rateLimited(channelId: string, until: number): Promise<void> {
    if (until > this.pausedUntil(channelId)) this.pauses.set(channelId, until);
    await this.shared?.pause(channelId, until).catch(() => undefined);
  }

  /** The end of the last 429 pause this process saw on the channel (0: none). */
  pausedUntil(channelId: string): number {
    return this.pauses.get(channelId) ?? 0;
  }

  /** When the next post to this channel may go (≤ now: at once). Spends nothing. */
  readyAt(channelId: string, now: number): number {
    const tokens = this.tokens(channelId, now);
    if (tokens >= 1) return now;
    return now + Math.ceil((1 - tokens) * this.intervalMs);
  }

  /** Records a post made now (call it before the request leaves, so a concurrent one waits). */
  spend(channelId: string, now: number): void {
    this.buckets.set(channelId, { tokens: this.tokens(channelId, now) - 1, at: now });
  }

  /**
   * The post has been answered: count it as made now rather than when it left. Slack counts a post
   * when it arrives, which may be any time up to the answer; a slow call followed by fast ones would
   * otherwise squeeze more posts into one of Slack's seconds than the pacer meant.
   */
  answered(channelId: string, now: number): void {
    const bucket = this.buckets.get(channelId);
    if (bucket && bucket.at < now) bucket.at = now;
  }

  private tokens(channelId: string, now: number): number {
    const bucket = this.buckets.get(channelId);
    if (!bucket) return this.burst;
    const refilled = bucket.tokens + (now - bucket.at) / this.intervalMs;
    return Math.min(this.burst, refilled);
  }
}
