import type { Logger } from '@slack/bolt';
import { suggestedSlipMinutes } from '../domain/forecast.js';
import { LEAD } from '../domain/roles.js';
import type { Clock } from '../service/clock.js';
import type { ReportService } from '../service/reportService.js';
import type { RunService } from '../service/runService.js';
import type { ForecastChecks } from '../service/forecastChecks.js';
import { createTickLoop, type TickLoop } from './tickLoop.js';
import { type ClientForChannel, classifySlackError } from '../slack/webClients.js';
import { renderSlipSuggestion } from '../slack/views/slipSuggestion.js';

export interface ForecastNudgeJobOptions {
  /** While true no tick claims work: this replica's database does not answer (src/jobs/databaseProbe.ts). */
  paused?: (() => boolean) | undefined;
  checks: ForecastChecks;
  runs: RunService;
  reports: ReportService;
  /** The background client of the channel's workspace. */
  clientFor: ClientForChannel;
  clock: Clock;
  logger: Logger;
  /** How often the forecast is checked (default a minute: the projection moves in minutes). */
  intervalMs?: number;
  /** The overview's forecast line changed: re-render it (the sync loop's notify). */
  onMessagesChanged?: () => void;
}

/**
 * Checks each active run's forecast and, when a window's projected close overruns its planned
 * close, offers the lead the exact slip (an ephemeral message with a "Slip 25m" button; a DM when
 * the lead cannot get an ephemeral in the channel). At most once per window, never for a window
 * already done (the forecast only lists windows still open or to come), one window per run per
 * check: a slip moves every later window, so the next check sees whether more is needed.
 */
export class ForecastNudgeJob {
  private readonly loop: TickLoop;
  /** The standing each run's overview last showed, to the 5 minutes: it is re-rendered when that moves. */
  private readonly shown = new Map<number, string>();

  constructor(private readonly opts: ForecastNudgeJobOptions) {
    this.loop = createTickLoop({
      ...(opts.paused ? { paused: opts.paused } : {}),
      intervalMs: opts.intervalMs ?? 60_000,
      tick: async () => void (await this.check()),
      onError: (error) => opts.logger.warn('forecast check failed:', error instanceof Error ? error.message : error),
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass over the active runs; returns how many suggestions were sent. */
  async check(): Promise<number> {
    const { checks, clock, logger } = this.opts;
    let sent = 0;
    for (const run of await checks.activeRuns()) {
      try {
        const now = clock.now();
        const forecast = await this.opts.reports.forecast(run.id, now);
        await this.refreshOverview(
          run.id,
          `${forecast.standing.kind}:${Math.floor(forecast.standing.minutes / 5)}:${forecast.standing.sectionTitle ?? ''}`,
        );
        const overrun = forecast.overruns[0];
        if (!overrun) continue;
        const lead = (await this.opts.runs.snapshot(run.id)).roles[LEAD]?.[0] ?? run.startedBy;
        const minutes = suggestedSlipMinutes(overrun.overrunMinutes!);
        if (!(await checks.recordSuggestion({ runId: run.id, sectionId: overrun.sectionId, minutes, userId: lead, at: now }))) continue;
        const message = renderSlipSuggestion(run.id, overrun, minutes);
        await this.deliver(run.channelId, lead, message);
        sent += 1;
      } catch (error) {
        logger.warn(`forecast check of run #${run.id} failed:`, error instanceof Error ? error.message : error);
      }
    }
    return sent;
  }

  /**
   * Between clicks nothing else re-renders the overview, so "11 min behind" would stay 11 while a
   * window stays open; re-render it when the standing moves by 5 minutes or changes kind.
   */
  private async refreshOverview(runId: number, key: string): Promise<void> {
    const before = this.shown.get(runId);
    this.shown.set(runId, key);
    if (before === undefined || before === key) return;
    await this.opts.checks.overviewChanged(runId);
    this.opts.onMessagesChanged?.();
  }

  private async deliver(channel: string, user: string, message: { text: string; blocks: unknown[] }): Promise<void> {
    const payload = { text: message.text, blocks: message.blocks as never };
    const client = await this.opts.clientFor(channel);
    try {
      await client.chat.postEphemeral({ channel, user, ...payload });
    } catch (error) {
      const failure = classifySlackError(error);
      if (failure.kind !== 'rejected') throw error;
      // Not in the channel (or no ephemeral allowed there): a DM reaches the lead wherever they are.
      await client.chat.postMessage({ channel: user, ...payload });
    }
  }
}
