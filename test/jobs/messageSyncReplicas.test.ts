import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageSync } from '../../src/jobs/messageSync.js';
import { createRunMessages } from '../../src/service/runMessages.js';
import { createBackgroundClient } from '../../src/slack/webClients.js';
import type { Db } from '../../src/store/db.js';
import { LEASE_MS, leaseOf } from '../../src/store/leases.js';
import { bumpRunMessages, claimRunMessage, findRunMessage, insertRunMessages } from '../../src/store/runMessages.js';
import { FAKE_BOT_TOKEN, type FakeSlack, startFakeSlack } from '../support/fakeSlack.js';
import { POSTGRES_START_TIMEOUT } from '../support/postgresDatabase.js';
import { REPLICA_ENGINES } from '../support/storeEngines.js';
import { waitFor } from '../support/waitFor.js';
import { addRun } from '../store/storeFixtures.js';
import { quietLogger } from '../support/quietLogger.js';

const CHANNEL = 'C0DEPLOY';
const KEY = 'overview';

describe.each(REPLICA_ENGINES)('message sync on two replicas of one %s database', (_engine, open) => {
  let fake: FakeSlack;
  let dbs: { a: Db; b: Db; close(): Promise<void> };
  let runId: number;
  /** The run's state as the database holds it: what a render shows. */
  let state = 1;
  let replicaA: MessageSync;
  let replicaB: MessageSync;

  const sync = (db: Db, replica: string) =>
    new MessageSync({
      messages: createRunMessages(db, replica),
      render: async () => ({ text: `state ${state}`, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `state ${state}` } }] }),
      clientFor: async () => createBackgroundClient(FAKE_BOT_TOKEN, fake.apiUrl, quietLogger),
      logger: quietLogger,
      minIntervalMs: 10,
      debounceMs: 10,
      scanIntervalMs: 50,
    });

  /** A click on one replica: the state changes and the message's version moves, in the database. */
  const click = async (db: Db, next: number) => {
    state = next;
    await bumpRunMessages(db, runId, [KEY]);
  };
  const shown = () => fake.messages(CHANNEL)[0]?.text;
  const inSync = async () => {
    const message = await findRunMessage(dbs.a, runId, KEY);
    return message !== null && message.syncedVersion >= message.version && message.leasedBy === null;
  };

  beforeAll(async () => {
    fake = await startFakeSlack();
    dbs = await open();
    runId = await addRun(dbs.a, CHANNEL);
    await insertRunMessages(dbs.a, runId, CHANNEL, [KEY]);
    replicaA = sync(dbs.a, 'replica-a');
    replicaB = sync(dbs.b, 'replica-b');
    await replicaA.start();
    await replicaB.start();
  }, POSTGRES_START_TIMEOUT);
  afterAll(async () => {
    await replicaA?.stop();
    await replicaB?.stop();
    await dbs?.close();
    await fake?.close();
  });

  it('leaves a message to the replica holding it, and ends showing the latest state whichever replica took the click', async () => {
    await waitFor(() => shown() === 'state 1');
    await waitFor(inSync);

    // Replica B takes a click; Slack holds the update that follows a while (whichever replica makes it).
    fake.failNext('chat.update', 1, { delayMs: 3_000 });
    await click(dbs.b, 2);
    replicaB.notify();
    await waitFor(() => fake.callsTo('chat.update').length === 1);

    // Replica A takes the next click while that update is in flight: the replica not holding the
    // message leaves it alone (it sees the lease) instead of updating it at the same time.
    const seenHeld = replicaA.leases.leftToHolder + replicaB.leases.leftToHolder;
    await click(dbs.a, 3);
    replicaA.notify();
    await waitFor(() => replicaA.leases.leftToHolder + replicaB.leases.leftToHolder > seenHeld, { timeoutMs: 5_000 });
    expect(fake.callsTo('chat.update')).toHaveLength(1);

    // The holder reads the version again after its call and goes round once more.
    await waitFor(() => shown() === 'state 3', { timeoutMs: 10_000 });
    await waitFor(inSync, { timeoutMs: 5_000 });
    expect(fake.messages(CHANNEL)).toHaveLength(1);
    expect(fake.messages(CHANNEL)[0]!.history.map((v) => v.text)).toEqual(['state 1', 'state 2', 'state 3']);
  });

  it('syncs a message another replica changed and never synced, once no live lease holds it (that replica died)', async () => {
    await waitFor(inSync, { timeoutMs: 5_000 });
    // The replica that took the click held the message when it died after its commit. It takes the
    // lease before the click: a live replica's scan could otherwise claim the bumped message first.
    await waitFor(() => claimRunMessage(dbs.a, runId, KEY, leaseOf('replica-dead', Date.now())), { timeoutMs: 5_000 });
    await click(dbs.a, 4);
    // Its lease has since run out.
    expect(await claimRunMessage(dbs.a, runId, KEY, leaseOf('replica-dead', Date.now() - LEASE_MS - 1))).toBe(true);
    // Nobody is told: the periodic scan of the live replicas finds it.
    await waitFor(() => shown() === 'state 4', { timeoutMs: 10_000 });
    await waitFor(inSync, { timeoutMs: 5_000 });
  });
});
