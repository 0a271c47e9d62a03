import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, LogLevel } from '@slack/bolt';
import type { Config } from './config.js';
import { secretsOf } from './config.js';
import { RedactingLogger, type LogSink } from './logger.js';
import { MessageSync } from './jobs/messageSync.js';
import { createPaging, type Paging } from './jobs/paging.js';
import { ReminderPoller } from './jobs/reminderPoller.js';
import { createReporting, type Reporting, type ReportingOptions } from './jobs/reporting.js';
import { ChecklistCatalog } from './service/checklistCatalog.js';
import { createClaimedReminders } from './service/claimedReminders.js';
import { systemClock, type Clock } from './service/clock.js';
import { PageService } from './service/pageService.js';
import { createRunMessages } from './service/runMessages.js';
import { createServices, type Services } from './service/createServices.js';
import type { RunQueries } from './service/runQueries.js';
import type { TimelineService } from './service/timelineService.js';
import { registerActionHandlers } from './slack/actionHandlers.js';
import { registerCommandHandler } from './slack/commandHandler.js';
import { guardHttpBodies, guardProcessEvent } from './slack/requestGuard.js';
import { messageLayout, OVERVIEW_KEY, runMessageLink } from './slack/messageLayout.js';
import { pagerFromConfig } from './pager/pagerDutyPager.js';
import { createReminderPoster, reconcileClaimedReminders } from './slack/reminderPoster.js';
import { createRunMessageRenderer } from './slack/renderRunMessage.js';
import { createSlackClients } from './slack/webClients.js';
import { openDatabase, type Db } from './store/db.js';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

export interface DeploydayOptions {
  logSink?: LogSink;
  clock?: Clock;
  /** Tests shorten the coalescing interval; production keeps Slack's one update per second. */
  messageIntervalMs?: number;
  /** Tests shorten the pager outbox's retry backoff and tick. */
  pagerBackoff?: { baseMs?: number; maxMs?: number; jitter?: number };
  pagerIntervalMs?: number;
  /** Tests shorten the forecast check and the report's retry backoff. */
  reporting?: ReportingOptions;
}

