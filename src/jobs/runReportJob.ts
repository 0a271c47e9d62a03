import type { Logger } from '@slack/bolt';
import type { ReportService } from '../service/reportService.js';
import type { Clock } from '../service/clock.js';
import type { ReportQueue, RunReportRow } from '../service/reportQueue.js';
import { createTickLoop, type TickLoop } from './tickLoop.js';
import { LeaseRenewer } from './leaseRenewer.js';
import { findFilesInThread } from '../slack/findFilesInThread.js';
import { findPostedMessage } from '../slack/findPostedMessage.js';
import { type ClientForChannel, classifySlackError, LATE_LANDING_MS, outcomeUnknown } from '../slack/webClients.js';
import { FILES_IN_THREAD, missingFilesScopeText, renderRunSummary } from '../slack/views/runSummaryMessage.js';

export interface RunReportJobOptions {
  /** While true no tick claims work: this replica's database does not answer (src/jobs/databaseProbe.ts). */
  paused?: (() => boolean) | undefined;
  queue: ReportQueue;
  reports: Pick<ReportService, 'report'>;
  /** The background client of the channel's workspace. */
  clientFor: ClientForChannel;
  clock: Clock;
  logger: Logger;
  /** First retry after this long, doubling; tests shorten it. */
  retryBaseMs?: number;
  maxAttempts?: number;
  /**
   * How often to look for reports this replica was not told about (default 5 s): one queued by a
   * replica that died holding it, whose lease has run out since. One indexed query.
   */
  scanIntervalMs?: number;
  /** After a call with no answer, the next attempt waits this long so what landed late is seen (LATE_LANDING_MS unless a test shortens it). */
  lateLandingMs?: number;
}

/** The summary's message metadata: a replica taking over a report looks for it in the channel before posting. */
export const RUN_REPORT_METADATA_TYPE = 'deployday_run_report';

/** The report is no longer this replica's (its lease ran out and another took it over): stop, record nothing. */
class LeaseLost extends Error {}

/** Slack's answers that mean "this token may not upload files": say what to add, post the rest. */
const NO_FILES = new Set(['missing_scope', 'not_allowed_token_type', 'no_permission']);

/**
 * When a run ends: a summary message in its channel, then the timeline PNG, the markdown record
 * and the HTML page in that message's thread (files.uploadV2). Rows in run_reports make it
 * durable: a restart finishes what was started, and the summary is never posted twice once its
 * ts is recorded. Building the report is synchronous but short (see bench/report.js); the posting
 * is off the request path, so no click waits on it.
 *
 * Every replica runs this job; a report is claimed under a lease (store/runReports.ts), renewed
 * while its calls are in flight, so one replica posts it. A report taken over from a replica whose
 * lease ran out with no summary recorded is first looked for in the channel by its metadata.
 *
 * A call may reach Slack though its answer does not (a timeout, a crash before the record). So a
 * summary is looked for before it is posted again, and files in the summary's thread before they are
 * uploaded again; after a call with no answer the next attempt waits until it could have landed.
 */
export class RunReportJob {
  private readonly loop: TickLoop;
  private readonly retryBaseMs: number;
  private readonly maxAttempts: number;
  private readonly lateLandingMs: number;
  private idleWaiters: Array<() => void> = [];
  private readonly leases: LeaseRenewer<number>;

  constructor(private readonly opts: RunReportJobOptions) {
    this.retryBaseMs = opts.retryBaseMs ?? 5_000;
    this.maxAttempts = opts.maxAttempts ?? 6;
    this.lateLandingMs = opts.lateLandingMs ?? LATE_LANDING_MS;
    this.leases = new LeaseRenewer<number>({
      renew: (runIds) => opts.queue.renew(runIds),
      leaseMs: opts.queue.leaseMs,
      what: 'run report',
      log: (message) => opts.logger.warn(`run reports: ${message}`),
    });
    this.loop = createTickLoop({
      ...(opts.paused ? { paused: opts.paused } : {}),
      intervalMs: opts.scanIntervalMs ?? 5_000,
      tick: () => this.pump(),
      onError: (error) => opts.logger.error('run reports:', error instanceof Error ? (error.stack ?? error.message) : error),
    });
  }

