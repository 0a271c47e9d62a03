import { describe, expect, it } from 'vitest';
import { undecidedGates } from '../../src/domain/gates.js';
import { tallyItems } from '../../src/domain/itemTally.js';
import { findItem } from '../../src/domain/findItem.js';
import { refusalFor } from '../../src/domain/permissions.js';
import { done, gatedRelease, itemId, snapshotOf, waived } from './domainFixtures.js';

const checklist = gatedRelease({ gates: [{ match: 'ship to canary', approvers: ['approver'] }] });
const id = (text: string) => itemId(checklist, text);

describe('tallyItems: done, waived, skipped and open apart', () => {
  it('counts a waived item as waived, never as done, and leaves the rollback branch out until a rollback', () => {
    const snapshot = snapshotOf(checklist, { items: [done(id('Announce the code freeze')), waived(id('Tag the release candidate'), 'by hand')] });
    const tally = tallyItems(snapshot);
    expect(tally).toMatchObject({ done: 1, waived: 1, skipped: 0 });
    expect(tally.done + tally.waived + tally.open).toBe(tally.total);
    expect(tally.total).toBeLessThan(Object.keys(snapshot.items).length);
  });

  it('counts the normal flow left open by a rollback as skipped, and the rollback steps as open', () => {
    const snapshot = snapshotOf(checklist, { run: { rollbackActive: true }, items: [done(id('Announce the code freeze'))] });
    const tally = tallyItems(snapshot);
    expect(tally.done).toBe(1);
    expect(tally.skipped).toBeGreaterThan(0);
    expect(tally.open).toBeGreaterThanOrEqual(2); // the two rollback steps, at least
  });
});

describe('gate waivers', () => {
  it('lists a gate as undecided until it passes or is waived', () => {
    const gate = id('Go/No-Go: ship to canary?');
    expect(undecidedGates(snapshotOf(checklist)).map((g) => g.item.id)).toContain(gate);
    expect(undecidedGates(snapshotOf(checklist, { items: [waived(gate, 'shipped by hand')] })).map((g) => g.item.id)).not.toContain(gate);
  });

  it('lets only someone who may decide the gate waive it: not the lead when the gate names only approvers', () => {
    const snapshot = snapshotOf(checklist, { roles: { lead: ['U0LEAD001'], approver: ['U0APPR001'] } });
    const { item, section } = findItem(checklist, id('Go/No-Go: ship to canary?'));
    expect(refusalFor(snapshot, 'U0LEAD001', { kind: 'waive_gate', item, section })).toEqual({
      code: 'not_approver',
      params: { approvers: ['approver'] },
    });
    expect(refusalFor(snapshot, 'U0APPR001', { kind: 'waive_gate', item, section })).toBeNull();
  });
});
