import type { Logger } from '@slack/bolt';
import { loadConfig } from '../config.js';
import type { Db } from '../store/db.js';
import type { Clock } from '../service/clock.js';
import { createPaging } from '../service/paging.js';
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
 * The rehearsal wires the real createPaging exactly as app.ts does, with a configuration in which
 * paging is on (so the timeline shows what would be paged once PAGERDUTY_ROUTING_KEY is set) but
 * every address is unroutable (.invalid), and the outbox worker is never started: a page decided
 * here is written to the in-memory `pages` table and goes no further. rehearseDay reads that table
 * after every step (see observePages there), so the pages printed are the ones the real escalation
 * rules decided. Nothing else is needed here when paging changes, unless createPaging's inputs do.
 */
export const createRehearsalPaging: RehearsalPagingFactory = (deps) => {
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-rehearsal',
    SLACK_APP_TOKEN: 'xapp-rehearsal',
    SLACK_API_URL: 'https://slack.rehearsal.invalid/api/',
    DATABASE_PATH: ':memory:',
    // A placeholder of the right shape: paging must be "on" for its rules to run; nothing is ever sent.
    PAGERDUTY_ROUTING_KEY: 'R'.repeat(32),
    PAGERDUTY_EVENTS_URL: 'https://events.rehearsal.invalid',
    PAGERDUTY_API_URL: 'https://api.rehearsal.invalid',
    LOG_LEVEL: 'warn',
  });
  const paging = createPaging({ config, ...deps });
  return { evaluate: (runId) => paging.evaluate(runId), evaluateAll: () => paging.evaluateAll(), stop: () => paging.stop() };
};
