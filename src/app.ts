import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type LogLevel } from '@slack/bolt';
import { type Config, secretsOf } from './config.js';
import { RedactingLogger } from './logger.js';
import type { DeploydayOptions } from './deploydayOptions.js';
export type { DeploydayOptions };
import { MessageSync } from './jobs/messageSync.js';
import type { EventsOutWorker } from './jobs/eventsOutWorker.js';
import { eventsOutFromConfig } from './eventsOutFromConfig.js';
import { type GitHubCallbackWorker, githubActorOf, githubFromConfig } from './githubFromConfig.js';
import { createPaging, type Paging } from './jobs/paging.js';
import { ReminderPoller } from './jobs/reminderPoller.js';
import { createReporting, type Reporting } from './jobs/reporting.js';
import { ChecklistCatalog } from './service/checklistCatalog.js';
import { createClaimedReminders } from './service/claimedReminders.js';
import { systemClock } from './service/clock.js';
import { PageService } from './service/pageService.js';
import { createPageOutbox } from './service/pageOutbox.js';
import { createRunMessages } from './service/runMessages.js';
import { createServices, type Services } from './service/createServices.js';
import type { RunQueries } from './service/runQueries.js';
import type { TimelineService } from './service/timelineService.js';
import { GateWaiters } from './api/gateWaiters.js';
import { pipelineRoutes } from './api/pipelineRoutes.js';
import { healthzHandler, listenOnPort } from './httpSurface.js';
import { afterAck } from './jobs/afterAck.js';
import { type BotIdentity, learnBotIdentity } from './slack/botIdentity.js';
import { registerActionHandlers } from './slack/actionHandlers.js';
import { registerCommandHandler } from './slack/commandHandler.js';
import { SlackUserDirectory } from './slack/slackUserDirectory.js';
import { guardHttpBodies, guardProcessEvent } from './slack/requestGuard.js';
import { routeListenersById } from './slack/listenersById.js';
import { messageLayout, OVERVIEW_KEY } from './slack/messageLayout.js';
import { createRunMessageLinks } from './slack/runMessageLinks.js';
import { pagerFromConfig } from './pager/pagerDutyPager.js';
import { ChannelPostPacer } from './slack/channelPostPacer.js';
import { createReminderPoster, reconcileClaimedReminders } from './slack/reminderPoster.js';
import { createRunMessageRenderer } from './slack/renderRunMessage.js';
import type { SocketConnection } from './slack/socketConnection.js';
import { registerTenancyEvents } from './slack/tenancyEvents.js';
import { slackAuthFromConfig } from './slackAuth.js';
import { socketFromConfig } from './socketFromConfig.js';
import { databaseFromConfig } from './databaseFromConfig.js';
import type { Db } from './store/db.js';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

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
  /** Socket Mode's link to Slack (null in HTTP mode). */
  socket: SocketConnection | null;
  /** Long polls waiting on gates (the pipeline API); the bench reads its size. */
  gateWaiters: GateWaiters;
  eventsOut: EventsOutWorker;
  github: GitHubCallbackWorker | null;
  /** Listens (HTTP, or Socket Mode with /healthz on config.port); resolves with the port (Socket Mode: once Slack said hello). */
  start(): Promise<number | null>;
  stop(): Promise<void>;
}

