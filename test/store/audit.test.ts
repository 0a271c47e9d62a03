import { describe, expect, it } from 'vitest';
import { appendAudit, hasAuditEntry, listAudit } from '../../src/store/audit.js';
import { addRun, databasePerTest, T0 } from './storeFixtures.js';

const openDb = databasePerTest();

describe('the audit trail', () => {
  it('lists a run’s entries in the order they were appended, with their details', () => {
    const db = openDb();
    const runId = addRun(db);
    const other = addRun(db, 'C0OTHER');
    appendAudit(db, { runId, at: T0, actor: 'U0ALICE', action: 'item.tick', target: 'i1', detail: { phase: 'Deploy' } });
    appendAudit(db, { runId: other, at: T0, actor: 'U0BOB', action: 'item.tick', target: 'i1' });
    appendAudit(db, { runId, at: T0 + 1, actor: 'U0BOB', action: 'run.end' });
    const entries = listAudit(db, runId);
    expect(entries.map((e) => [e.actor, e.action, e.target, e.detail])).toEqual([
      ['U0ALICE', 'item.tick', 'i1', { phase: 'Deploy' }],
      ['U0BOB', 'run.end', null, null],
    ]);
  });

  it('refuses to change an entry once written', () => {
    const db = openDb();
    const runId = addRun(db);
    appendAudit(db, { runId, at: T0, actor: 'U0ALICE', action: 'item.tick', target: 'i1' });
    expect(() => db.prepare(`UPDATE audit SET actor = 'U0MALLORY'`).run()).toThrow(/append-only/);
    expect(listAudit(db, runId)[0]?.actor).toBe('U0ALICE');
  });

  it('refuses to delete an entry once written', () => {
    const db = openDb();
    const runId = addRun(db);
    appendAudit(db, { runId, at: T0, actor: 'U0ALICE', action: 'item.tick', target: 'i1' });
    expect(() => db.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
    expect(listAudit(db, runId)).toHaveLength(1);
  });

  it('finds an entry by run, action and target, and nothing for another target', () => {
    const db = openDb();
    const runId = addRun(db);
    appendAudit(db, { runId, at: T0, actor: 'U0ALICE', action: 'gate.passed', target: 'g1' });
    expect(hasAuditEntry(db, runId, 'gate.passed', 'g1')).toBe(true);
    expect(hasAuditEntry(db, runId, 'gate.passed', 'g2')).toBe(false);
  });

  it('keeps entries that belong to no run (refusals before a run exists)', () => {
    const db = openDb();
    const id = appendAudit(db, { runId: null, at: T0, actor: 'U0ALICE', action: 'command.refused' });
    expect(id).toBeGreaterThan(0);
  });
});
