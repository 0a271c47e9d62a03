import type { Logger } from '@slack/bolt';
import type { OutgoingReminder, PostOutcome, ReminderPoster } from '../service/reminderDelivery.js';
import type { TimelineService } from '../service/timelineService.js';
import { LEASE_MS } from '../service/workLeases.js';
import { LeaseRenewer } from './leaseRenewer.js';
import { createTickLoop, type TickLoop } from './tickLoop.js';

export type { PostOutcome, ReminderPoster };

/** A poke waits this long, so reminders queued by one click go out in one pass. */
const POKE_DELAY_MS = 20;

/**
 * The wake timer fires this much after the moment it aims at: a due time converted from an
 * accelerated clock is rounded, and a lease ends strictly after `lease_until` (store/leases.ts).
 */
const WAKE_MARGIN_MS = 5;

/** The wake timer is set at most this far ahead; the heartbeat covers what it does not. */
const MAX_WAKE_MS = 60_000;

/**
 * With no run active and no reminder pending anywhere, the poller looks this often (for a run
 * another replica starts) instead of every second: see "The heartbeat" below.
 */
const IDLE_LOOK_MS = 5_000;

/**
 * The poller, one per replica: every second, claim the due rows (an atomic UPDATE … RETURNING,
 * under this replica's lease, renewed while they are being sent), send each, and mark it sent. A
 * row is claimed before it is sent and marked after, so a crash in between leaves it `claimed`:
 * the restart reconciles those (see reconcileClaimedReminders in slack/reminderPoster.ts), and
 * another replica claims them once the lease runs out and looks for each in the channel before
 * posting it (reclaimedFrom), instead of sending blindly again.
 *
 * The heartbeat alone would make a reminder up to one beat late, and a dead replica's rows up to
 * one beat after its lease ends. So after each pass the poller sets one timer for the moment it can
 * next take something (the earliest due time, or the earliest lease another replica holds): a
 * reminder goes out at its due time, and a taken-over one a few ms after the lease ran out.
 *
 * The heartbeat (node-cron, every second) runs only while there is something to time: a reminder
 * pending or claimed, or an active run whose escalation rules read the clock (afterTick). Each
 * node-cron beat reads the time through Intl.DateTimeFormat, and its first use pages in about
 * 8 MiB of the ICU data in the node binary, which then stay resident: an idle bot between
 * deployments has no reason to pay that (issue 14's idle memory). Idle, a plain timer looks every
 * IDLE_LOOK_MS for runs started elsewhere; a run started here pokes the poller at once (onQueued).
 */
export class ReminderPoller {
  private readonly loop: TickLoop;
  private readonly claims: LeaseRenewer<number>;
  private stopped = false;
  /** Wake timers only once started: a rehearsal drives its passes itself (tick) on a clock that stands still. */
  private started = false;

  constructor(
    private readonly timeline: TimelineService,
    private readonly post: ReminderPoster,
    private readonly logger: Logger,
    private readonly now: () => number,
    /** After each send (the escalation rules read the same clock). */
    private readonly afterTick: () => Promise<void> | void = () => {},
    /** While true no pass claims reminders: this replica's database does not answer (src/jobs/databaseProbe.ts). */
    paused: () => boolean = () => false,
  ) {
    this.loop = createTickLoop({
      paused,
      // Every second, on node-cron: reminders are due at wall-clock moments, to the minute.
      cron: {
        expression: '* * * * * *',
        name: 'deployday-reminders',
        log: (message) => this.logger.debug(`node-cron: ${message}`),
        offAtStart: true,
      },
      intervalMs: IDLE_LOOK_MS,
      tick: () => this.pass(),
      onError: (error) => this.logger.error('reminder pass failed:', error instanceof Error ? error.message : error),
    });
    this.claims = new LeaseRenewer<number>({
      renew: (ids) => timeline.renewClaims(ids),
      leaseMs: LEASE_MS,
      what: 'reminder',
      log: (message) => logger.warn(message),
    });
  }

  /** Keeps this replica's lease on claimed rows while they are worked on outside a pass (the restart's reconcile). */
  holdClaims(ids: number[]): () => void {
    return this.claims.hold(ids);
  }

  /** Claimed reminders this replica is sending right now. */
  get leasesHeld(): number {
    return this.claims.size;
  }

  start(): void {
    this.started = true;
    this.loop.start();
    // The first pass decides whether the heartbeat is needed.
    this.loop.poke();
  }

  /** Something was queued for now: don't wait for the next second. */
  poke(): void {
    this.loop.poke(POKE_DELAY_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop.stop();
    this.claims.stop();
  }

  /** Sends everything due now; a call during a pass gets one more pass after it. */
  tick(): Promise<void> {
    return this.loop.tick();
  }

  private async pass(): Promise<void> {
    if (this.stopped) return;
    let claimed = 0;
    for (;;) {
      const rows = await this.timeline.claimDue();
      if (rows.length === 0) break;
      claimed += rows.length;
      // Each row's lease is kept until that row is done; the later rows of the batch wait their turn.
      const held = new Map(rows.map((row) => [row.id, this.claims.hold([row.id])]));
      try {
        for (const row of rows) {
          let outgoing: OutgoingReminder | null = null;
          try {
            outgoing = await this.timeline.prepare(row);
            if (!outgoing) continue;
            const outcome = await this.post(outgoing);
            if (outcome.ok) {
              await this.timeline.complete(outgoing, this.now(), outcome.ts, outcome.text);
            } else if (outcome.retryInMs !== null) {
              await this.timeline.retryLater(row, outcome.retryInMs, outcome.error);
            } else {
              await this.timeline.giveUp(row, outcome.error);
            }
          } catch (error) {
            this.logger.error(`reminder ${row.key} failed:`, error instanceof Error ? error.message : error);
            await this.timeline.retryLater(row, 30_000, 'unexpected error');
          } finally {
            held.get(row.id)?.();
          }
        }
      } finally {
        // A row whose work threw is not renewed for ever: its lease runs out and it is claimed again.
        for (const release of held.values()) release();
      }
      if (this.stopped) return;
    }
    try {
      await this.afterTick();
    } catch (error) {
      this.logger.error('after-tick work failed:', error instanceof Error ? error.message : error);
    }
    await this.afterPass(claimed);
  }

  /** The heartbeat on or off, and one timer for the next moment a row becomes claimable (see the class comment). */
  private async afterPass(claimedThisPass: number): Promise<void> {
    if (!this.started || this.stopped) return;
    const ms = await this.timeline.msUntilClaimable();
    this.loop.beat(ms !== null || (await this.timeline.anyActiveRun()));
    if (ms === null) return;
    // Claimable already, yet this pass took nothing: a race with another replica, or a row the
    // claim leaves alone. The heartbeat looks again rather than a timer spinning on it.
    if (ms <= 0 && claimedThisPass === 0) return;
    this.loop.poke(Math.min(MAX_WAKE_MS, Math.max(0, Math.ceil(ms)) + WAKE_MARGIN_MS));
  }
}
