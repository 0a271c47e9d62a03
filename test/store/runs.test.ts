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
  it('reads a run back with the checklist it was started with', async () => {
    const db = openDb();
    const runId = await addRun(db);
    const run = await findRun(db, runId);
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

  it('answers null for a run that does not exist', async () => {
    expect(await findRun(openDb(), 999)).toBeNull();
  });

  it('lists only active runs, per channel and overall', async () => {
    const db = openDb();
    const first = await addRun(db, 'C0DEPLOY');
    const ended = await addRun(db, 'C0DEPLOY');
    const elsewhere = await addRun(db, 'C0OTHER');
    await endRun(db, ended, 'completed', null, T0);
    expect((await listActiveRunsInChannel(db, 'C0DEPLOY')).map((r) => r.id)).toEqual([first]);
    expect((await listActiveRuns(db)).map((r) => r.id)).toEqual([first, elsewhere]);
  });

  it('lists a channel’s recent runs newest first, ended ones included, up to the limit', async () => {
    const db = openDb();
    const ids = [await addRun(db), await addRun(db), await addRun(db)];
    await endRun(db, ids[2]!, 'aborted', 'called off', T0);
    expect((await listRecentRunsInChannel(db, 'C0DEPLOY', 2)).map((r) => r.id)).toEqual([ids[2], ids[1]]);
  });

  it('reads back each ended run’s own checklist when more have ended than are kept parsed', async () => {
    const db = openDb();
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) ids.push(await addRun(db));
    for (const id of ids) {
      await endRun(db, id, 'completed', null, T0);
      await findRun(db, id);
    }
    for (const id of ids) expect(await findRun(db, id)).toMatchObject({ id, status: 'completed', checklist: gatedRelease() });
  });

  it('ends a run once: a second end does not overwrite how it ended', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await endRun(db, runId, 'rolled_back', 'canary errors', T0 + MINUTE);
    await endRun(db, runId, 'completed', null, T0 + 2 * MINUTE);
    expect(await findRun(db, runId)).toMatchObject({ status: 'rolled_back', endReason: 'canary errors', endedAt: T0 + MINUTE });
  });

  it('starts a rollback only once, and only on an active run', async () => {
    const db = openDb();
    const runId = await addRun(db);
    expect(await startRollback(db, runId, 'errors up', T0)).toBe(true);
    expect(await startRollback(db, runId, 'again', T0 + MINUTE)).toBe(false);
    expect(await findRun(db, runId)).toMatchObject({ rollbackActive: true, rollbackReason: 'errors up' });
    expect(await rollbackStartedAt(db, runId)).toBe(T0);
    const ended = await addRun(db);
    await endRun(db, ended, 'completed', null, T0);
    expect(await startRollback(db, ended, 'too late', T0)).toBe(false);
  });

  it('moves T-0 and records the slip', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await setRunT0(db, runId, T0 + 15 * MINUTE, 15);
    expect(await findRun(db, runId)).toMatchObject({ t0: T0 + 15 * MINUTE, slipMinutes: 15 });
  });

  it('refuses a status the schema does not know', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await expect(db.prepare(`UPDATE runs SET status = 'paused' WHERE id = ?`).run(runId)).rejects.toThrow(/CHECK/);
  });
});
