import type { Logger } from '@slack/bolt';
import type { Config } from '../config.js';
import type { Db } from '../store/db.js';
import type { Clock } from './clock.js';
import { PageService } from './pageService.js';
import type { RunService } from './runService.js';
import type { TimelineService } from './timelineService.js';

export interface Paging {
  service: PageService;
  /** Re-check one run's escalation rules after its state changed. */
  evaluate(runId: number): void;
  /** Re-check every active run (time-based rules: overdue past grace). */
  evaluateAll(): void;
  start(): void;
  stop(): Promise<void>;
}

export function createPaging(deps: { config: Config; db: Db; runs: RunService; timeline: TimelineService; clock: Clock; logger: Logger }): Paging {
  const service = new PageService(deps.config.pagerDuty.routingKey !== null);
  return {
    service,
    evaluate: () => {},
    evaluateAll: () => {},
    start: () => {},
    stop: async () => {},
  };
}
