import { describe, expect, it } from 'vitest';
import {
  adoptPostedRunMessage,
  bumpRunMessages,
  findRunMessage,
  insertRunMessages,
  listRunMessages,
  listUnsyncedMessages,
  markMessageError,
  markMessagePosted,
  markMessageSynced,
} from '../../src/store/runMessages.js';
import { addRun, databasePerTest } from './storeFixtures.js';

const openDb = databasePerTest();

describe('a run’s Slack messages', () => {
  it('keeps the messages in their order, each unsynced until posted', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await insertRunMessages(db, runId, 'C0DEPLOY', ['overview', 'p0', 'p1']);
    await insertRunMessages(db, runId, 'C0DEPLOY', ['overview']);
    expect((await listRunMessages(db, runId)).map((m) => [m.key, m.position, m.ts])).toEqual([
      ['overview', 0, null],
      ['p0', 1, null],
      ['p1', 2, null],
    ]);
    expect((await listUnsyncedMessages(db)).map((m) => m.key)).toEqual(['overview', 'p0', 'p1']);
  });

  it('finds a posted message by its channel and ts', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await insertRunMessages(db, runId, 'C0DEPLOY', ['overview']);
    await markMessagePosted(db, runId, 'overview', '1700000000.000100', 1);
    expect((await findRunMessage(db, runId, 'overview'))?.ts).toBe('1700000000.000100');
    expect(await listUnsyncedMessages(db)).toEqual([]);
  });

  it('needs a sync again after a bump, until the bumped version is synced', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await insertRunMessages(db, runId, 'C0DEPLOY', ['overview', 'p0']);
    await markMessagePosted(db, runId, 'overview', '1.1', 1);
    await markMessagePosted(db, runId, 'p0', '1.2', 1);
    expect(await bumpRunMessages(db, runId, ['p0'])).toBe(1);
    expect((await listUnsyncedMessages(db)).map((m) => m.key)).toEqual(['p0']);
    await markMessageSynced(db, runId, 'p0', 2);
    expect(await listUnsyncedMessages(db)).toEqual([]);
    expect(await bumpRunMessages(db, runId, 'all')).toBe(2);
  });

  it('leaves adopted nudges alone when every checklist message is bumped, and bumps them too when the run ends', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await insertRunMessages(db, runId, 'C0DEPLOY', ['overview']);
    await markMessagePosted(db, runId, 'overview', '1.1', 1);
    await adoptPostedRunMessage(db, { runId, key: 'nudge:7', channelId: 'C0DEPLOY', ts: '1.9', stale: false });
    expect(await bumpRunMessages(db, runId, 'all')).toBe(1);
    expect((await listUnsyncedMessages(db)).map((m) => m.key)).toEqual(['overview']);
    expect(await bumpRunMessages(db, runId, 'all-and-nudges')).toBe(2);
    expect((await listUnsyncedMessages(db)).map((m) => m.key).sort()).toEqual(['nudge:7', 'overview']);
  });

  it('never moves the synced version backwards when an older sync finishes late', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await insertRunMessages(db, runId, 'C0DEPLOY', ['p0']);
    await markMessagePosted(db, runId, 'p0', '1.1', 1);
    await bumpRunMessages(db, runId, ['p0']);
    await bumpRunMessages(db, runId, ['p0']);
    await markMessageSynced(db, runId, 'p0', 3);
    await markMessageSynced(db, runId, 'p0', 2);
    expect(await findRunMessage(db, runId, 'p0')).toMatchObject({ version: 3, syncedVersion: 3 });
  });

  it('remembers why Slack refused a message until a later sync succeeds', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await insertRunMessages(db, runId, 'C0DEPLOY', ['p0']);
    await markMessageError(db, runId, 'p0', 'invalid_blocks');
    expect((await findRunMessage(db, runId, 'p0'))?.lastError).toBe('invalid_blocks');
    await markMessagePosted(db, runId, 'p0', '1.1', 1);
    expect((await findRunMessage(db, runId, 'p0'))?.lastError).toBeNull();
  });
});
