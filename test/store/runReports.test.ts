import { describe, expect, it } from 'vitest';
import { dueRunReports, enqueueMissedRunReports } from '../../src/store/runReports.js';
import { endRun } from '../../src/store/runs.js';
import { addRun, databasePerTest, MINUTE, T0 } from './storeFixtures.js';

const openDb = databasePerTest();
const DAY = 24 * 60 * MINUTE;

describe('reports missed by a stop', () => {
  it('queues the report of a run that ended in the last day without one, and of no other run', async () => {
    const db = openDb();
    const now = T0 + 3 * DAY;
    const recent = await addRun(db, 'C0RECENT');
    const old = await addRun(db, 'C0OLD');
    const rolledBack = await addRun(db, 'C0ROLLBACK');
    await addRun(db, 'C0ACTIVE');
    await endRun(db, recent, 'completed', null, now - 60 * MINUTE);
    await endRun(db, old, 'completed', null, now - 2 * DAY);
    await endRun(db, rolledBack, 'rolled_back', 'bad canary', now - 5 * MINUTE);
    expect(await enqueueMissedRunReports(db, now)).toBe(2);
    expect((await dueRunReports(db, now)).map((r) => r.runId).sort()).toEqual([recent, rolledBack].sort());
    expect(await enqueueMissedRunReports(db, now), 'a second start queues nothing again').toBe(0);
  });
});
