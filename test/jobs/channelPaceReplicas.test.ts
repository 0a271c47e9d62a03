import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MessageSync } from '../../src/jobs/messageSync.js';
import { createChannelPace } from '../../src/service/channelPace.js';
import { createRunMessages } from '../../src/service/runMessages.js';
import { ChannelPostPacer } from '../../src/slack/channelPostPacer.js';
import { createBackgroundClient } from '../../src/slack/webClients.js';
import type { Db } from '../../src/store/db.js';
import { insertRunMessages } from '../../src/store/runMessages.js';
import { FAKE_BOT_TOKEN, type FakeSlack, startFakeSlack } from '../support/fakeSlack.js';
import { POSTGRES_START_TIMEOUT } from '../support/postgresDatabase.js';
import { REPLICA_ENGINES, type Replicas } from '../support/storeEngines.js';
import { waitFor } from '../support/waitFor.js';
import { addRun } from '../store/storeFixtures.js';
import { quietLogger } from '../support/quietLogger.js';

/** One post every 300 ms per channel, no burst: over the fake's 4 a second only if two replicas each keep it. */
const PACE = { burst: 1, intervalMs: 300 };
const SLACK_LIMIT = { perSecond: 4, perChannel: true };

describe.each(REPLICA_ENGINES)('the post pace of a channel on two replicas of one %s database', (_engine, open) => {
  let fake: FakeSlack;
  let dbs: Replicas;
  const syncs: MessageSync[] = [];

  const pacer = (db: Db, pace = PACE) => new ChannelPostPacer({ ...pace, shared: createChannelPace(db) });
  const replica = (db: Db, id: string): MessageSync => {
    const sync = new MessageSync({
      messages: createRunMessages(db, id),
      render: async (runId, key) => ({ text: `${runId} ${key}`, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `${runId} ${key}` } }] }),
      clientFor: async () => createBackgroundClient(FAKE_BOT_TOKEN, fake.apiUrl, quietLogger),
      logger: quietLogger,
      minIntervalMs: 10,
      debounceMs: 10,
      scanIntervalMs: 50,
      postPacer: pacer(db),
    });
    syncs.push(sync);
    return sync;
  };
  const posts = (channel: string) => fake.calls.filter((c) => c.method === 'chat.postMessage' && c.args['channel'] === channel);

  beforeAll(async () => {
    fake = await startFakeSlack({ rateLimits: { 'chat.postMessage': SLACK_LIMIT } });
    dbs = await open();
  }, POSTGRES_START_TIMEOUT);
  afterEach(async () => {
    for (const sync of syncs.splice(0)) await sync.stop();
  });
  afterAll(async () => {
    await dbs?.close();
    await fake?.close();
  });

  it('gives a post slot to one replica at a time, and holds every replica to a pause one was given', async () => {
    const a = pacer(dbs.a, { burst: 1, intervalMs: 60_000 });
    const b = pacer(dbs.b, { burst: 1, intervalMs: 60_000 });
    const now = Date.now();
    expect(await a.take('C0SLOT', now)).toBe(0);
    // B has posted nothing itself: the slot is taken in the database.
    expect(await b.take('C0SLOT', now)).toBe(now + 60_000);
    await a.rateLimited('C0PAUSE', now + 5_000);
    expect(await b.take('C0PAUSE', now)).toBe(now + 5_000);
    expect(await b.take('C0PAUSE', now + 5_000)).toBe(0);
  });

  it('keeps posts to one channel from both replicas at the single pace: Slack answers none with 429', async () => {
    const channel = 'C0PACED';
    for (let run = 0; run < 4; run++) await insertRunMessages(dbs.a, await addRun(dbs.a, channel), channel, ['overview', 'phase-1', 'phase-2']);
    const a = replica(dbs.a, 'replica-a');
    const b = replica(dbs.b, 'replica-b');
    await Promise.all([a.start(), b.start()]);
    a.notify();
    b.notify();
    await waitFor(() => a.stats.posts + b.stats.posts === 12, { timeoutMs: 20_000 });

    expect(fake.messages(channel)).toHaveLength(12);
    expect(a.stats.posts, 'replica A posted too').toBeGreaterThan(0);
    expect(b.stats.posts, 'replica B posted too').toBeGreaterThan(0);
    expect(posts(channel).filter((c) => c.status === 429)).toEqual([]);
  });

  it('makes the other replica wait out a 429 one replica was given, before posting to that channel', async () => {
    const channel = 'C0LIMITED';
    await insertRunMessages(dbs.a, await addRun(dbs.a, channel), channel, ['overview']);
    fake.failNext('chat.postMessage', 1, { status: 429, retryAfter: 2 });
    const a = replica(dbs.a, 'replica-a');
    await a.start();
    a.notify();
    const limited = await waitFor(() => posts(channel).find((c) => c.status === 429));
    await waitFor(() => a.stats.rateLimited === 1);
    await a.stop();

    // B knows nothing of the 429 but what the database holds.
    const b = replica(dbs.b, 'replica-b');
    await b.start();
    await waitFor(() => b.stats.posts === 1, { timeoutMs: 10_000 });
    expect(fake.messages(channel)).toHaveLength(1);
    const posted = posts(channel).find((c) => c.status === 200);
    expect(posted!.at).toBeGreaterThanOrEqual(limited.at + 2_000);
  });
});
