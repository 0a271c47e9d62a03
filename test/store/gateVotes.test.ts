import { describe, expect, it } from 'vitest';
import type { Vote } from '../../src/domain/run.js';
import { insertGateVote, listGateVotes } from '../../src/store/gateVotes.js';
import { addRun, databasePerTest, T0 } from './storeFixtures.js';

const openDb = databasePerTest();

describe('gate votes', () => {
  it('keeps every vote in the order cast, a changed mind included', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await insertGateVote(db, runId, { itemId: 'g1', userId: 'U0ALICE', vote: 'go', reason: null, at: T0 });
    await insertGateVote(db, runId, { itemId: 'g1', userId: 'U0ALICE', vote: 'no_go', reason: 'error rate', at: T0 + 1 });
    expect(await listGateVotes(db, runId)).toEqual([
      { itemId: 'g1', userId: 'U0ALICE', vote: 'go', reason: null, at: T0 },
      { itemId: 'g1', userId: 'U0ALICE', vote: 'no_go', reason: 'error rate', at: T0 + 1 },
    ]);
  });

  it('lists only the run’s own votes', async () => {
    const db = openDb();
    const runId = await addRun(db);
    const other = await addRun(db);
    await insertGateVote(db, other, { itemId: 'g1', userId: 'U0BOB', vote: 'go', reason: null, at: T0 });
    expect(await listGateVotes(db, runId)).toEqual([]);
  });

  it('refuses a vote that is neither go nor no-go', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await expect(insertGateVote(db, runId, { itemId: 'g1', userId: 'U0BOB', vote: 'maybe' as Vote, reason: null, at: T0 })).rejects.toThrow(/CHECK/);
  });
});
