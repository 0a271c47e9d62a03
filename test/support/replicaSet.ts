/**
 * Several replicas of the bot on one PostgreSQL database, each its own process (`node dist/main.js`,
 * so a test can kill -9 one and start it again), sharing the strict fakes: one fake Slack, one fake
 * PagerDuty (HTTPS, so the processes trust the test CA), one signing secret, one accelerated clock.
 * Everything a test opened is stopped after it, whatever it left running; the database is the run's
 * one embedded server's (test/support/postgresServer.ts), dropped with it.
 */
import { join } from 'node:path';
import type pg from 'pg';
import { afterEach } from 'vitest';
import { startBotProcess, type BotProcess } from './botProcess.js';
import { startFakePagerDuty, type FakePagerDuty } from './fakePagerDuty.js';
import { startFakeSlack, type FakeSlack } from './fakeSlack.js';
import { connectPostgres, freshPostgresDatabase } from './postgresDatabase.js';
import { createSlackClient, type SlackClient } from './slackClient.js';
import { REPO_ROOT, SIGNING_SECRET } from './startBot.js';
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
  /** Slack's side of replica `i`'s endpoint, signed with the shared secret. */
  slack(i: number): SlackClient;
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
      ...options.env,
    };
    const replicas: Array<BotProcess | undefined> = Array.from({ length: options.count }, () => undefined);
    const set: ReplicaSet = {
      fake,
      pager,
      databaseUrl,
      db,
      env,
      replicas,
      async start(i) {
        if (replicas[i]) throw new Error(`replica ${i} is already running`);
        const bot = await startBotProcess(env);
        replicas[i] = bot;
        // A fresh process's first request loads code and opens its pool; on a busy machine that can
        // exceed Slack's 3 s ack. One untimed command first, so the test's clicks meet a warm replica.
        await waitFor(async () => (await set.slack(i).command('help')).status === 200, {
          timeoutMs: 30_000,
          intervalMs: 200,
          message: `replica ${i} answering`,
        });
        return bot;
      },
      async kill9(i) {
        const bot = replicas[i];
        if (!bot) throw new Error(`replica ${i} is not running`);
        replicas[i] = undefined;
        await bot.kill9();
      },
      slack(i) {
        const bot = replicas[i];
        if (!bot) throw new Error(`replica ${i} is not running`);
        return createSlackClient({ baseUrl: `http://127.0.0.1:${bot.port}`, signingSecret: SIGNING_SECRET, fake });
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
            await bot?.stop();
          }),
        );
      },
    };
    cleanups.push(() => set.stopAll());
    return set;
  };
}