export interface Deployday {
  app: App;
  db: Db;
  /** Reading runs; the use cases are in `services`. */
  runs: RunQueries;
  timeline: TimelineService;
  services: Services;
  sync: MessageSync;
  poller: ReminderPoller;
  pages: PageService;
  paging: Paging;
  logger: RedactingLogger;
  reporting: Reporting;
  /** Starts listening (HTTP on config.port, or Socket Mode); resolves with the HTTP port. */
  start(): Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Wires the layers: store → services → Slack handlers, sync loop, reminder poller, pager.
 * Nothing here talks to Slack until start().
 */
export function createDeployday(config: Config, options: DeploydayOptions = {}): Deployday {
  const logger = new RedactingLogger(secretsOf(config), options.logSink, config.logLevel as LogLevel);
  const clock = options.clock ?? systemClock;
  const db = openDatabase(config.databasePath, MIGRATIONS_DIR);
  const catalog = new ChecklistCatalog(config.checklistsDir);
  const entries = catalog.load();
  for (const entry of entries) {
    for (const p of entry.problems.filter((p) => p.severity === 'error')) logger.warn(`checklist ${p.file}:${p.line}: ${p.message}`);
  }
  logger.info(`loaded ${entries.filter((e) => e.checklist).length} checklist(s) from ${config.checklistsDir}`);

  const clients = createSlackClients({ token: config.slackBotToken, apiUrl: config.slackApiUrl, logger });
  let workspaceUrl: string | null = null;

  // The loops below are made after the services, so the services only announce changes through these hooks.
  let sync: MessageSync | null = null;
  let poller: ReminderPoller | null = null;
  let pager: Paging | null = null;
  let reporting: Reporting | null = null;
  const rulesDue = new Set<number>();
  const services = createServices({
    db,
    catalog,
    clock,
    layout: messageLayout,
    admins: config.admins ?? [],
    events: {
      messagesChanged: () => sync?.notify(),
      runEnded: (runId) => reporting?.runEnded(runId),
      // Only the click's own write belongs before its ack: the escalation rules (which may read
      // PagerDuty state, page, or fail) run once the handler has acked and returned. They read the
      // run as it is when they run, so a burst of clicks on one run needs one evaluation.
      stateChanged: (runId) => {
        if (rulesDue.has(runId)) return;
        rulesDue.add(runId);
        setImmediate(() => {
          rulesDue.delete(runId);
          try {
            pager?.evaluate(runId);
          } catch (error) {
            logger.error(`paging rules for run ${runId} failed:`, error instanceof Error ? (error.stack ?? error.message) : error);
          }
        });
      },
    },
    onQueued: () => poller?.poke(),
  });
  const { queries: runs, timeline } = services;

  const runMessages = createRunMessages(db);
  const messageLink = (runId: number, key: string): string | null => runMessageLink(db, workspaceUrl, runId, key);
  const render = createRunMessageRenderer({ runs, timeline, now: () => clock.now(), link: messageLink, history: (name) => services.reports.sectionHistory(name) });
  sync = new MessageSync({
    messages: runMessages,
    render,
    client: clients.background,
    logger,
    ...(options.messageIntervalMs !== undefined ? { minIntervalMs: options.messageIntervalMs } : {}),
  });
  const linkToRun = (runId: number): string | null => runMessageLink(db, workspaceUrl, runId, OVERVIEW_KEY);
  pager = createPaging({
    pager: pagerFromConfig(config.pagerDuty, logger),
    db,
    runs,
    timeline,
    clock,
    logger,
    linkToRun,
    ...(options.pagerBackoff ? { backoff: options.pagerBackoff } : {}),
    ...(options.pagerIntervalMs !== undefined ? { workerIntervalMs: options.pagerIntervalMs } : {}),
  });
  const pages = pager.service;
  poller = new ReminderPoller(
    timeline,
    createReminderPoster({ client: clients.background, messages: runMessages, logger, messageLink }),
    logger,
    () => clock.now(),
    () => pager?.evaluateAll(),
  );

  let healthy = false;
  // Bolt given `token` runs auth.test once in its constructor and caches the promise: one failure
  // there (Slack down while we start) would fail every request until restart. So we authorize
  // ourselves, never waiting on Slack: the token is all that commands and clicks need, and the
  // bot's ids are filled in once our own auth.test (in start) has answered.
  const identity: { botId?: string; botUserId?: string } =
    config.slackBotId && config.slackBotUserId ? { botId: config.slackBotId, botUserId: config.slackBotUserId } : {};
  const app = new App({
    authorize: async () => ({ botToken: config.slackBotToken, ...identity }),
    signingSecret: config.slackSigningSecret,
    // In Socket Mode, Bolt serves the custom routes (/healthz) on installerOptions.port.
    ...(config.slackAppToken ? { socketMode: true, appToken: config.slackAppToken, installerOptions: { port: config.port } } : {}),
    logger,
    // Without logLevel, Bolt resets the logger it is given to its own default (info).
    logLevel: config.logLevel as LogLevel,
    clientOptions: { slackApiUrl: config.slackApiUrl, timeout: 2_500, retryConfig: { retries: 0 } },
    customRoutes: [
      {
        path: '/healthz',
        method: ['GET'],
        handler: (_req: IncomingMessage, res: ServerResponse) => {
          res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              ok: healthy,
              database: 'open',
              checklists: catalog.list().filter((e) => e.checklist).length,
              paging: pages.isEnabled ? 'on' : 'off',
              messages: sync?.stats,
            }),
          );
        },
      },
    ],
  });
  app.error(async (error) => {
    logger.error('unhandled Bolt error:', error instanceof Error ? (error.stack ?? error.message) : error);
  });

  // Who the bot is and where its workspace lives (for links). Slack may be down at start: then
  // keep asking in the background; nothing else waits for it.
  let identityTimer: NodeJS.Timeout | null = null;
  const learnIdentity = async (): Promise<void> => {
    try {
      const auth = await clients.background.auth.test();
      workspaceUrl = typeof auth.url === 'string' ? auth.url : null;
      if (typeof auth.bot_id === 'string') identity.botId = auth.bot_id;
      if (typeof auth.user_id === 'string') identity.botUserId = auth.user_id;
    } catch (error) {
      logger.warn('auth.test failed; retrying in 30 s (messages will not link to each other until then):', error instanceof Error ? error.message : error);
      identityTimer = setTimeout(() => void learnIdentity(), 30_000);
      identityTimer.unref();
    }
  };

  // Malformed or unroutable signed bodies get a quick 4xx or empty ack, never a 500, a 3 s 404 or a crash.
  guardHttpBodies(app, logger);
  guardProcessEvent(app, logger);
  registerCommandHandler(app, { services, catalog, pages, now: () => clock.now(), logger });
  registerActionHandlers(app, { services, foreground: clients.foreground, logger, pages });
  reporting = createReporting({ app, db, services, clock, client: clients.background, logger, onMessagesChanged: () => sync?.notify(), ...(options.reporting ? { options: options.reporting } : {}) });

  return {
    app,
    db,
    runs,
    timeline,
    services,
    sync,
    poller,
    pages,
    paging: pager,
    logger,
    reporting,
    async start() {
      await learnIdentity();
      const reconciled = await reconcileClaimedReminders({
        client: clients.background,
        claimed: createClaimedReminders(db),
        logger,
        now: () => clock.now(),
        recordSent: (row, sentAt, ts) => timeline.recordSent(row, sentAt, false, ts),
      });
      if (reconciled.found + reconciled.released > 0) {
        logger.info(`after restart: ${reconciled.found} reminder(s) had been sent, ${reconciled.released} will be sent now`);
      }
      let port: number | null = null;
      if (config.slackAppToken) {
        await app.start();
        logger.info('deployday is running in Socket Mode');
      } else {
        const server = (await app.start(config.port)) as unknown as { address(): { port: number } | string | null };
        const address = server.address();
        port = typeof address === 'object' && address ? address.port : config.port;
        logger.info(`deployday is listening on port ${port} (POST /slack/events, GET /healthz)`);
      }
      if (!pages.isEnabled) logger.info('paging is off: set PAGERDUTY_ROUTING_KEY to page on-call through PagerDuty');
      sync!.notify();
      poller!.start();
      pager!.start();
      reporting!.start();
      healthy = true;
      return port;
    },
    async stop() {
      healthy = false;
      if (identityTimer) clearTimeout(identityTimer);
      await poller!.stop();
      await pager!.stop();
      await reporting!.stop();
      await sync!.stop();
      await app.stop().catch(() => undefined);
      db.close();
    },
  };
}
