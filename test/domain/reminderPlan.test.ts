import { describe, it, expect } from 'vitest';
import type { SectionWindow } from '../../src/domain/sectionWindow.js';
import {
  classifyDue,
  keyStamp,
  nextOverdue,
  NUDGE_CAP,
  planItemTimer,
  planReminders,
  planRollbackTimeboxes,
  planTimebox,
  type PlannedReminder,
} from '../../src/domain/reminderPlan.js';
import { computeRollbackTimeboxes, computeSchedule } from '../../src/domain/schedule.js';
import { at, buildChecklist, canaryLike, clock, iso, tZero, timebox, timedLike } from './timelineFixtures.js';

const NY = 'America/New_York';
const MIN = 60_000;
const HOUR = 60 * MIN;

function timedPlan(now: number, t0 = at('2026-11-23T21:00:00Z')): PlannedReminder[] {
  const checklist = timedLike();
  return planReminders({ run: { id: 12, t0, timezone: NY }, checklist, windows: computeSchedule(checklist, t0, NY), now });
}

function canaryPlan(now: number): PlannedReminder[] {
  const checklist = canaryLike();
  const t0 = at('2026-11-23T16:00:00Z');
  return planReminders({ run: { id: 7, t0, timezone: 'UTC' }, checklist, windows: computeSchedule(checklist, t0, 'UTC'), now });
}

/** The reminders that name a section, its own or shared with others. */
const about = (plan: PlannedReminder[], sectionId: string): PlannedReminder[] =>
  plan.filter((r) => (r.sectionIds ?? [r.sectionId]).includes(sectionId));

const brief = (plan: PlannedReminder[], sectionId: string): Array<[string, string | null]> =>
  about(plan, sectionId).map((r) => [r.key, iso(r.dueAt)]);

