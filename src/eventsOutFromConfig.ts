import type { Config } from './config.js';
import type { DeploydayOptions } from './deploydayOptions.js';
import type { RedactingLogger } from './logger.js';
import { createEventsOutWorker, type EventsOutWorker } from './jobs/eventsOutWorker.js';
import type { Clock } from './service/clock.js';
import { EventsOut } from './service/eventsOut.js';
import type { Pager } from './service/pager.js';
import type { RunQueries } from './service/runQueries.js';
import type { Db } from './store/db.js';

/** The outbound events worker (webhooks and PagerDuty change events) as configuration and options say. */
export function eventsOutFromConfig(input: {
  config: Config;
  options: DeploydayOptions;
  db: Db;
  runs: RunQueries;
  pager: Pager | null;
  clock: Clock;
  logger: RedactingLogger;
  /** While true the worker claims nothing (the database does not answer). */
  paused?: () => boolean;
}): EventsOutWorker {
  const { config, options, pager } = input;
  return createEventsOutWorker({
    events: new EventsOut({
      db: input.db,
      queries: input.runs,
      globalWebhooks: config.webhook ? [{ url: config.webhook.url, secretEnv: 'DEPLOYDAY_WEBHOOK_SECRET' }] : [],
      pagerDutyChanges: pager?.canPage ?? false,
    }),
    pager,
    now: () => input.clock.now(),
    logger: input.logger,
    ...(input.paused ? { paused: input.paused } : {}),
    env: { ...(options.webhookEnv ?? process.env), ...(config.webhook ? { DEPLOYDAY_WEBHOOK_SECRET: config.webhook.secret } : {}) },
    ...(options.eventsBackoff ? { backoff: options.eventsBackoff } : {}),
    ...(options.eventsIntervalMs !== undefined ? { intervalMs: options.eventsIntervalMs } : {}),
  });
}
