import type { Logger } from '@slack/bolt';
import { createDryRunPager } from '../pager/dryRunPager.js';
import type { Db } from '../store/db.js';
import type { Clock } from '../service/clock.js';
import { PageService } from '../service/pageService.js';
import type { RunService } from '../service/runService.js';
import type { TimelineService } from '../service/timelineService.js';

/** What the rehearsal needs of the paging layer: the two hooks app.ts calls, and a way to let go. */
export interface RehearsalPaging {
  /** After a run's state changed (RunService's stateChanged event). */
  evaluate(runId: number): void;
  /** After each poller pass (the time-based rules). */
  evaluateAll(): void;
  stop?(): Promise<void>;
}

export interface RehearsalPagingDeps {
  db: Db;
  runs: RunService;
  timeline: TimelineService;
  clock: Clock;
  logger: Logger;
}

export type RehearsalPagingFactory = (deps: RehearsalPagingDeps) => RehearsalPaging;

/*
 * PAGING IN THE REHEARSAL — the marked place.
 *
 * The rehearsal runs the real PageService (the escalation rules, and the diff of wanted pages with
 * open ones that writes triggers and resolves to the `pages` table and the outbox), with paging on so
 * the timeline shows what would be paged once PAGERDUTY_ROUTING_KEY is set. Its pager is the dry-run
 * one (pager/dryRunPager.ts), so nothing could reach the network, and no outbox worker runs: the
 * queued events are the record. rehearseDay reads
 * the `pages` table after every step (pageObserver there), so the pages printed are the ones the real
 * rules decided. Not shown: the "📟 Paged on-call" notices, which the worker posts only after
 * PagerDuty accepted a page.
 */
export const createRehearsalPaging: RehearsalPagingFactory = (deps) => {
  const service = new PageService({
    ...deps,
    // Paging on, reaching nothing: the rules run only when paging is on.
    pager: createDryRunPager(),
    linkToRun: async () => null,
    onQueued: () => {},
  });
  return {
    // A failing rule is logged by PageService (and so printed), never thrown into a click.
    evaluate: async (runId) => await service.evaluate(runId),
    evaluateAll: async () => await service.evaluateAll(),
  };
};
