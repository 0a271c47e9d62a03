import { describe, expect, it } from 'vitest';
import { findItem } from '../../src/domain/findItem.js';
import { refusalFor } from '../../src/domain/permissions.js';
import { gatedRelease, itemId, snapshotOf, voteOf } from './domainFixtures.js';

const LEAD = 'U0LEAD001';
const QA = 'U0QA00001';
const ADMIN = 'U0ADMIN01';

describe('refusalFor: who may change a role', () => {
  const checklist = gatedRelease({ roles: { 'qa lead': [QA] }, admins: [ADMIN] });
  const roles = { lead: [LEAD], 'qa lead': [QA] };
  const snapshot = snapshotOf(checklist, { roles });
  const change = (role: string, admins: string[] = []) => ({ kind: 'change_role' as const, role, admins });

  it('lets the lead give a role the checklist does not name', () => {
    expect(refusalFor(snapshot, LEAD, change('on-call'))).toBeNull();
  });

  it('refuses anyone but the lead a role the checklist does not name', () => {
    expect(refusalFor(snapshot, QA, change('on-call'))).toEqual({ code: 'not_lead', params: {} });
  });

  it('refuses the lead a role the checklist names, however it is written, with who holds it', () => {
    expect(refusalFor(snapshot, LEAD, change('QA  Lead'))).toEqual({ code: 'named_role', params: { role: 'QA  Lead', holders: [QA] } });
  });

  it('lets a holder of a named role change it', () => {
    expect(refusalFor(snapshot, QA, change('qa lead'))).toBeNull();
  });

  it('lets the lead fill a named role nobody holds yet, but not take it away once someone holds it', () => {
    const empty = snapshotOf(gatedRelease({ roles: { sre: [] } }), { roles: { lead: [LEAD] } });
    expect(refusalFor(empty, LEAD, change('sre'))).toBeNull();
    expect(refusalFor(empty, LEAD, { ...change('sre'), remove: true })).toEqual({ code: 'named_role', params: { role: 'sre', holders: [] } });
    expect(refusalFor(empty, QA, change('sre'))).toEqual({ code: 'named_role', params: { role: 'sre', holders: [] } });
  });

  it('lets an admin of the checklist or of the deployment change any role', () => {
    expect(refusalFor(snapshot, ADMIN, change('qa lead'))).toBeNull();
    expect(refusalFor(snapshot, 'U0OPS0001', change('qa lead', ['U0OPS0001']))).toBeNull();
  });
});

describe('refusalFor: work, votes and decisions', () => {
  const checklist = gatedRelease();

  it('refuses a vote on a gate that has already passed', () => {
    const gate = itemId(checklist, 'Go/No-Go: ship to canary?');
    const { item, section } = findItem(checklist, gate);
    const snapshot = snapshotOf(checklist, { votes: [voteOf(gate, 'U0APPR001', 'go')] });
    expect(refusalFor(snapshot, 'U0APPR001', { kind: 'vote', item, section, window: null, now: 0 })).toEqual({
      code: 'gate_decided',
      params: { outcome: 'passed' },
    });
  });

  it('refuses the lead a vote on a gate whose checklist does not name the lead among its approvers', () => {
    const { item, section } = findItem(checklist, itemId(checklist, 'Go/No-Go: ship to canary?'));
    expect(refusalFor(snapshotOf(checklist), LEAD, { kind: 'vote', item, section, window: null, now: 0 })).toEqual({
      code: 'not_approver',
      params: { approvers: ['approver'] },
    });
  });

  it('takes a gate vote only while the gate’s section is open: not before it opens, not after it closed', () => {
    const { item, section } = findItem(checklist, itemId(checklist, 'Go/No-Go: ship to canary?'));
    const window = { sectionId: section.id, phaseId: 'p0', opensAt: 1_000, closesAt: 2_000, explicit: true };
    const vote = (now: number) => refusalFor(snapshotOf(checklist), 'U0APPR001', { kind: 'vote', item, section, window, now });
    expect(vote(999)).toEqual({ code: 'gate_not_open', params: { sectionTitle: section.title, opensAt: 1_000 } });
    expect(vote(1_000)).toBeNull();
    expect(vote(1_999)).toBeNull();
    expect(vote(2_000)).toEqual({ code: 'gate_closed', params: { sectionTitle: section.title, closedAt: 2_000 } });
  });

  it('refuses ticking a gate as if it were a task', () => {
    const { item, section } = findItem(checklist, itemId(checklist, 'Go/No-Go: ship to canary?'));
    expect(refusalFor(snapshotOf(checklist), LEAD, { kind: 'work_item', item, section })).toEqual({ code: 'gate', params: {} });
  });

  it('holds rollback steps until a rollback, even for the lead', () => {
    const { item, section } = findItem(checklist, itemId(checklist, 'Redeploy the previous tag'));
    expect(refusalFor(snapshotOf(checklist), LEAD, { kind: 'work_item', item, section })).toEqual({ code: 'held', params: {} });
    expect(refusalFor(snapshotOf(checklist, { run: { rollbackActive: true } }), LEAD, { kind: 'work_item', item, section })).toBeNull();
  });

  it('leaves decisions to the lead or an approver', () => {
    expect(refusalFor(snapshotOf(checklist), 'U0APPR001', { kind: 'decide' })).toBeNull();
    expect(refusalFor(snapshotOf(checklist), 'U0NOBODY1', { kind: 'decide' })).toMatchObject({
      code: 'not_lead_or_approver',
      params: { leads: [LEAD] },
    });
  });
});
