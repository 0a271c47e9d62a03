import type { Logger } from '@slack/bolt';
import type { Config } from '../config.js';
import { createOutboxWorker, type OutboxWorker } from '../pager/outboxWorker.js';
import { createPagerDutyClient } from '../pager/pagerDutyClient.js';
import type { SendResult } from '../pager/pagerDutyClient.js';
import type { Db } from '../store/db.js';
import { getPage, releaseStaleSending, type OutboxRow } from '../store/outbox.js';
import type { Clock } from './clock.js';
import { PageService } from './pageService.js';
import type { RunService } from './runService.js';
import type { TimelineService } from './timelineService.js';

export interface Paging {
  service: PageService;
  /** Re-check one run's escalation rules after its state changed. */
  evaluate(runId: number): void;
  /** Re-check every active run (time-based rules: overdue past grace, time boxes). */
  evaluateAll(): void;
  start(): void;
  stop(): Promise<void>;
  /** Sends whatever is due in the outbox now (tests, rehearsal). */
  flush(): Promise<void>;
}

export interface PagingOptions {
  config: Config;
  db: Db;
  runs: RunService;
  timeline: TimelineService;
  clock: Clock;
  logger: Logger;
  linkToRun?: (runId: number) => string | null;
  /** Outbox retry timing; tests shorten it. */
  backoff?: { baseMs?: number; maxMs?: number; jitter?: number };
  workerIntervalMs?: number;
}

/**
 * Paging wiring: the rules-driven PageService, our PagerDuty adapter, and the outbox worker
 * that delivers pages from a timer. What reached PagerDuty (or was refused) is told in the
 * run's channel through the timeline's durable notices.
 */
export function createPaging(deps: PagingOptions): Paging {
  const { config, db, timeline, logger } = deps;
  const pd = config.pagerDuty;
  const client =
    pd.routingKey || pd.apiToken
      ? createPagerDutyClient({ routingKey: pd.routingKey, eventsUrl: pd.eventsUrl, apiToken: pd.apiToken, apiUrl: pd.apiUrl, logger })
      : null;
  let worker: OutboxWorker | null = null;
  const service = new PageService({
    db,
    runs: deps.runs,
    timeline,
    clock: deps.clock,
    logger,
    routingKey: pd.routingKey,
    client,
    hasApiToken: pd.apiToken !== null,
    linkToRun: deps.linkToRun ?? (() => null),
    onQueued: () => void worker?.tick(),
  });

  const tell = (row: OutboxRow, result: SendResult): void => {
    if (row.runId === null) return;
    const page = getPage(db, row.dedupKey);
    const summary = page?.summary ?? row.dedupKey;
    const at = deps.clock.now();
    if (result.ok) {
      timeline.notice(row.runId, `page:${row.id}`, { kind: 'page_sent', action: row.action, at, summary });
    } else if (!result.retryable) {
      timeline.notice(row.runId, `page-failed:${row.id}`, { kind: 'page_refused', action: row.action, status: result.status ?? null, error: result.error, summary });
    } else if (row.attempts === 3) {
      timeline.notice(row.runId, `page-delayed:${row.id}`, { kind: 'page_delayed', error: result.error, summary });
    }
  };

  if (client && pd.routingKey) {
    worker = createOutboxWorker({
      db,
      client,
      routingKey: pd.routingKey,
      now: () => deps.clock.now(),
      logger,
      onResult: tell,
      ...(deps.backoff ? { backoff: deps.backoff } : {}),
    });
  }

  return {
    service,
    evaluate: (runId) => service.evaluate(runId),
    evaluateAll: () => service.evaluateAll(),
    start: () => {
      if (!worker) return;
      // A crash (or a stop mid-send) leaves rows 'sending'; this process is their only sender, so
      // they go out on the first tick rather than after the two-minute lease.
      const released = releaseStaleSending(db, deps.clock.now());
      if (released > 0) logger.info(`pager outbox: ${released} page event(s) were mid-send when deployday stopped; sending them again now`);
      worker.start(deps.workerIntervalMs ?? 1_000);
      worker.tick().catch((error: unknown) => logger.error('pager outbox: first tick failed:', error instanceof Error ? error.message : error));
    },
    stop: async () => {
      await worker?.stop();
    },
    flush: async () => {
      await worker?.tick();
    },
  };
}