describe('planReminders', () => {
  const longBefore = at('2026-11-01T00:00:00Z');

  it('plans opens soon, opened, closing soon and the first overdue for a clock window', () => {
    expect(brief(timedPlan(longBefore), 's4')).toEqual([
      ['r12:s4:opens_soon@20261123T104500Z', '2026-11-23T10:45:00Z'],
      ['r12:s4:opened@20261123T110000Z', '2026-11-23T11:00:00Z'],
      ['r12:s4:closing_soon@20261123T164500Z', '2026-11-23T16:45:00Z'],
      ['r12:s4:overdue:0@20261123T170000Z', '2026-11-23T17:00:00Z'],
    ]);
  });

  it('plans four reminders for each of the 13 scheduled sections of the timed day, four shared by the sections of one window, and none for rollback or sign-off', () => {
    const plan = timedPlan(longBefore);
    for (let i = 0; i <= 12; i += 1) expect(about(plan, `s${i}`)).toHaveLength(4);
    // s0-s3 share the week-before window: one reminder of each kind names all four.
    expect(about(plan, 's0').map((r) => r.sectionIds)).toEqual(Array(4).fill(['s0', 's1', 's2', 's3']));
    expect(plan).toHaveLength(40);
    expect(about(plan, 's13').length + about(plan, 's14').length).toBe(0);
  });

  it('gives every reminder a unique key and returns them in due order', () => {
    for (const plan of [timedPlan(longBefore), canaryPlan(at('2026-11-23T08:00:00Z'))]) {
      expect(new Set(plan.map((r) => r.key)).size).toBe(plan.length);
      expect(plan.map((r) => r.dueAt)).toEqual([...plan.map((r) => r.dueAt)].sort((a, b) => a - b));
    }
  });

  it('plans the same keys when planned again', () => {
    expect(timedPlan(longBefore)).toEqual(timedPlan(longBefore));
  });

  it('gives moved reminders new keys after a slip, so the store does not mistake them for the old ones', () => {
    const before = timedPlan(longBefore, at('2026-11-23T21:00:00Z'));
    const after = timedPlan(longBefore, at('2026-11-25T21:00:00Z'));
    const oldKeys = new Set(before.map((r) => r.key));
    expect(after.filter((r) => oldKeys.has(r.key))).toEqual([]);
  });

  it('announces no opening for canary stages with no time written (open from the start), but nudges each when overdue', () => {
    const plan = canaryPlan(at('2026-11-23T08:00:00Z'));
    // The three stages close together: one warning and one nudge series names them all.
    expect(brief(plan, 's5').map(([key]) => key)).toEqual(['r7:s5+s6+s7:closing_soon@20261124T154500Z', 'r7:s5+s6+s7:overdue:0@20261124T160000Z']);
    expect(brief(plan, 's6')).toEqual(brief(plan, 's5'));
    // The timed Warm-up is still announced.
    expect(brief(plan, 's4').map(([key]) => key)).toContain('r7:s4:opened@20261123T140000Z');
    expect(plan).toHaveLength(10);
  });

  it('warns readiness sections before T-0 and nudges them at T-0, with nothing about opening', () => {
    // The four readiness sections and the Warm-up all close at T-0: one warning, one nudge.
    expect(brief(canaryPlan(at('2026-11-23T08:00:00Z')), 's0')).toEqual([
      ['r7:s0+s1+s2+s3+s4:closing_soon@20261123T154500Z', '2026-11-23T15:45:00Z'],
      ['r7:s0+s1+s2+s3+s4:overdue:0@20261123T160000Z', '2026-11-23T16:00:00Z'],
    ]);
  });

  it('warns of a close only for windows longer than 30 minutes', () => {
    const checklist = buildChecklist('short', [
      {
        title: 'Day (T-0)',
        timing: tZero(),
        sections: [
          { title: 'Half hour (12:00 PM - 12:30 PM)', timing: clock('12:00', '12:30') },
          { title: 'A bit more (1:00 PM - 1:31 PM)', timing: clock('13:00', '13:31') },
        ],
      },
    ]);
    const t0 = at('2026-11-23T17:00:00Z');
    const plan = planReminders({ run: { id: 1, t0, timezone: NY }, checklist, windows: computeSchedule(checklist, t0, NY), now: t0 - 10 * HOUR });
    expect(plan.filter((r) => r.kind === 'closing_soon').map((r) => r.sectionId)).toEqual(['s1']);
  });

  it('skips an opens-soon whose moment has passed but still plans the opening', () => {
    const kinds = timedPlan(at('2026-11-23T10:50:00Z'))
      .filter((r) => r.sectionId === 's4')
      .map((r) => r.kind);
    expect(kinds).toEqual(['opened', 'closing_soon', 'overdue']);
  });

  it('plans a window that already closed with the overdue nudge of the current interval, not a burst', () => {
    const overdue = timedPlan(at('2026-11-23T17:40:00Z')).filter((r) => r.sectionId === 's4');
    expect(overdue).toEqual([
      { key: 'r12:s4:overdue:3@20261123T174500Z', dueAt: at('2026-11-23T17:45:00Z'), kind: 'overdue', sectionId: 's4', repeat: 3 },
    ]);
  });

  it("uses the checklist's lead and repeat settings when none are given", () => {
    const checklist = { ...timedLike(), settings: { reminderLeadMinutes: 30, overdueRepeatMinutes: 10 } };
    const t0 = at('2026-11-23T21:00:00Z');
    const windows = computeSchedule(checklist, t0, NY);
    const early = planReminders({ run: { id: 12, t0, timezone: NY }, checklist, windows, now: at('2026-11-01T00:00:00Z') });
    expect(iso(early.find((r) => r.sectionId === 's4' && r.kind === 'opens_soon')!.dueAt)).toBe('2026-11-23T10:30:00Z');
    const late = planReminders({ run: { id: 12, t0, timezone: NY }, checklist, windows, now: at('2026-11-23T17:40:00Z') });
    expect(late.find((r) => r.sectionId === 's4')).toMatchObject({ repeat: 4, dueAt: at('2026-11-23T17:40:00Z') });
  });

  it('gives sections without items no reminders', () => {
    const checklist = buildChecklist('empty', [
      { title: 'Day (T-0)', timing: tZero(), sections: [{ title: 'Notes only (9:00 AM - 10:00 AM)', timing: clock('09:00', '10:00'), items: [] }] },
    ]);
    const t0 = at('2026-11-23T17:00:00Z');
    const windows = computeSchedule(checklist, t0, NY);
    expect(windows[0]!.opensAt).not.toBeNull();
    expect(planReminders({ run: { id: 1, t0, timezone: NY }, checklist, windows, now: t0 - 10 * HOUR })).toEqual([]);
  });
});

