import { describe, expect, it } from 'vitest';
import {
  endRun,
  findRun,
  listActiveRuns,
  listActiveRunsInChannel,
  listRecentRunsInChannel,
  rollbackStartedAt,
  setRunT0,
  startRollback,
} from '../../src/store/runs.js';
import { gatedRelease } from '../domain/domainFixtures.js';
import { addRun, databasePerTest, MINUTE, T0 } from './storeFixtures.js';

const openDb = databasePerTest();

describe('runs', () => {
  it('reads a run back with the checklist it was started with', () => {
    const db = openDb();
    const runId = addRun(db);
    const run = findRun(db, runId);
    expect(run).toMatchObject({
      id: runId,
      channelId: 'C0DEPLOY',
      startedBy: 'U0LEAD',
      t0: T0,
      status: 'active',
      rollbackActive: false,
      slipMinutes: 0,
    });
    expect(run?.checklist).toEqual(gatedRelease());
  });

  it('answers null for a run that does not exist', () => {
    expect(findRun(openDb(), 999)).toBeNull();
  });

  it('lists only active runs, per channel and overall', () => {
    const db = openDb();
    const first = addRun(db, 'C0DEPLOY');
    const ended = addRun(db, 'C0DEPLOY');
    const elsewhere = addRun(db, 'C0OTHER');
    endRun(db, ended, 'completed', null, T0);
    expect(listActiveRunsInChannel(db, 'C0DEPLOY').map((r) => r.id)).toEqual([first]);
    expect(listActiveRuns(db).map((r) => r.id)).toEqual([first, elsewhere]);
  });

  it('lists a channel’s recent runs newest first, ended ones included, up to the limit', () => {
    const db = openDb();
    const ids = [addRun(db), addRun(db), addRun(db)];
    endRun(db, ids[2]!, 'aborted', 'called off', T0);
    expect(listRecentRunsInChannel(db, 'C0DEPLOY', 2).map((r) => r.id)).toEqual([ids[2], ids[1]]);
  });

  it('reads back each ended run’s own checklist when more have ended than are kept parsed', () => {
    const db = openDb();
    const ids = Array.from({ length: 40 }, () => addRun(db));
    for (const id of ids) {
      endRun(db, id, 'completed', null, T0);
      findRun(db, id);
    }
    for (const id of ids) expect(findRun(db, id)).toMatchObject({ id, status: 'completed', checklist: gatedRelease() });
  });

  it('ends a run once: a second end does not overwrite how it ended', () => {
    const db = openDb();
    const runId = addRun(db);
    endRun(db, runId, 'rolled_back', 'canary errors', T0 + MINUTE);
    endRun(db, runId, 'completed', null, T0 + 2 * MINUTE);
    expect(findRun(db, runId)).toMatchObject({ status: 'rolled_back', endReason: 'canary errors', endedAt: T0 + MINUTE });
  });

  it('starts a rollback only once, and only on an active run', () => {
    const db = openDb();
    const runId = addRun(db);
    expect(startRollback(db, runId, 'errors up', T0)).toBe(true);
    expect(startRollback(db, runId, 'again', T0 + MINUTE)).toBe(false);
    expect(findRun(db, runId)).toMatchObject({ rollbackActive: true, rollbackReason: 'errors up' });
    expect(rollbackStartedAt(db, runId)).toBe(T0);
    const ended = addRun(db);
    endRun(db, ended, 'completed', null, T0);
    expect(startRollback(db, ended, 'too late', T0)).toBe(false);
  });

  it('moves T-0 and records the slip', () => {
    const db = openDb();
    const runId = addRun(db);
    setRunT0(db, runId, T0 + 15 * MINUTE, 15);
    expect(findRun(db, runId)).toMatchObject({ t0: T0 + 15 * MINUTE, slipMinutes: 15 });
  });

  it('refuses a status the schema does not know', () => {
    const db = openDb();
    const runId = addRun(db);
    expect(() => db.prepare(`UPDATE runs SET status = 'paused' WHERE id = ?`).run(runId)).toThrow(/CHECK/);
  });
});
