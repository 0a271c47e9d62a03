import type { Db } from '../store/db.js';
import type { ChecklistCatalog } from './checklistCatalog.js';
import type { Clock } from './clock.js';
import type { RunQueries } from './runQueries.js';
import type { MessageLayout, RunEvents } from './runService.js';
import type { TimelineService } from './timelineService.js';

/** What every use case is built with (by createServices.ts); all of it exists before any use case. */
export interface UseCaseDeps {
  db: Db;
  clock: Clock;
  catalog: ChecklistCatalog;
  layout: MessageLayout;
  events: RunEvents;
  queries: RunQueries;
  timeline: TimelineService;
  /** Slack user ids who may change any role (DEPLOYDAY_ADMINS), besides a checklist's own `admins:`. */
  admins: readonly string[];
}
