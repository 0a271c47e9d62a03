import type { Logger } from '@slack/bolt';
import type { RunMessage, RunMessages } from '../service/runMessages.js';
import { ChannelPostPacer } from '../slack/channelPostPacer.js';
import { findPostedMessage } from '../slack/findPostedMessage.js';
import type { RunMessageRenderer } from '../slack/renderRunMessage.js';
import { newErrorId } from '../slack/replyWithError.js';
import { BACKGROUND_TIMEOUT_MS, type ClientForChannel, classifySlackError, LATE_LANDING_MS, outcomeUnknown } from '../slack/webClients.js';
import { MessageLeases } from './messageLeases.js';
import { createTickLoop, type TickLoop } from './tickLoop.js';
import { isTokenRefusal } from '../slack/tokenRefusals.js';

export const MESSAGE_METADATA_TYPE = 'deployday_message';
const lateLandingOf = (opts: MessageSyncOptions): number => opts.lateLandingMs ?? LATE_LANDING_MS;
export interface MessageSyncOptions {
  /** While true no tick claims work: this replica's database does not answer (src/jobs/databaseProbe.ts). */
  paused?: (() => boolean) | undefined;
  messages: RunMessages;
  render: RunMessageRenderer;
  clientFor: ClientForChannel; // the background client of the channel's workspace
  logger: Logger;
  /** At most one chat.update per message per this many ms: a burst of clicks becomes a few updates. */
  minIntervalMs?: number;
  /** Wait this long after a change before rendering, so clicks arriving together share an update. */
  debounceMs?: number;
  concurrency?: number;
  /** Paces new posts per channel (a short burst, then about one a second), so a run's start draws no 429. */
  postPacer?: ChannelPostPacer;
  /** With replicas: also look this often for messages left unsynced by a replica that died after a click. */
  scanIntervalMs?: number;
  lateLandingMs?: number | undefined; // LATE_LANDING_MS unless a test shortens it
}

/**
 * Brings each run message in Slack up to the state in the database. Clicks only bump a version (fast,
 * inside the ack); this loop renders the latest state and posts or updates, at most once a second per
 * message and one call at a time per channel, pausing a channel for Slack's Retry-After on a 429 and
 * backing off on errors. What a crash left unsynced, or a post in doubt (post_unconfirmed_until, looked
 * for in the channel before posting again: issue 16), is finished at restart from the database's versions.
 * With replicas, a message is posted or updated only by the replica holding its lease (MessageLeases).
 */
export class MessageSync {
  private readonly minIntervalMs: number;
  private readonly debounceMs: number;
  private readonly concurrency: number;
  private readonly loop: TickLoop;
  private readonly postPacer: ChannelPostPacer;
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Channels with a call in flight: one call at a time per channel, so a 429 is seen before the next call. */
  private readonly busyChannels = new Set<string>();
  private readonly notBefore = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  private readonly tokenRefusedRuns = new Set<number>(); // whose token refusal was logged already (logRefusal)
  /**
   * Calls with no answer (timeout, dropped connection) may be carried out by Slack, late. Such a post is recorded (a crash
   * does not forget it) and looked for in the channel before it is posted again (else it appears twice); such an update may
   * land after a newer one, so the message is rendered again after LATE_LANDING_MS (found by test/integration/slackOutage.test.ts).
   */
  private readonly lateUpdateUntil = new Map<string, number>();
  private readonly rechecks = new Map<string, NodeJS.Timeout>();
  private stopped = false;
  private idleWaiters: Array<() => void> = [];
  /** Counters for the benchmarks and the health endpoint. */
  readonly stats = { posts: 0, updates: 0, rateLimited: 0, errors: 0 };
  readonly leases: MessageLeases;

  constructor(private readonly opts: MessageSyncOptions) {
    this.minIntervalMs = opts.minIntervalMs ?? 1_000;
    this.debounceMs = opts.debounceMs ?? 150;
    this.concurrency = opts.concurrency ?? 4;
    this.postPacer = opts.postPacer ?? new ChannelPostPacer();
    this.leases = new MessageLeases(opts.messages, (message) => opts.logger.warn(message));
    // Poke-only on one replica: every wake-up is planned (debounce, per-message interval, a channel's pause).
    this.loop = createTickLoop({
      ...(opts.paused ? { paused: opts.paused } : {}),
      ...(opts.scanIntervalMs !== undefined ? { intervalMs: opts.scanIntervalMs } : {}),
      tick: () => this.pump(),
      onError: (error) => opts.logger.error('message sync pass failed:', error instanceof Error ? error.message : error),
    });
  }

  /** At start: drops the message leases no live replica holds (all, on SQLite), then syncs what is behind. */
  async start(): Promise<void> {
    await this.opts.messages.releaseInterrupted();
    if (this.opts.scanIntervalMs !== undefined) this.loop.start();
    this.notify();
  }