/** Wires the layers: store → services → Slack handlers, loops, pager, GitHub. Nothing talks to Slack until start(). */
export async function createDeployday(config: Config, options: DeploydayOptions = {}): Promise<Deployday> {
  const logger = new RedactingLogger(secretsOf(config), options.logSink, config.logLevel as LogLevel);
  const clock = options.clock ?? systemClock;
  const { db, probe } = await databaseFromConfig({ config, migrationsDir: MIGRATIONS_DIR, logger, probe: options.databaseProbe });
  const catalog = new ChecklistCatalog(config.checklistsDir);
  const entries = catalog.load();
  for (const entry of entries) {
    for (const p of entry.problems.filter((p) => p.severity === 'error')) logger.warn(`checklist ${p.file}:${p.line}: ${p.message}`);
  }
  logger.info(`loaded ${entries.filter((e) => e.checklist).length} checklist(s) from ${config.checklistsDir}`);
  const identity: BotIdentity = {
    workspaceUrl: null,
    ...(config.slackBotId && config.slackBotUserId ? { botId: config.slackBotId, botUserId: config.slackBotUserId } : {}),
  };

  // The loops below are made after the services, so the services only announce changes through these hooks.
  let [sync, poller, pager]: [MessageSync | null, ReminderPoller | null, Paging | null] = [null, null, null];
  let [reporting, eventsOut]: [Reporting | null, EventsOutWorker | null] = [null, null];
  const evaluateRulesAfterAck = afterAck(async (runId) => await pager?.evaluate(runId), logger, 'paging rules');
  const gateWaiters = new GateWaiters(options.gateRecheckMs);
  // Called inside the click's unit; the waiters read on other connections, so only once it committed.
  const wakeGateWaiters = (runId: number) => void db.settled().then(() => gateWaiters.notify(runId));
  const services = createServices({
    db,
    catalog,
    clock,
    layout: messageLayout,
    admins: config.admins ?? [],
    githubActor: githubActorOf(config),
    events: {
      messagesChanged: () => sync?.notify(),
      runEnded: async (runId) => {
        wakeGateWaiters(runId);
        gh.worker?.poke();
        await reporting?.runEnded(runId);
      },
      // Only the click's own write belongs before its ack: the paging rules run after it (afterAck).
      stateChanged: (runId) => {
        wakeGateWaiters(runId);
        eventsOut?.poke();
        gh.worker?.poke();
        evaluateRulesAfterAck(runId);
      },
    },
    onQueued: () => poller?.poke(),
  });
  const { queries: runs, timeline } = services;
  const runMessages = createRunMessages(db);
  // slackAuth (below) is asked only once messages render, after start.
  const clientFor = (channelId: string) => slackAuth.clientFor(channelId);
  const messageLink = createRunMessageLinks({ find: (r, k) => runMessages.find(r, k), identity, perWorkspace: !!config.oauth, clientFor, logger });
  const render = createRunMessageRenderer({
    runs,
    timeline,
    now: () => clock.now(),
    link: messageLink,
    history: (name) => services.reports.sectionHistory(name),
  });
  // One pace per channel (Slack counts every post there together), shared through the database only by PostgreSQL's
  // replicas: one SQLite process has no one to share it with, and would pay a committed write per post. Tests shorten lateLandingMs.
  const postPacer = new ChannelPostPacer({ ...options.postPace, ...(db.engine === 'postgres' ? { shared: services.channelPace } : {}) });
  const slackCalls = { clientFor, lateLandingMs: options.lateLandingMs };
  sync = new MessageSync({
    messages: runMessages,
    render,
    ...slackCalls,
    logger,
    postPacer,
    paused: probe.paused,
    ...(options.messageIntervalMs !== undefined ? { minIntervalMs: options.messageIntervalMs } : {}),
    ...(db.engine !== 'sqlite' ? { scanIntervalMs: 2_000 } : {}),
  });
  const linkToRun = async (runId: number): Promise<string | null> => await messageLink(runId, OVERVIEW_KEY);
  const pdPager = pagerFromConfig(config.pagerDuty, logger);
  pager = createPaging({
    pager: pdPager,
    newService: (onQueued) =>
      new PageService({
        db,
        runs,
        timeline,
        clock,
        logger,
        pager: pdPager,
        linkToRun,
        onQueued,
        defaultEscalationPolicy: config.pagerDuty.escalationPolicy ?? null,
      }),
    outbox: createPageOutbox(db),
    paused: probe.paused,
    timeline,
    clock,
    logger,
    ...(options.pagerBackoff ? { backoff: options.pagerBackoff } : {}),
    ...(options.pagerIntervalMs !== undefined ? { workerIntervalMs: options.pagerIntervalMs } : {}),
  });
  const pages = pager.service;
  eventsOut = eventsOutFromConfig({ config, options, db, runs, pager: pdPager, clock, logger, paused: probe.paused });
  const clientForRun = async (runId: number | null) => (runId === null ? null : slackAuth.clientFor((await runs.requireRun(runId)).channelId));
  const gh = githubFromConfig({ config, options, protections: services.github, clientForRun, clock, logger, paused: probe.paused });
  poller = new ReminderPoller(
    timeline,
    createReminderPoster({ ...slackCalls, messages: runMessages, logger, messageLink, pacer: postPacer }),
    logger,
    () => clock.now(),
    async () => await pager?.evaluateAll(),
    probe.paused,
  );

  let healthy = false;
  const socket = socketFromConfig(config, options, logger);
  const healthz = healthzHandler({
    healthy: () => healthy,
    databaseUp: () => probe.up,
    socket,
    socketGraceMs: options.socketGraceMs ?? 30_000,
    details: () => ({
      database: probe.status(),
      work: { claiming: healthy && probe.up },
      checklists: catalog.list().filter((e) => e.checklist).length,
      paging: pages.isEnabled ? 'on' : 'off',
      messages: sync?.stats,
      replica: runMessages.replica,
      leases: { reminders: poller?.leasesHeld ?? 0, pages: pager?.leasesHeld() ?? 0, messages: sync?.leases.held ?? 0 },
    }),
  });
  let closePort: () => Promise<void> = async () => undefined;
  const apiRoutes = [...pipelineRoutes({ services, waiters: gateWaiters, logger }), ...gh.routes];
  const slackAuth = slackAuthFromConfig({
    config,
    db,
    now: () => clock.now(),
    logger,
    identity,
    socket,
    healthz,
    routes: apiRoutes,
    onInstalled: async (tenant) => void (await services.tenancy.arrived(tenant)),
  });
  const app = new App({
    ...slackAuth.appOptions,
    logger,
    // Without logLevel, Bolt resets the logger it is given to its own default (info).
    logLevel: config.logLevel as LogLevel,
    clientOptions: { slackApiUrl: config.slackApiUrl, timeout: 2_500, retryConfig: { retries: 0 } },
  });
  app.error(async (error) => {
    logger.error('unhandled Bolt error:', error instanceof Error ? (error.stack ?? error.message) : error);
  });

  let identityLookup: { stop(): void } | null = null;

  // Malformed or unroutable signed bodies get a quick 4xx or empty ack, never a 500, a 3 s 404 or a crash.
  guardHttpBodies(app, logger);
  guardProcessEvent(app, logger, slackAuth.notInstalled ? { notInstalled: slackAuth.notInstalled } : {});
  routeListenersById(app);
  // One token: names by e-mail through its client. OAuth: /deploy contacts shows names as written.
  const directory = slackAuth.foreground ? new SlackUserDirectory(slackAuth.foreground, logger) : undefined;
  registerCommandHandler(app, { services, catalog, pages, now: () => clock.now(), logger, ...(directory ? { directory } : {}) });
  registerActionHandlers(app, { services, ...(slackAuth.foreground ? { foreground: slackAuth.foreground } : {}), logger, pages, linkToRun });
  // With one token, an uninstall ends with an operator restarting on a new token: nothing to suspend meanwhile.
  if (config.oauth) registerTenancyEvents(app, { tenancy: services.tenancy, logger });
  reporting = createReporting({
    app,
    services,
    clock,
    clientFor: slackAuth.clientFor,
    logger,
    onMessagesChanged: () => sync?.notify(),
    paused: probe.paused,
    ...(options.reporting ? { options: options.reporting } : {}),
  });

  return {
    ...{ app, db, runs, timeline, services, sync, poller, pages, paging: pager, logger, reporting, socket, gateWaiters, eventsOut },
    github: gh.worker,
    async start() {
      if (slackAuth.identityClient) {
        const lookup = learnBotIdentity(slackAuth.identityClient, identity, logger);
        identityLookup = lookup;
        await lookup.ready;
      }
      await reconcileClaimedReminders({
        clientFor: slackAuth.clientFor,
        claimed: createClaimedReminders(db),
        logger,
        recordSent: (row, ts) => timeline.recordSent(row, row.claimedAt ?? clock.now(), false, ts),
        hold: (ids) => poller!.holdClaims(ids),
      });
      const opened = await listenOnPort({ app, socket, port: config.port, healthz, routes: apiRoutes });
      closePort = opened.close;
      const port = opened.port;
      logger.info(
        socket
          ? `deployday replica ${runMessages.replica} is starting in Socket Mode (/api/v1 and GET /healthz on port ${port})`
          : `deployday replica ${runMessages.replica} is listening on port ${port} (POST /slack/events, GET /healthz, /api/v1${config.oauth ? ', GET /slack/install' : ''})`,
      );
      if (!pages.isEnabled) logger.info('paging is off: set PAGERDUTY_ROUTING_KEY to page on-call through PagerDuty');
      await sync!.start();
      gateWaiters.listen(services.gateWakes, logger);
      probe.start();
      for (const job of [poller!, pager!, reporting!, eventsOut!, gh.worker]) await job?.start();
      healthy = true;
      if (socket) {
        await socket.start();
        logger.info('deployday is running in Socket Mode');
      }
      return port;
    },
    async stop() {
      healthy = false;
      await gateWaiters.close();
      identityLookup?.stop();
      await probe.stop();
      await poller!.stop();
      await pager!.stop();
      await reporting!.stop();
      await eventsOut!.stop();
      await gh.worker?.stop();
      await sync!.stop();
      await socket?.stop();
      await app.stop().catch(() => undefined);
      await closePort();
      await db.close();
    },
  };
}
