import { schedule, type ScheduledTask } from 'node-cron';
import type { Logger } from '@slack/bolt';
import type { OutgoingReminder, TimelineService } from '../service/timelineService.js';

/** How a send went, as the poller needs to know it. */
export type PostOutcome =
  | { ok: true; ts: string | null }
  | { ok: false; retryInMs: number; error: string }
  | { ok: false; retryInMs: null; error: string };

export type ReminderPoster = (reminder: OutgoingReminder) => Promise<PostOutcome>;

/**
 * The one poller: every second (node-cron), claim the due rows (an atomic UPDATE … RETURNING),
 * send each, and mark it sent. A row is claimed before it is sent and marked after, so a crash
 * in between leaves it `claimed`; the restart reconciles those (see reconcileClaimed in
 * slack/reminderPoster.ts) instead of sending blindly again.
 */
export class ReminderPoller {
  private task: ScheduledTask | null = null;
  private running: Promise<void> | null = null;
  private pokeTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly timeline: TimelineService,
    private readonly post: ReminderPoster,
    private readonly logger: Logger,
    private readonly now: () => number,
    /** After each send (the escalation rules read the same clock). */
    private readonly afterTick: () => void = () => {},
  ) {}

  start(): void {
    this.stopped = false;
    this.task = schedule('* * * * * *', () => this.tick(), {
      noOverlap: true,
      name: 'deployday-reminders',
      // node-cron writes to stdout by itself; its notes (a tick skipped while the last one still
      // runs, under load) go through our logger instead, which also keeps secrets out.
      logger: {
        info: (message) => this.logger.debug(`node-cron: ${message}`),
        warn: (message) => this.logger.debug(`node-cron: ${message}`),
        debug: (message) => this.logger.debug('node-cron:', message),
        error: (message, error) => this.logger.error('node-cron:', message, error ?? ''),
      },
    });
  }

  /** Something was queued for now: don't wait for the next second. */
  poke(): void {
    if (this.stopped || this.pokeTimer) return;
    this.pokeTimer = setTimeout(() => {
      this.pokeTimer = null;
      void this.tick();
    }, 20);
    this.pokeTimer.unref?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pokeTimer) clearTimeout(this.pokeTimer);
    await this.task?.destroy();
    this.task = null;
    await this.running;
  }

  /** Sends everything due now; concurrent calls share one pass. */
  tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    if (this.stopped) return;
    for (;;) {
      const rows = this.timeline.claimDue();
      if (rows.length === 0) break;
      for (const row of rows) {
        let outgoing: OutgoingReminder | null = null;
        try {
          outgoing = this.timeline.prepare(row);
          if (!outgoing) continue;
          const outcome = await this.post(outgoing);
          if (outcome.ok) {
            this.timeline.complete(outgoing, this.now(), outcome.ts);
          } else if (outcome.retryInMs !== null) {
            this.timeline.retryLater(row, outcome.retryInMs, outcome.error);
          } else {
            this.timeline.giveUp(row, outcome.error);
          }
        } catch (error) {
          this.logger.error(`reminder ${row.key} failed:`, error instanceof Error ? error.message : error);
          this.timeline.retryLater(row, 30_000, 'unexpected error');
        }
      }
      if (this.stopped) return;
    }
    try {
      this.afterTick();
    } catch (error) {
      this.logger.error('after-tick work failed:', error instanceof Error ? error.message : error);
    }
  }
}
