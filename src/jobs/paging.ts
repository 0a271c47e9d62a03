import type { Logger } from '@slack/bolt';
import type { Clock } from '../service/clock.js';
import type { OutboxRow, PageOutbox } from '../service/pageOutbox.js';
import type { PageSendResult, Pager } from '../service/pager.js';
import type { PageService } from '../service/pageService.js';
import type { TimelineService } from '../service/timelineService.js';
import { createOutboxWorker, type OutboxWorker } from './outboxWorker.js';

export interface Paging {
  service: PageService;
  /** Re-check one run's escalation rules after its state changed. */
  evaluate(runId: number): Promise<void>;
  /** Re-check every active run (time-based rules: overdue past grace, time boxes). */
  evaluateAll(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Sends whatever is due in the outbox now (tests, rehearsal). */
  flush(): Promise<void>;
  /** Page events this replica is sending right now. */
  leasesHeld(): number;
}

export interface PagingOptions {
  /** While true no tick claims work: this replica's database does not answer (src/jobs/databaseProbe.ts). */
  paused?: (() => boolean) | undefined;
  /** Chosen at the composition root (pager/); null when PagerDuty is not configured at all. */
  pager: Pager | null;
  /** Builds the page service (at the composition root, which holds the database) around the worker's poke. */
  newService: (onQueued: () => void) => PageService;
  outbox: PageOutbox;
  timeline: TimelineService;
  clock: Clock;
  logger: Logger;
  /** Outbox retry timing; tests shorten it. */
  backoff?: { baseMs?: number; maxMs?: number; jitter?: number };
  workerIntervalMs?: number;
}

/**
 * Paging wiring: the rules-driven PageService, the pager it was given, and the outbox worker
 * that delivers pages from a timer. What reached PagerDuty (or was refused) is told in the
 * run's channel through the timeline's durable notices.
 */
export function createPaging(deps: PagingOptions): Paging {
  const { pager, outbox, timeline, logger } = deps;
  let worker: OutboxWorker | null = null;
  const service = deps.newService(() => void worker?.tick());

  const tell = async (row: OutboxRow, result: PageSendResult): Promise<void> => {
    if (row.runId === null) return;
    const page = await outbox.page(row.dedupKey);
    const summary = page?.summary ?? row.dedupKey;
    const at = deps.clock.now();
    if (result.ok) {
      // A page by hand is resolved by a person (or in PagerDuty), so its trigger notice carries a Resolve button.
      const byHand = row.action === 'trigger' && page?.reason.startsWith('manual:') === true;
      await timeline.notice(row.runId, `page:${row.id}`, {
        kind: 'page_sent',
        action: row.action,
        at,
        summary,
        ...(byHand ? { resolvableKey: row.dedupKey } : {}),
      });
    } else if (!result.retryable) {
      await timeline.notice(row.runId, `page-failed:${row.id}`, {
        kind: 'page_refused',
        action: row.action,
        status: result.status ?? null,
        error: result.error,
        summary,
      });
    } else if (row.attempts === 3) {
      await timeline.notice(row.runId, `page-delayed:${row.id}`, { kind: 'page_delayed', error: result.error, summary });
    }
  };

  if (pager?.canPage) {
    worker = createOutboxWorker({
      outbox,
      pager,
      now: () => deps.clock.now(),
      logger,
      onResult: tell,
      paused: deps.paused,
      ...(deps.backoff ? { backoff: deps.backoff } : {}),
      intervalMs: deps.workerIntervalMs ?? 1_000,
    });
  }

  return {
    service,
    evaluate: (runId) => service.evaluate(runId),
    evaluateAll: () => service.evaluateAll(),
    start: async () => {
      if (!worker) return;
      // A crash (or a stop mid-send) leaves rows 'sending': those no live replica holds (on SQLite,
      // all: one process owns the file) go out on the first tick rather than after their lease.
      const released = await outbox.releaseInterrupted(deps.clock.now());
      if (released > 0) logger.info(`pager outbox: ${released} page event(s) were mid-send when deployday stopped; sending them again now`);
      worker.start();
      void worker.tick();
    },
    stop: async () => {
      await worker?.stop();
    },
    flush: async () => {
      await worker?.tick();
    },
    leasesHeld: () => worker?.leasesHeld() ?? 0,
  };
}