describe('nextOverdue', () => {
  const first: PlannedReminder = {
    key: 'r12:s4:overdue:0@20261123T170000Z',
    dueAt: at('2026-11-23T17:00:00Z'),
    kind: 'overdue',
    sectionId: 's4',
    repeat: 0,
  };

  it('plans the next nudge one interval after the one just sent', () => {
    expect(nextOverdue(first, { now: at('2026-11-23T17:00:20Z') })).toEqual({
      key: 'r12:s4:overdue:1@20261123T171500Z',
      dueAt: at('2026-11-23T17:15:00Z'),
      kind: 'overdue',
      sectionId: 's4',
      repeat: 1,
    });
  });

  it('backs off: waits of 15, 30 and 60 minutes, then hourly', () => {
    const waits: number[] = [];
    let r: PlannedReminder | null = first;
    for (let n = 0; n < 5 && r; n += 1) {
      const next: PlannedReminder | null = nextOverdue(r, { now: r.dueAt });
      if (next) waits.push((next.dueAt - r.dueAt) / 60_000);
      r = next;
    }
    expect(waits).toEqual([15, 30, 60, 60, 60]);
  });

  it('plans the next nudge at once after an outage, not a burst of missed ones', () => {
    const next = nextOverdue(first, { now: at('2026-11-23T19:05:00Z') });
    expect([next?.repeat, iso(next!.dueAt)]).toEqual([1, '2026-11-23T19:05:00Z']);
  });

  it('stops at the cap of nudges per section', () => {
    expect(nextOverdue({ ...first, repeat: NUDGE_CAP - 1 }, { now: first.dueAt })).toBeNull();
    expect(nextOverdue({ ...first, repeat: NUDGE_CAP - 2 }, { now: first.dueAt })).not.toBeNull();
  });

  it("stops when the day the section closed is over in the run's zone", () => {
    const lateEvening = { ...first, dueAt: at('2026-11-23T23:30:00Z'), repeat: 4 };
    expect(nextOverdue(lateEvening, { now: lateEvening.dueAt, timezone: 'UTC' })).toBeNull();
    expect(nextOverdue(lateEvening, { now: lateEvening.dueAt, timezone: 'America/New_York' })).not.toBeNull();
  });

  it('uses the repeat interval it is given as the first wait', () => {
    const next = nextOverdue(first, { now: first.dueAt, repeatMinutes: 5 });
    expect([next?.repeat, iso(next!.dueAt)]).toEqual([1, '2026-11-23T17:05:00Z']);
  });

  it('refuses a reminder that is not an overdue nudge', () => {
    expect(() => nextOverdue({ ...first, kind: 'opened' }, { now: first.dueAt })).toThrow(/overdue/);
  });
});

