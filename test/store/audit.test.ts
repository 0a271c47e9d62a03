import { describe, expect, it } from 'vitest';
import { appendAudit, hasAuditEntry, listAudit } from '../../src/store/audit.js';
import { addRun, databasePerTest, T0 } from './storeFixtures.js';

const openDb = databasePerTest();

describe('the audit trail', () => {
  it('lists a run’s entries in the order they were appended, with their details', async () => {
    const db = openDb();
    const runId = await addRun(db);
    const other = await addRun(db, 'C0OTHER');
    await appendAudit(db, { runId, at: T0, actor: 'U0ALICE', action: 'item.tick', target: 'i1', detail: { phase: 'Deploy' } });
    await appendAudit(db, { runId: other, at: T0, actor: 'U0BOB', action: 'item.tick', target: 'i1' });
    await appendAudit(db, { runId, at: T0 + 1, actor: 'U0BOB', action: 'run.end' });
    const entries = await listAudit(db, runId);
    expect(entries.map((e) => [e.actor, e.action, e.target, e.detail])).toEqual([
      ['U0ALICE', 'item.tick', 'i1', { phase: 'Deploy' }],
      ['U0BOB', 'run.end', null, null],
    ]);
  });

  it('refuses to change an entry once written', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await appendAudit(db, { runId, at: T0, actor: 'U0ALICE', action: 'item.tick', target: 'i1' });
    await expect(db.prepare(`UPDATE audit SET actor = 'U0MALLORY'`).run()).rejects.toThrow(/append-only/);
    expect((await listAudit(db, runId))[0]?.actor).toBe('U0ALICE');
  });

  it('refuses to delete an entry once written', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await appendAudit(db, { runId, at: T0, actor: 'U0ALICE', action: 'item.tick', target: 'i1' });
    await expect(db.prepare('DELETE FROM audit').run()).rejects.toThrow(/append-only/);
    expect(await listAudit(db, runId)).toHaveLength(1);
  });

  it('finds an entry by run, action and target, and nothing for another target', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await appendAudit(db, { runId, at: T0, actor: 'U0ALICE', action: 'gate.passed', target: 'g1' });
    expect(await hasAuditEntry(db, runId, 'gate.passed', 'g1')).toBe(true);
    expect(await hasAuditEntry(db, runId, 'gate.passed', 'g2')).toBe(false);
  });

  it('keeps entries that belong to no run (refusals before a run exists)', async () => {
    const db = openDb();
    const id = await appendAudit(db, { runId: null, at: T0, actor: 'U0ALICE', action: 'command.refused' });
    expect(id).toBeGreaterThan(0);
  });
});