  /** Something changed: sync soon. Cheap and synchronous, safe to call inside an ack. */
  notify(): void {
    if (this.stopped) return;
    this.schedule(Date.now() + this.debounceMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop.stop();
    for (const recheck of this.rechecks.values()) clearTimeout(recheck);
    this.rechecks.clear();
    await Promise.allSettled([...this.inFlight.values()]);
    this.leases.stop();
  }

  /** Resolves once every message is in sync and nothing is in flight (tests, shutdown). */
  async idle(): Promise<void> {
    if (await this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async isIdle(): Promise<boolean> {
    return this.inFlight.size === 0 && (await this.opts.messages.unsynced()).every((m) => this.leases.heldElsewhere(m));
  }

  private schedule(at: number): void {
    if (this.stopped) return;
    this.loop.poke(at - Date.now());
  }

  private async pump(): Promise<void> {
    if (this.stopped) return;
    const now = Date.now();
    const unsynced = await this.opts.messages.unsynced();
    let nextWake = Infinity;
    const byRun = new Map<number, RunMessage[]>();
    for (const m of unsynced) byRun.set(m.runId, [...(byRun.get(m.runId) ?? []), m]);

    for (const [runId, messages] of byRun) {
      // Messages are posted in order, one at a time per run, so the channel reads top to bottom.
      const firstUnposted = messages.find((m) => m.ts === null);
      for (const message of messages) {
        if (this.inFlight.size >= this.concurrency) break;
        const id = `${runId}/${message.key}`;
        if (this.inFlight.has(id) || this.busyChannels.has(message.channelId)) continue;
        if (message.ts === null && message !== firstUnposted) continue;
        if (message.ts === null && [...this.inFlight.keys()].some((k) => k.startsWith(`${runId}/`))) continue;
        // Another replica is syncing it: it reads the version again after its call.
        if (this.leases.leaveToHolder(message, now)) continue;
        const paced = message.ts === null ? this.postPacer.readyAt(message.channelId, now) : 0;
        const ready = Math.max(this.notBefore.get(id) ?? 0, this.postPacer.pausedUntil(message.channelId), paced);
        if (ready > now) {
          nextWake = Math.min(nextWake, ready);
          continue;
        }
        this.busyChannels.add(message.channelId);
        const work = this.syncOne(message).finally(() => {
          this.inFlight.delete(id);
          this.busyChannels.delete(message.channelId);
          this.schedule(Date.now());
        });
        this.inFlight.set(id, work);
      }
    }
    if (nextWake < Infinity) this.schedule(nextWake);
    if (this.inFlight.size === 0 && unsynced.every((m) => this.leases.heldElsewhere(m, now))) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** Syncs a message while holding its lease; one another replica holds is left to it. */
  private async syncOne(stale: RunMessage): Promise<void> {
    await this.leases.withLease(stale, () => this.syncHeld(stale));
  }

  private async syncHeld(stale: RunMessage): Promise<void> {
    const id = `${stale.runId}/${stale.key}`;
    const { messages } = this.opts;
    const message = await messages.find(stale.runId, stale.key);
    if (!message || message.syncedVersion >= message.version) return;
    // The version is read before rendering: a change that lands during the call leaves it unsynced.
    const version = message.version;
    try {
      const client = await this.opts.clientFor(message.channelId);
      if (message.ts === null && message.postUnconfirmedUntil !== null) {
        // An earlier post (this process's, or one a kill cut short) may still land: wait until it
        // could have, then look for it before posting again.
        if (message.postUnconfirmedUntil > Date.now()) {
          this.notBefore.set(id, message.postUnconfirmedUntil);
          return;
        }
        const earlier = await findPostedMessage(
          client,
          message.channelId,
          (m) => m.event_type === MESSAGE_METADATA_TYPE && m.event_payload?.run_id === message.runId && m.event_payload?.key === message.key,
        );
        if (earlier.kind === 'retry') {
          this.notBefore.set(id, Date.now() + earlier.retryInMs);
          return;
        }
        if (earlier.kind === 'found') {
          // It arrived after all, with whatever version it carried: record it, and update it to the latest.
          await messages.posted(message.runId, message.key, earlier.ts, 0);
          this.opts.logger.info(`run ${message.runId} message ${message.key} had reached Slack after all; updating it instead of posting again`);
          return;
        }
        // Absent, or history unreadable (a missing scope): post again; a rare duplicate beats a missing checklist.
      }
      // A post takes its slot in the channel's pace (shared with the other replicas), or waits for it.
      const slot = message.ts === null ? await this.postPacer.take(message.channelId, Date.now()) : 0;
      if (slot > 0) return void this.notBefore.set(id, slot);
      const rendered = await this.opts.render(message.runId, message.key);
      if (message.ts === null) {
        // Recorded before the call: a kill during it leaves the doubt behind for the restart.
        await messages.postInDoubtUntil(message.runId, message.key, Date.now() + BACKGROUND_TIMEOUT_MS + lateLandingOf(this.opts));
        const result = await client.chat.postMessage({
          channel: message.channelId,
          text: rendered.text,
          blocks: rendered.blocks,
          unfurl_links: false,
          unfurl_media: false,
          metadata: { event_type: MESSAGE_METADATA_TYPE, event_payload: { run_id: message.runId, key: message.key } },
        });
        this.postPacer.answered(message.channelId, Date.now());
        await messages.posted(message.runId, message.key, String(result.ts), version);
        this.stats.posts += 1;
      } else {
        await client.chat.update({ channel: message.channelId, ts: message.ts, text: rendered.text, blocks: rendered.blocks });
        await messages.synced(message.runId, message.key, version);
        this.stats.updates += 1;
        this.recheckAfterLateUpdates(id, message.runId, message.key);
      }
      this.failures.delete(id);
      this.notBefore.set(id, Date.now() + this.minIntervalMs);
    } catch (error) {
      const failure = classifySlackError(error);
      if (message.ts === null) {
        if (outcomeUnknown(error)) await messages.postInDoubtUntil(message.runId, message.key, Date.now() + lateLandingOf(this.opts));
        else await messages.postNotMade(message.runId, message.key);
      }
      const attempts = (this.failures.get(id) ?? 0) + 1;
      this.failures.set(id, attempts);
      if (failure.kind === 'rate_limited') {
        this.stats.rateLimited += 1;
        await this.postPacer.rateLimited(message.channelId, Date.now() + failure.retryAfterMs);
        this.opts.logger.warn(`Slack rate-limited channel ${message.channelId}; pausing its updates for ${failure.retryAfterMs} ms`);
      } else if (failure.kind === 'transient') {
        this.stats.errors += 1;
        let backoff = Math.min(30_000, 500 * 2 ** Math.min(attempts, 6));
        if (outcomeUnknown(error) && message.ts === null) {
          // Wait until a late arrival would have landed, then look for it before posting again.
          backoff = Math.max(backoff, lateLandingOf(this.opts));
        } else if (outcomeUnknown(error)) {
          this.lateUpdateUntil.set(id, Math.max(this.lateUpdateUntil.get(id) ?? 0, Date.now() + lateLandingOf(this.opts)));
        }
        this.notBefore.set(id, Date.now() + backoff);
        this.opts.logger.warn(`Slack call for run ${message.runId} message ${message.key} failed (${failure.detail}); retrying in ${backoff} ms`);
      } else {
        this.stats.errors += 1;
        // A rejection repeats until the content changes, so wait long before trying the same again.
        this.notBefore.set(id, Date.now() + Math.min(300_000, 5_000 * attempts));
        await messages.refused(message.runId, message.key, `${failure.error} ${failure.detail}`.trim());
        this.logRefusal(message.runId, message.key, failure.error, failure.detail);
      }
    }
  }

  /**
   * A refused token (revoked, uninstalled) refuses every message of the run alike: that is logged
   * once per run, with an error id, not once per message and retry. Other refusals are each logged.
   */
  private logRefusal(runId: number, key: string, error: string, detail: string): void {
    if (isTokenRefusal(error)) {
      if (this.tokenRefusedRuns.has(runId)) return;
      this.tokenRefusedRuns.add(runId);
      this.opts.logger.error(
        `[${newErrorId()}] Slack refuses deployday's token for run ${runId}'s channel (${error}): its messages wait, its state is kept; install the app again`,
      );
      return;
    }
    this.opts.logger.error(`[${newErrorId()}] Slack rejected run ${runId} message ${key}: ${error} ${detail}`);
  }

  /** After an update succeeded: if an unanswered earlier update may still land, render the message once more after it could have. */
  private recheckAfterLateUpdates(id: string, runId: number, key: string): void {
    const until = this.lateUpdateUntil.get(id);
    if (until === undefined) return;
    this.lateUpdateUntil.delete(id);
    const wait = until - Date.now();
    if (wait <= 0) return;
    const previous = this.rechecks.get(id);
    if (previous) clearTimeout(previous);
    const bumpAgain = async (): Promise<void> => {
      this.rechecks.delete(id);
      if (this.stopped) return;
      try {
        await this.opts.messages.bump(runId, key);
        this.notify();
      } catch (error) {
        this.opts.logger.error(
          `message ${key} of run ${runId}: re-render after a late update failed:`,
          error instanceof Error ? error.message : error,
        );
      }
    };
    // Fire and forget: bumpAgain logs its own errors.
    const recheck = setTimeout(() => void bumpAgain(), wait);
    recheck.unref?.();
    this.rechecks.set(id, recheck);
  }
}