describe('timers and time boxes', () => {
  const start = at('2026-11-23T16:02:00Z');

  it('plans a watch timer for when it runs out, keyed by its start', () => {
    const item = canaryLike().phases[1]!.sections[1]!.items[1]!;
    expect(planItemTimer(7, item, start)).toEqual({
      key: 'r7:s5.i1:timer_done@20261123T160200Z',
      dueAt: at('2026-11-23T16:32:00Z'),
      kind: 'timer_done',
      sectionId: 's5',
      itemId: 's5.i1',
    });
  });

  it('plans a restarted timer as a new reminder', () => {
    const item = canaryLike().phases[1]!.sections[1]!.items[1]!;
    expect(planItemTimer(7, item, start + 5 * MIN)!.key).not.toBe(planItemTimer(7, item, start)!.key);
  });

  it('plans nothing for an item without a timer', () => {
    expect(planItemTimer(7, canaryLike().phases[1]!.sections[1]!.items[0]!, start)).toBeNull();
  });

  it('plans an item time box, a section time box, and nothing for a section without one', () => {
    const item = canaryLike().phases[2]!.sections[1]!.items[2]!;
    expect(planTimebox(7, item, start)).toMatchObject({ kind: 'timebox_expired', itemId: 's10.i2', sectionId: 's10', dueAt: start + 5 * MIN });
    const boxed = buildChecklist('b', [{ title: 'R', kind: 'rollback', sections: [{ title: 'Decide (15 minutes)', timing: timebox(15) }] }]);
    const section = boxed.phases[0]!.sections[0]!;
    expect(planTimebox(3, section, start)).toEqual({
      key: 'r3:s0:timebox_expired@20261123T160200Z',
      dueAt: start + 15 * MIN,
      kind: 'timebox_expired',
      sectionId: 's0',
    });
    expect(planTimebox(3, canaryLike().phases[2]!.sections[0]!, start)).toBeNull();
  });

  it('plans no step time box at the rollback start: each starts when its button is clicked', () => {
    // timedLike's rollback time boxes are all steps' ("**Decision Point** (15 minutes)"), so none runs on its own.
    expect(planRollbackTimeboxes(12, timedLike(), start)).toEqual([]);
    const decision = computeRollbackTimeboxes(timedLike(), start)[0]!;
    const clickedAt = start + 7 * MIN;
    expect(iso(planTimebox(12, { ...decision, startsAt: clickedAt }, clickedAt)!.dueAt)).toBe('2026-11-23T16:24:00Z');
  });

  it('writes key moments in UTC to the second', () => {
    expect(keyStamp(at('2026-11-23T16:02:09.750Z'))).toBe('20261123T160209Z');
  });
});

describe('classifyDue', () => {
  const window: SectionWindow = {
    sectionId: 's4',
    phaseId: 'p1',
    opensAt: at('2026-11-23T11:00:00Z'),
    closesAt: at('2026-11-23T17:00:00Z'),
    explicit: true,
  };
  const reminder = (kind: PlannedReminder['kind'], dueIso: string): PlannedReminder => ({
    key: `k:${kind}`,
    kind,
    dueAt: at(dueIso),
    sectionId: 's4',
  });

  it.each([
    ['on time when sent at its moment', reminder('opened', '2026-11-23T11:00:00Z'), '2026-11-23T11:00:00Z', {}, 'on_time'],
    ['on time up to a minute late', reminder('opened', '2026-11-23T11:00:00Z'), '2026-11-23T11:01:00Z', {}, 'on_time'],
    ['late after a minute', reminder('opened', '2026-11-23T11:00:00Z'), '2026-11-23T11:01:01Z', { window }, 'late'],
    ['stale: opens soon after the section opened', reminder('opens_soon', '2026-11-23T10:45:00Z'), '2026-11-23T11:00:00Z', { window }, 'stale'],
    ['late: opens soon, still before the open', reminder('opens_soon', '2026-11-23T10:45:00Z'), '2026-11-23T10:55:00Z', { window }, 'late'],
    ['stale: opened after the section closed', reminder('opened', '2026-11-23T11:00:00Z'), '2026-11-23T17:00:00Z', { window }, 'stale'],
    ['stale: closing soon after the close', reminder('closing_soon', '2026-11-23T16:45:00Z'), '2026-11-23T17:05:00Z', { window }, 'stale'],
    ['stale: overdue for a section now done', reminder('overdue', '2026-11-23T17:00:00Z'), '2026-11-23T17:00:00Z', { resolved: true }, 'stale'],
    ['late: overdue hours after, still not done', reminder('overdue', '2026-11-23T17:00:00Z'), '2026-11-23T21:00:00Z', { window }, 'late'],
    [
      'late: a timer that ended while the bot was away',
      reminder('timer_done', '2026-11-23T12:00:00Z'),
      '2026-11-23T14:00:00Z',
      { staleAfterMs: HOUR },
      'late',
    ],
    [
      'stale: an announcement older than staleAfterMs',
      reminder('opened', '2026-11-23T11:00:00Z'),
      '2026-11-23T12:01:00Z',
      { staleAfterMs: HOUR },
      'stale',
    ],
    ['late: a custom lateness threshold', reminder('opened', '2026-11-23T11:00:00Z'), '2026-11-23T11:00:31Z', { lateAfterMs: 30_000 }, 'late'],
  ] as const)('is %s', (_name, r, nowIso, options, expected) => {
    expect(classifyDue(r, at(nowIso), options)).toBe(expected);
  });
});