  /** A run has ended: queue its report and work on it soon. Cheap: one insert. */
  async enqueue(runId: number): Promise<void> {
    await this.opts.queue.enqueue(runId, this.opts.clock.now());
    this.loop.poke();
  }

  async start(): Promise<void> {
    const missed = await this.opts.queue.enqueueMissed(this.opts.clock.now());
    if (missed > 0) this.opts.logger.info(`run reports: ${missed} ended run(s) had no report queued; queued now`);
    this.loop.start();
    this.loop.poke();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    this.leases.stop();
  }

  /** How many reports this replica is posting right now (for /healthz). */
  get leasesHeld(): number {
    return this.leases.size;
  }

  /** Resolves once nothing this replica may claim is due and nothing is being posted (tests). */
  async idle(): Promise<void> {
    if (await this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async isIdle(): Promise<boolean> {
    const { due } = await this.opts.queue.nextDue();
    return !this.busy && (due === null || due > this.opts.clock.now());
  }

  private busy = false;

  /** Posts what is due, then wakes itself for the next retry (the loop has no heartbeat). */
  private async pump(): Promise<void> {
    this.busy = true;
    try {
      for (const row of await this.opts.queue.claimDue(this.opts.clock.now())) {
        await this.leases.holding([row.runId], () => this.post(row)).catch(async (error: unknown) => await this.failed(row, error));
      }
    } finally {
      this.busy = false;
      // The next retry here, or the moment another replica's lease runs out (it may have died).
      const { due, leaseUntil } = await this.opts.queue.nextDue();
      const waits = [due === null ? null : due - this.opts.clock.now(), leaseUntil === null ? null : leaseUntil + 1 - Date.now()];
      const wait = waits.filter((w): w is number => w !== null);
      if (wait.length > 0) this.loop.poke(Math.max(0, Math.min(...wait)));
      if (await this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private async post(row: RunReportRow): Promise<void> {
    const { queue, clock } = this.opts;
    const { report, audit } = await this.opts.reports.report(row.runId);
    const client = await this.opts.clientFor(report.channelId);
    // An earlier attempt (another replica's, or this one's that failed) may have posted it.
    const tried = row.reclaimedFrom !== null || row.attempts > 0;
    let ts = row.summaryTs ?? (tried ? await this.postedBefore(client, report.channelId, row) : null);
    if (ts === null) {
      const message = renderRunSummary(report, FILES_IN_THREAD);
      const posted = await client.chat.postMessage({
        channel: report.channelId,
        text: message.text,
        blocks: message.blocks,
        unfurl_links: false,
        metadata: { event_type: RUN_REPORT_METADATA_TYPE, event_payload: { run_id: row.runId } },
      });
      ts = String(posted.ts);
    }
    if (ts !== row.summaryTs && !(await queue.recordSummary(row.runId, ts))) throw new LeaseLost();
    // Loaded on the first report, not at start: an idle bot never pays for resvg and the renderers.
    const { renderReportFiles } = await import('../report/reportFiles.js');
    const files = await renderReportFiles(report, audit);
    const base = `run-${report.runId}-${report.checklistName.replace(/[^\w.-]+/g, '-')}`;
    // The summary was recorded by an earlier attempt, which went on to upload: look before uploading again.
    if (row.summaryTs !== null && (await this.filesSharedBefore(client, report.channelId, row.summaryTs, `${base}-`))) {
      if (!(await queue.recordDone(row.runId, 'posted', clock.now()))) throw new LeaseLost();
      this.opts.logger.info(`run #${row.runId}: its report's files had reached the thread already; not uploading them again`);
      return;
    }
    try {
      await client.files.uploadV2({
        channel_id: report.channelId,
        thread_ts: ts,
        initial_comment: `Run #${report.runId}: the timeline (planned against actual) and the full audit record.`,
        file_uploads: [
          {
            file: files.timelinePng,
            filename: `${base}-timeline.png`,
            title: `Run #${report.runId} timeline`,
            alt_text: `Gantt chart of run #${report.runId}: planned windows against actual spans per phase`,
          },
          {
            file: Buffer.from(files.markdown, 'utf8'),
            filename: `${base}-record.md`,
            title: `Run #${report.runId} audit record (markdown)`,
          },
          {
            file: Buffer.from(files.html, 'utf8'),
            filename: `${base}-record.html`,
            title: `Run #${report.runId} audit record (HTML)`,
          },
        ],
      });
    } catch (error) {
      const failure = classifySlackError(error);
      if (failure.kind !== 'rejected' || !NO_FILES.has(failure.error)) throw error;
      const needed = (error as { data?: { needed?: unknown } }).data?.needed;
      const scope = typeof needed === 'string' && needed !== '' ? needed : 'files:write';
      await client.chat.postMessage({ channel: report.channelId, thread_ts: ts, text: missingFilesScopeText(report.runId, scope) });
      if (!(await queue.recordDone(row.runId, 'posted_without_files', clock.now(), failure.error))) throw new LeaseLost();
      this.opts.logger.warn(`run #${row.runId}: report posted without files (${failure.error}); add the ${scope} scope`);
      return;
    }
    if (!(await queue.recordDone(row.runId, 'posted', clock.now()))) throw new LeaseLost();
  }

  /**
   * The summary of a report taken over from a replica whose lease ran out: that replica may have
   * posted it before dying. Its ts when it is in the channel; null when it is not, or when history
   * cannot be read (a missing channels:history: a rare second summary beats none).
   */
  private async postedBefore(client: Awaited<ReturnType<ClientForChannel>>, channelId: string, row: RunReportRow): Promise<string | null> {
    const earlier = await findPostedMessage(
      client,
      channelId,
      (m) => m.event_type === RUN_REPORT_METADATA_TYPE && m.event_payload?.run_id === row.runId,
    );
    if (earlier.kind === 'found') return earlier.ts;
    if (earlier.kind === 'retry') throw new Error(`could not yet check whether replica ${row.reclaimedFrom} posted the summary`);
    return null;
  }

  /**
   * Whether an earlier attempt's files are in the summary's thread. When the thread cannot be read
   * (no history scope) they are uploaded again: a rare second set beats none.
   */
  private async filesSharedBefore(
    client: Awaited<ReturnType<ClientForChannel>>,
    channelId: string,
    threadTs: string,
    prefix: string,
  ): Promise<boolean> {
    const earlier = await findFilesInThread(client, channelId, threadTs, prefix);
    if (earlier.kind === 'retry') throw new Error('could not yet check whether an earlier attempt attached the files');
    return earlier.kind === 'found';
  }

  private async failed(row: RunReportRow, error: unknown): Promise<void> {
    if (error instanceof LeaseLost) {
      this.opts.logger.warn(`run #${row.runId}: its report was taken over by another replica; this one stops posting it`);
      return;
    }
    const failure = classifySlackError(error);
    const detail = failure.kind === 'rejected' ? failure.error : failure.kind === 'transient' ? failure.detail : 'rate limited';
    if (failure.kind === 'rejected' || row.attempts + 1 >= this.maxAttempts) {
      if (await this.opts.queue.recordDone(row.runId, 'failed', this.opts.clock.now(), detail)) {
        this.opts.logger.error(`run #${row.runId}: gave up posting its report: ${detail}`);
      }
      return;
    }
    const backoff = failure.kind === 'rate_limited' ? failure.retryAfterMs : this.retryBaseMs * 2 ** row.attempts;
    // No answer: the call may still land, and the next attempt looks for it first.
    const wait = outcomeUnknown(error) ? Math.max(backoff, this.lateLandingMs) : backoff;
    if (!(await this.opts.queue.recordRetry(row.runId, this.opts.clock.now() + wait, detail))) return;
    this.opts.logger.warn(`run #${row.runId}: report not posted yet (${detail}); retrying in ${Math.round(wait / 1000)} s`);
  }
}
