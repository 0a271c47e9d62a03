/**
 * Paces chat.postMessage per channel the way Slack tolerates it: a short burst, then about one a
 * second (Slack's "1 per second per channel, short bursts allowed"; a strict fake or real Slack
 * answers 429 to a faster stream, and real Slack may drop part of a burst). A token bucket per
 * channel: `burst` posts at once, then one more every `intervalMs`. Updates are not paced here
 * (chat.update has its own, larger budget and MessageSync already spaces them per message).
 * One pacer is shared by everything that posts to run channels (run messages, reminders, notices):
 * Slack counts them all against the channel.
 */
export interface ChannelPostPacerOptions {
  /** Posts allowed back to back in a quiet channel. */
  burst?: number;
  /** One more post per this many ms once the burst is spent; a little over a second, for clock slop. */
  intervalMs?: number;
}

export const DEFAULT_POST_BURST = 3;
export const DEFAULT_POST_INTERVAL_MS = 1_100;

export class ChannelPostPacer {
  private readonly burst: number;
  private readonly intervalMs: number;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(opts: ChannelPostPacerOptions = {}) {
    this.burst = opts.burst ?? DEFAULT_POST_BURST;
    this.intervalMs = opts.intervalMs ?? DEFAULT_POST_INTERVAL_MS;
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
