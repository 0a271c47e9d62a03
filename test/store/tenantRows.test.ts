import { describe, expect, it } from 'vitest';
import { appendAudit } from '../../src/store/audit.js';
import { claimDueReminders, upsertReminders } from '../../src/store/reminders.js';
import { assignRole } from '../../src/store/roles.js';
import { insertRun, isRunSuspended, listActiveRuns, resumeTenantRuns, suspendTenantRuns, tenantOfChannel } from '../../src/store/runs.js';
import { gatedRelease } from '../domain/domainFixtures.js';
import { databasePerTest, T0 } from './storeFixtures.js';

const openDb = databasePerTest();

async function runIn(db: ReturnType<typeof openDb>, channelId: string, teamId: string, enterpriseId: string | null = null): Promise<number> {
  return await insertRun(db, { checklist: gatedRelease(), channelId, teamId, enterpriseId, startedBy: 'U0LEAD', t0: T0, timezone: 'UTC', now: T0 });
}

describe('rows carry their workspace (migration 014)', () => {
  it("stamps reminders, roles and audit rows with their run's team, and a run-less audit row with the team given", async () => {
    const db = openDb();
    const runA = await runIn(db, 'C0ALPHA', 'T0AAA');
    await upsertReminders(db, runA, [{ key: 'r1', kind: 'opens_soon', dueAt: T0 }]);
    await assignRole(db, runA, 'approver', 'U0BOB', 'U0LEAD', T0);
    await appendAudit(db, { runId: runA, at: T0, actor: 'U0LEAD', action: 'item.tick' });
    await appendAudit(db, { runId: null, at: T0, actor: 'U0EVE', action: 'denied', teamId: 'T0BBB' });
    expect(await db.prepare('SELECT DISTINCT team_id FROM reminders').all()).toEqual([{ team_id: 'T0AAA' }]);
    expect(await db.prepare('SELECT DISTINCT team_id FROM run_roles').all()).toEqual([{ team_id: 'T0AAA' }]);
    expect(await db.prepare('SELECT action, team_id FROM audit ORDER BY id').all()).toEqual([
      { action: 'item.tick', team_id: 'T0AAA' },
      { action: 'denied', team_id: 'T0BBB' },
    ]);
    expect(await tenantOfChannel(db, 'C0ALPHA')).toEqual({ teamId: 'T0AAA', enterpriseId: null });
  });

  it("suspends a workspace's active runs (their reminders cancelled and never claimed) and resumes them, leaving others alone", async () => {
    const db = openDb();
    const runA = await runIn(db, 'C0ALPHA', 'T0AAA');
    const runB = await runIn(db, 'C0BETA', 'T0BBB');
    await upsertReminders(db, runA, [{ key: 'a1', kind: 'opens_soon', dueAt: T0 }]);
    await upsertReminders(db, runB, [{ key: 'b1', kind: 'opens_soon', dueAt: T0 }]);
    expect(await suspendTenantRuns(db, { teamId: 'T0AAA', enterpriseId: null }, T0)).toEqual([runA]);
    expect(await isRunSuspended(db, runA)).toBe(true);
    expect((await listActiveRuns(db)).map((r) => r.id)).toEqual([runB]);
    await upsertReminders(db, runA, [{ key: 'a2', kind: 'open_now', dueAt: T0 }]);
    expect((await claimDueReminders(db, T0 + 1)).map((r) => r.key)).toEqual(['b1']);
    expect(await db.prepare(`SELECT key, status FROM reminders WHERE run_id = ? ORDER BY id`).all(runA)).toEqual([
      { key: 'a1', status: 'cancelled' },
      { key: 'a2', status: 'pending' },
    ]);
    expect(await resumeTenantRuns(db, { teamId: 'T0AAA', enterpriseId: null })).toEqual([runA]);
    expect((await claimDueReminders(db, T0 + 1)).map((r) => r.key)).toEqual(['a2']);
  });

  it('suspends every workspace of an org when its org-wide install leaves', async () => {
    const db = openDb();
    const one = await runIn(db, 'C0GRID1', 'T0GRID1', 'E0GRID');
    const two = await runIn(db, 'C0GRID2', 'T0GRID2', 'E0GRID');
    const other = await runIn(db, 'C0ALPHA', 'T0AAA');
    expect(await suspendTenantRuns(db, { teamId: null, enterpriseId: 'E0GRID' }, T0)).toEqual([one, two]);
    expect((await listActiveRuns(db)).map((r) => r.id)).toEqual([other]);
  });
});
