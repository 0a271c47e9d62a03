import { describe, expect, it } from 'vitest';
import type { Vote } from '../../src/domain/run.js';
import { insertGateVote, listGateVotes } from '../../src/store/gateVotes.js';
import { addRun, databasePerTest, T0 } from './storeFixtures.js';

const openDb = databasePerTest();

describe('gate votes', () => {
  it('keeps every vote in the order cast, a changed mind included', () => {
    const db = openDb();
    const runId = addRun(db);
    insertGateVote(db, runId, { itemId: 'g1', userId: 'U0ALICE', vote: 'go', reason: null, at: T0 });
    insertGateVote(db, runId, { itemId: 'g1', userId: 'U0ALICE', vote: 'no_go', reason: 'error rate', at: T0 + 1 });
    expect(listGateVotes(db, runId)).toEqual([
      { itemId: 'g1', userId: 'U0ALICE', vote: 'go', reason: null, at: T0 },
      { itemId: 'g1', userId: 'U0ALICE', vote: 'no_go', reason: 'error rate', at: T0 + 1 },
    ]);
  });

  it('lists only the run’s own votes', () => {
    const db = openDb();
    const runId = addRun(db);
    const other = addRun(db);
    insertGateVote(db, other, { itemId: 'g1', userId: 'U0BOB', vote: 'go', reason: null, at: T0 });
    expect(listGateVotes(db, runId)).toEqual([]);
  });

  it('refuses a vote that is neither go nor no-go', () => {
    const db = openDb();
    const runId = addRun(db);
    expect(() => insertGateVote(db, runId, { itemId: 'g1', userId: 'U0BOB', vote: 'maybe' as Vote, reason: null, at: T0 })).toThrow(/CHECK/);
  });
});
