import { describe, expect, it } from 'vitest';
import type { Checklist, ChecklistSettings } from '../../src/domain/checklist.js';
import { desiredPages } from '../../src/domain/escalationRules.js';
import { nextOverdue, planReminders, type PlannedReminder } from '../../src/domain/reminderPlan.js';
import type { SectionTimelineState, SectionWindow } from '../../src/domain/sectionWindow.js';
import { closingGroups, lockingGates } from '../../src/domain/sharedWindows.js';
import { pageGraceFor } from '../../src/domain/escalationRules.js';
import { checklistOf, done, gateItem, MINUTE, snapshotOf, T0 } from './domainFixtures.js';

const HOUR = 60 * MINUTE;

/** Four readiness sections, all in one window from T-2h to T-0 (the window their phase heading gives them). */
function readiness(settings: ChecklistSettings = {}, gateInSecond = false): Checklist {
  return checklistOf(
    [
      {
        title: 'Readiness',
        sections: [
          { title: 'Code', items: ['Security audit', 'Code review'] },
          { title: 'Infrastructure', items: ['Dashboards', gateInSecond ? gateItem('Go/No-Go: infra ready?') : 'Backups'] },
          { title: 'Docs', items: ['Runbook'] },
          { title: 'Testing', items: ['Load test'] },
        ],
      },
    ],
    settings,
  );
}

function sameWindow(checklist: Checklist, opensAt = T0 - 2 * HOUR, closesAt = T0): SectionWindow[] {
  return checklist.phases.flatMap((p) => p.sections.map((s) => ({ sectionId: s.id, phaseId: p.id, opensAt, closesAt, explicit: true })));
}

function plan(checklist: Checklist, windows = sameWindow(checklist)): PlannedReminder[] {
  return planReminders({ run: { id: 3, t0: T0, timezone: 'UTC' }, checklist, windows, now: T0 - 10 * HOUR });
}

const shape = (reminders: PlannedReminder[]) => reminders.map((r) => `${r.kind} ${(r.sectionIds ?? [r.sectionId]).join('+')}`);

describe('reminders of sections that share a window', () => {
  it('are one opens soon, one opened, one closes soon and one overdue nudge that name every section', () => {
    const checklist = readiness();
    expect(shape(plan(checklist))).toEqual(['opens_soon s0+s1+s2+s3', 'opened s0+s1+s2+s3', 'closing_soon s0+s1+s2+s3', 'overdue s0+s1+s2+s3']);
    expect(plan(checklist).find((r) => r.kind === 'overdue')?.key).toBe('r3:s0+s1+s2+s3:overdue:0@20260310T140000Z');
  });

  it('leave a section with its own page grace to its own closing reminders, and still share the opening', () => {
    const checklist = readiness({ sectionGraceMinutes: { docs: 45 } });
    expect(shape(plan(checklist))).toEqual([
      'opens_soon s0+s1+s2+s3',
      'opened s0+s1+s2+s3',
      'closing_soon s0+s1+s3',
      'closing_soon s2',
      'overdue s0+s1+s3',
      'overdue s2',
    ]);
  });

  it('leave sections behind a different gate to reminders of their own', () => {
    const checklist = readiness({}, true);
    expect(lockingGates(checklist).get('s2')).toBe('s1.i3');
    expect(shape(plan(checklist)).filter((s) => s.startsWith('overdue'))).toEqual(['overdue s0+s1', 'overdue s2+s3']);
  });

  it('share only the moment they have in common: a section closing later keeps its own closing reminders', () => {
    const checklist = readiness();
    const windows = sameWindow(checklist).map((w) => (w.sectionId === 's3' ? { ...w, closesAt: T0 + HOUR } : w));
    expect(shape(plan(checklist, windows)).filter((s) => s.startsWith('overdue'))).toEqual(['overdue s0+s1+s2', 'overdue s3']);
  });

  it('keep naming every section in each later nudge of the series', () => {
    const first = plan(readiness()).find((r) => r.kind === 'overdue')!;
    const next = nextOverdue(first, { now: T0, repeatMinutes: 15 });
    expect(next).toMatchObject({ key: 'r3:s0+s1+s2+s3:overdue:1@20260310T141500Z', sectionIds: ['s0', 's1', 's2', 's3'], sectionId: 's0' });
  });
});

describe('the page of overdue sections that share a close', () => {
  const checklist = readiness();
  const pages = (c: Checklist, options: { items?: ReturnType<typeof done>[]; now?: number; acknowledgedAt?: Map<string, number> } = {}) => {
    const snapshot = snapshotOf(c, { items: options.items ?? [] });
    const states = new Map<string, SectionTimelineState>(c.phases.flatMap((p) => p.sections.map((s) => [s.id, 'overdue'] as const)));
    return desiredPages({
      snapshot,
      windows: sameWindow(c),
      states,
      rollbackTimeboxes: [],
      now: options.now ?? T0 + 16 * MINUTE,
      ...(options.acknowledgedAt ? { acknowledgedAt: options.acknowledgedAt } : {}),
    });
  };

  it('is one page with one dedup reason, naming each section and its open items', () => {
    const [page, ...more] = pages(checklist);
    expect(more).toEqual([]);
    expect(page?.reason).toBe('overdue:s0_s1_s2_s3');
    expect(page?.summary).toBe(
      '4 sections are 16 min overdue in run #7 (Payments release): “Code” (2 open), “Infrastructure” (2 open), “Docs” (1 open), “Testing” (1 open); 6 items open in all',
    );
    expect(page?.itemIds).toHaveLength(6);
  });

  it('keeps its reason while the sections settle one by one, and is no longer wanted once all are settled', () => {
    const settledButTesting = ['s0.i0', 's0.i1', 's1.i2', 's1.i3', 's2.i4'].map((id) => done(id));
    const left = pages(checklist, { items: settledButTesting });
    expect(left.map((p) => p.reason)).toEqual(['overdue:s0_s1_s2_s3']);
    expect(left[0]?.summary).toContain('“Testing” is 16 min overdue');
    expect(pages(checklist, { items: [...settledButTesting, done('s3.i5')] })).toEqual([]);
  });

  it('leaves out a section someone acknowledged within its grace', () => {
    const [page] = pages(checklist, { acknowledgedAt: new Map([['s0', T0 + 10 * MINUTE]]) });
    expect(page?.reason).toBe('overdue:s0_s1_s2_s3');
    expect(page?.summary).not.toContain('“Code”');
  });

  // The key names the whole group (s0_s1), so it stays the same once the gate is decided and s1 pages as overdue too.
  it('gives a section with its own grace its own page, and an open gate its gate_missed page', () => {
    const graced = readiness({ sectionGraceMinutes: { docs: 5 } }, true);
    expect(closingGroups(graced, sameWindow(graced), pageGraceFor).get('s2')).toEqual(['s2']);
    expect(pages(graced).map((p) => p.reason)).toEqual(['overdue:s0_s1', 'gate_missed:s1.i3', 'overdue:s2', 'overdue:s3']);
  });
});
