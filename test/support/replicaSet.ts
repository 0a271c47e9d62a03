/**
 * Several replicas of the bot on one PostgreSQL database, each its own process (`node dist/main.js`,
 * so a test can kill -9 one and start it again), sharing the strict fakes: one fake Slack, one fake
 * PagerDuty (HTTPS, so the processes trust the test CA), one signing secret, one accelerated clock.
 * Everything a test opened is stopped after it, whatever it left running; the database is the run's
 * one embedded server's (test/support/postgresServer.ts), dropped with it.
 *
 * In Socket Mode (`transport: 'socket'`) each replica opens its own WebSocket to the fake with the
 * app-level token, and the fake spreads envelopes over them as Slack does. Replicas then start one
 * at a time, so the link that opens during a start is that replica's (`connectionOf`); a replica
 * that later moves to a new link (a refresh) is not followed.
 */
import { join } from 'node:path';
import type pg from 'pg';
import { afterEach } from 'vitest';
import { startBotProcess, type BotProcess } from './botProcess.js';
import { startFakePagerDuty, type FakePagerDuty } from './fakePagerDuty.js';
import { startFakeSlack, type FakeSlack } from './fakeSlack.js';
import { connectPostgres, freshPostgresDatabase } from './postgresDatabase.js';
import { createSlackClient, type SlackClient } from './slackClient.js';
import { socketDelivery } from './socketDelivery.js';
import { REPO_ROOT, SIGNING_SECRET, type Transport } from './startBot.js';
import { waitFor } from './waitFor.js';

/** A well-formed Events API v2 key; the fake PagerDuty refuses any other. */
export const REPLICA_ROUTING_KEY = 'Rk7Failover0000ReplicaSet0000Key';

export interface ReplicaSet {
  fake: FakeSlack;
  pager: FakePagerDuty;
  /** The database every replica is started on (DATABASE_URL). */
  databaseUrl: string;
  /** A client on that database for the test's own reads (ended after the test). */
  db: pg.Client;
  /** What every start passes: the fakes' URLs, the database, the clock, the test's own variables. */
  env: Record<string, string>;
  /** The running process of replica `i`, or undefined while it is down. */
  replicas: Array<BotProcess | undefined>;
  /** Starts replica `i` (again, after a kill) and waits until it answers a command. */
  start(i: number): Promise<BotProcess>;
  kill9(i: number): Promise<void>;
  /** Slack's side of replica `i`: its endpoint, signed with the shared secret; in Socket Mode, its own link. */
  slack(i: number): SlackClient;
  /** Socket Mode: Slack's side of the app, whose envelopes the fake spreads over every replica's link. */
  spread(): SlackClient;
  /** Socket Mode: the fake's id of the link replica `i` opened at its start. */
  connectionOf(i: number): number;
  /** Indexes of the replicas running now. */
  alive(): number[];
  /** Which running replica holds `leasedBy` (its replica id appears in its own log), if any. */
  holderOf(leasedBy: string): number | undefined;
  /** Stops every running replica with SIGTERM. */
  stopAll(): Promise<void>;
}

export interface ReplicaSetOptions {
  count: number;
  /** Checklists folder relative to the repository. */
  checklists: string;
  env?: Record<string, string>;
  /** Default 'http'. 'socket' sets SLACK_APP_TOKEN to the fake's app-level token. */
  transport?: Transport;
}

/** Registers the cleanup and returns `open`, which sets up one test's fakes, database and replicas. */
export function replicaSetPerTest(): (options: ReplicaSetOptions) => Promise<ReplicaSet> {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    // Last opened, first closed: the replicas before the fakes and the database they talk to.
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  return async (options) => {
    const fake = await startFakeSlack();
    cleanups.push(() => fake.close());
    const pager = await startFakePagerDuty({ routingKey: REPLICA_ROUTING_KEY });
    cleanups.push(() => pager.close());
    const databaseUrl = await freshPostgresDatabase();
    const db = await connectPostgres(databaseUrl);
    cleanups.push(() => db.end());
    const env: Record<string, string> = {
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: databaseUrl,
      CHECKLISTS_DIR: join(REPO_ROOT, ...options.checklists.split('/')),
      PAGERDUTY_ROUTING_KEY: REPLICA_ROUTING_KEY,
      PAGERDUTY_EVENTS_URL: pager.eventsUrl,
      NODE_EXTRA_CA_CERTS: join(REPO_ROOT, 'test', 'fixtures', 'tls', 'ca.crt'),
      ...(options.transport === 'socket' ? { SLACK_APP_TOKEN: fake.socket.appToken } : {}),
      ...options.env,
    };
    const socket = options.transport === 'socket';
    const replicas: Array<BotProcess | undefined> = Array.from({ length: options.count }, () => undefined);
    const connections: Array<number | undefined> = [];
    // Socket Mode starts wait their turn: a link is told apart from another only by when it opened.
    let starting: Promise<unknown> = Promise.resolve();
    const launch = async (i: number): Promise<BotProcess> => {
      const before = fake.socket.connectionLog.at(-1)?.id ?? 0;
      const bot = await startBotProcess(env);
      replicas[i] = bot;
      if (socket) connections[i] = await fake.socket.waitForConnection(45_000, before);
      // A fresh process's first request loads code and opens its pool; on a busy machine that can
      // exceed Slack's 3 s ack. One untimed command first, so the test's clicks meet a warm replica.
      await waitFor(async () => (await set.slack(i).command('help')).status === 200, {
        timeoutMs: 30_000,
        intervalMs: 200,
        message: `replica ${i} answering`,
      });
      return bot;
    };
    const set: ReplicaSet = {
      fake,
      pager,
      databaseUrl,
      db,
      env,
      replicas,
      async start(i) {
        if (replicas[i]) throw new Error(`replica ${i} is already running`);
        if (!socket) return launch(i);
        const turn = starting.then(() => launch(i));
        starting = turn.catch(() => undefined);
        return turn;
      },
      async kill9(i) {
        const bot = replicas[i];
        if (!bot) throw new Error(`replica ${i} is not running`);
        replicas[i] = undefined;
        connections[i] = undefined;
        await bot.kill9();
      },
      slack(i) {
        const bot = replicas[i];
        if (!bot) throw new Error(`replica ${i} is not running`);
        return createSlackClient({
          baseUrl: `http://127.0.0.1:${bot.port}`,
          signingSecret: SIGNING_SECRET,
          fake,
          ...(socket ? { deliver: socketDelivery(fake, set.connectionOf(i)) } : {}),
        });
      },
      spread() {
        if (!socket) throw new Error('spread() is for Socket Mode replicas: over HTTP the test picks the replica');
        // The base URL is only for sendRaw (always HTTP); commands and clicks go over the fake's links.
        return createSlackClient({ baseUrl: fake.apiUrl, signingSecret: SIGNING_SECRET, fake, deliver: socketDelivery(fake) });
      },
      connectionOf(i) {
        const id = connections[i];
        if (!socket || id === undefined) throw new Error(`replica ${i} has no Socket Mode link`);
        return id;
      },
      alive: () => replicas.flatMap((bot, i) => (bot ? [i] : [])),
      holderOf(leasedBy) {
        const found = replicas.findIndex((bot) => bot?.output().includes(leasedBy));
        return found === -1 ? undefined : found;
      },
      async stopAll() {
        await Promise.all(
          replicas.map(async (bot, i) => {
            replicas[i] = undefined;
            connections[i] = undefined;
            await bot?.stop();
          }),
        );
      },
    };
    cleanups.push(() => set.stopAll());
    return set;
  };
}
