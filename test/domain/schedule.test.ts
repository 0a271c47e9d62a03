import { describe, it, expect } from 'vitest';
import type { Checklist } from '../../src/domain/checklist.js';
import type { SectionWindow } from '../../src/domain/sectionWindow.js';
import { computeRollbackTimeboxes, computeRollbackWindows, computeSchedule, withWindows } from '../../src/domain/schedule.js';
import { sectionTimelineState } from '../../src/domain/sectionTimelineState.js';
import { applyReschedule, applySlip } from '../../src/domain/slip.js';
import { at, buildChecklist, canaryLike, clock, days, hours, iso, tZero, timebox, timedLike } from './timelineFixtures.js';

const NY = 'America/New_York';
const HOUR = 3_600_000;
const MIN = 60_000;

type Row = [sectionId: string, opensAt: string | null, closesAt: string | null, explicit: boolean];

function rows(windows: SectionWindow[]): Row[] {
  return windows.map((w) => [w.sectionId, iso(w.opensAt), iso(w.closesAt), w.explicit]);
}

function windowOf(windows: SectionWindow[], sectionId: string): SectionWindow {
  const w = windows.find((x) => x.sectionId === sectionId);
  if (w === undefined) throw new Error(`no window for ${sectionId}`);
  return w;
}

describe('computeSchedule on a timed deploy day (T-7 days, clock windows, T+1 day)', () => {
  // T-0 is 16:00 EST on Monday 2026-11-23.
  const t0 = at('2026-11-23T21:00:00Z');
  const windows = computeSchedule(timedLike(), t0, NY);

  it('gives one window per section in file order, rollback and sign-off included', () => {
    expect(windows.map((w) => w.sectionId)).toEqual(timedLike().phases.flatMap((p) => p.sections.map((s) => s.id)));
  });

  it('schedules every section as the headings say', () => {
    expect(rows(windows)).toEqual<Row[]>([
      // Untimed sections inherit "(T-7 days)": a week before T-0, due when the deploy day's first window opens.
      ['s0', '2026-11-16T21:00:00Z', '2026-11-23T11:00:00Z', true],
      ['s1', '2026-11-16T21:00:00Z', '2026-11-23T11:00:00Z', true],
      ['s2', '2026-11-16T21:00:00Z', '2026-11-23T11:00:00Z', true],
      ['s3', '2026-11-16T21:00:00Z', '2026-11-23T11:00:00Z', true],
      // Clock windows on T-0's local day, 06:00 EST = 11:00Z.
      ['s4', '2026-11-23T11:00:00Z', '2026-11-23T17:00:00Z', true],
      ['s5', '2026-11-23T17:00:00Z', '2026-11-23T19:00:00Z', true],
      ['s6', '2026-11-23T19:00:00Z', '2026-11-23T21:00:00Z', true],
      ['s7', '2026-11-23T21:00:00Z', '2026-11-23T23:00:00Z', true],
      ['s8', '2026-11-23T23:00:00Z', '2026-11-24T03:00:00Z', true],
      // (10:00 PM - 12:00 AM) ends at the next local midnight.
      ['s9', '2026-11-24T03:00:00Z', '2026-11-24T05:00:00Z', true],
      // (T+1 day) puts the windows on the next local day.
      ['s10', '2026-11-24T11:00:00Z', '2026-11-24T14:00:00Z', true],
      ['s11', '2026-11-24T14:00:00Z', '2026-11-24T22:00:00Z', true],
      ['s12', '2026-11-24T22:00:00Z', '2026-11-24T23:00:00Z', true],
      // Rollback waits for a rollback; the sign-off after everything is unscheduled.
      ['s13', null, null, false],
      ['s14', null, null, false],
    ]);
  });

  it('places the windows by the day of T-0, not by its time of day', () => {
    const early = computeSchedule(timedLike(), at('2026-11-23T05:30:00Z'), NY); // 00:30 EST the same day
    expect(iso(windowOf(early, 's4').opensAt)).toBe('2026-11-23T11:00:00Z');
    expect(iso(windowOf(early, 's12').closesAt)).toBe('2026-11-24T23:00:00Z');
  });
});

describe('computeSchedule on a canary rollout (T-2 hours, untimed stages, T+24 hours)', () => {
  const t0 = at('2026-11-23T16:00:00Z');
  const windows = computeSchedule(canaryLike(), t0, 'UTC');

  it('schedules readiness before T-0, the stages from T-0, and leaves the rest unscheduled', () => {
    expect(rows(windows)).toEqual<Row[]>([
      // Readiness, before anything timed: must be done by T-0.
      ['s0', null, '2026-11-23T16:00:00Z', false],
      ['s1', null, '2026-11-23T16:00:00Z', false],
      ['s2', null, '2026-11-23T16:00:00Z', false],
      ['s3', null, '2026-11-23T16:00:00Z', false],
      // (T-2 hours), followed by untimed sections: closes at T-0.
      ['s4', '2026-11-23T14:00:00Z', '2026-11-23T16:00:00Z', true],
      // The untimed stages open together at T-0 and share the close of the next timed section.
      ['s5', '2026-11-23T16:00:00Z', '2026-11-24T16:00:00Z', false],
      ['s6', '2026-11-23T16:00:00Z', '2026-11-24T16:00:00Z', false],
      ['s7', '2026-11-23T16:00:00Z', '2026-11-24T16:00:00Z', false],
      // (T+24 hours) with nothing timed after it: one hour by default.
      ['s8', '2026-11-24T16:00:00Z', '2026-11-24T17:00:00Z', true],
      ['s9', null, null, false],
      ['s10', null, null, false],
      // Communication, success criteria and sign-offs come after everything: unscheduled.
      ['s11', null, null, false],
      ['s12', null, null, false],
      ['s13', null, null, false],
      ['s14', null, null, false],
      ['s15', null, null, false],
    ]);
  });
});

describe('computeSchedule rules for offsets and order', () => {
  const t0 = at('2026-06-10T17:00:00Z'); // 13:00 EDT

  it('opens an untimed checklist entirely at T-0 with no close', () => {
    const checklist = buildChecklist('plain', [
      { title: 'Deploy', sections: [{ title: 'Ship' }, { title: 'Check' }] },
      { title: 'Tell people', sections: [{ title: 'Announce' }] },
    ]);
    expect(rows(computeSchedule(checklist, t0, NY))).toEqual<Row[]>([
      ['s0', '2026-06-10T17:00:00Z', null, false],
      ['s1', '2026-06-10T17:00:00Z', null, false],
      ['s2', '2026-06-10T17:00:00Z', null, false],
    ]);
  });

  it('opens untimed sections before a later timed phase at T-0 and closes them when it opens', () => {
    const checklist = buildChecklist('deploy-then-after', [
      { title: 'Deploy', sections: [{ title: 'Ship' }, { title: 'Check' }] },
      { title: 'After (T+1 day)', timing: days(1), sections: [{ title: 'Look (9:00 AM - 10:00 AM)', timing: clock('09:00', '10:00') }] },
    ]);
    expect(rows(computeSchedule(checklist, t0, NY))).toEqual<Row[]>([
      ['s0', '2026-06-10T17:00:00Z', '2026-06-11T13:00:00Z', false],
      ['s1', '2026-06-10T17:00:00Z', '2026-06-11T13:00:00Z', false],
      ['s2', '2026-06-11T13:00:00Z', '2026-06-11T14:00:00Z', true],
    ]);
  });

  it('starts untimed phases after a pre-deploy phase at T-0, with no close when nothing timed follows', () => {
    const checklist = buildChecklist('prep-then-deploy', [
      { title: 'Prep (T-1 day)', timing: days(-1), sections: [{ title: 'Order parts' }] },
      { title: 'Deploy', sections: [{ title: 'Ship' }] },
      { title: 'Tell people', sections: [{ title: 'Announce' }] },
    ]);
    expect(rows(computeSchedule(checklist, t0, NY))).toEqual<Row[]>([
      ['s0', '2026-06-09T17:00:00Z', '2026-06-10T17:00:00Z', true],
      ['s1', '2026-06-10T17:00:00Z', null, false],
      ['s2', '2026-06-10T17:00:00Z', null, false],
    ]);
  });

  it('lets an untimed section follow the last timed one in its own phase, but not in a later phase', () => {
    const checklist = buildChecklist('tail', [
      { title: 'Deploy', sections: [{ title: 'Go (T-0)', timing: tZero() }] },
      { title: 'After', sections: [{ title: 'Review (T+2 hours)', timing: hours(2) }, { title: 'Wrap up' }] },
      { title: 'Tell people', sections: [{ title: 'Announce' }] },
    ]);
    expect(rows(computeSchedule(checklist, t0, NY))).toEqual<Row[]>([
      // T-0 closes when the next timed section opens.
      ['s0', '2026-06-10T17:00:00Z', '2026-06-10T19:00:00Z', true],
      // Positive hour offset followed by an untimed section: the one-hour default.
      ['s1', '2026-06-10T19:00:00Z', '2026-06-10T20:00:00Z', true],
      ['s2', '2026-06-10T20:00:00Z', null, false],
      ['s3', null, null, false],
    ]);
  });

  it('closes a T-0 section when the next section, a clock window, opens', () => {
    const checklist = buildChecklist('kickoff', [
      {
        title: 'Day (T-0)',
        timing: tZero(),
        sections: [
          { title: 'Kickoff (T-0)', timing: tZero() },
          { title: 'Evening (6:00 PM - 8:00 PM)', timing: clock('18:00', '20:00') },
        ],
      },
    ]);
    expect(rows(computeSchedule(checklist, t0, NY))).toEqual<Row[]>([
      ['s0', '2026-06-10T17:00:00Z', '2026-06-10T22:00:00Z', true],
      ['s1', '2026-06-10T22:00:00Z', '2026-06-11T00:00:00Z', true],
    ]);
  });

  it('closes a negative offset at the next timed open when that comes before T-0', () => {
    const checklist = buildChecklist('two-steps', [
      {
        title: 'Prep',
        sections: [
          { title: 'Day before (T-1 day)', timing: days(-1) },
          { title: 'Final (T-2 hours)', timing: hours(-2) },
        ],
      },
    ]);
    expect(rows(computeSchedule(checklist, t0, NY))).toEqual<Row[]>([
      ['s0', '2026-06-09T17:00:00Z', '2026-06-10T15:00:00Z', true],
      ['s1', '2026-06-10T15:00:00Z', '2026-06-10T17:00:00Z', true],
    ]);
  });

  it('closes a positive hour offset when the next timed section opens', () => {
    const checklist = buildChecklist('hours', [
      {
        title: 'After',
        sections: [
          { title: 'Soon (T+1 hour)', timing: hours(1) },
          { title: 'Later (T+3 hours)', timing: hours(3) },
        ],
      },
    ]);
    expect(rows(computeSchedule(checklist, t0, NY))).toEqual<Row[]>([
      ['s0', '2026-06-10T18:00:00Z', '2026-06-10T20:00:00Z', true],
      ['s1', '2026-06-10T20:00:00Z', '2026-06-10T21:00:00Z', true],
    ]);
  });

  it('gives a day offset without a clock a whole local day, 25 hours over the fall-back night', () => {
    const checklist = buildChecklist('next-day', [
      { title: 'Deploy', sections: [{ title: 'Ship (T-0)', timing: tZero() }] },
      { title: 'Aftercare (T+1 day)', timing: days(1), sections: [{ title: 'Watch' }] },
      { title: 'Tell people', sections: [{ title: 'Announce' }] },
    ]);
    const windows = computeSchedule(checklist, at('2026-10-30T16:00:00Z'), NY); // 12:00 EDT, Friday
    expect(rows(windows).slice(1, 2)).toEqual<Row[]>([['s1', '2026-10-31T16:00:00Z', '2026-11-01T17:00:00Z', true]]);
    expect(windowOf(windows, 's1').closesAt! - windowOf(windows, 's1').opensAt!).toBe(25 * HOUR);
  });

  it('sequences time-boxed untimed sections from their anchor, the rest sharing the next timed open', () => {
    const checklist = buildChecklist('boxes', [
      {
        title: 'Deploy',
        sections: [
          { title: 'Prep (T-1 hour)', timing: hours(-1) },
          { title: 'Smoke test (30 minutes)', timing: timebox(30) },
          { title: 'Shift traffic (15 minutes)', timing: timebox(15) },
          { title: 'Watch' },
          { title: 'Review (T+4 hours)', timing: hours(4) },
        ],
      },
    ]);
    expect(rows(computeSchedule(checklist, t0, NY))).toEqual<Row[]>([
      ['s0', '2026-06-10T16:00:00Z', '2026-06-10T17:00:00Z', true],
      ['s1', '2026-06-10T17:00:00Z', '2026-06-10T17:30:00Z', false],
      ['s2', '2026-06-10T17:30:00Z', '2026-06-10T17:45:00Z', false],
      ['s3', '2026-06-10T17:45:00Z', '2026-06-10T21:00:00Z', false],
      ['s4', '2026-06-10T21:00:00Z', '2026-06-10T22:00:00Z', true],
    ]);
  });

  it('ends a window whose end is before its start on the next day', () => {
    const checklist = buildChecklist('night', [
      { title: 'Night (T-0)', timing: tZero(), sections: [{ title: 'Cutover (10:00 PM - 2:00 AM)', timing: clock('22:00', '02:00') }] },
    ]);
    expect(rows(computeSchedule(checklist, t0, NY))).toEqual<Row[]>([['s0', '2026-06-11T02:00:00Z', '2026-06-11T06:00:00Z', true]]);
  });

  it('puts a clock window under an hour offset on the local day of T-0 plus those hours', () => {
    const checklist = buildChecklist('hour-day', [
      { title: 'Next day (T+24 hours)', timing: hours(24), sections: [{ title: 'Check (9:00 AM - 10:00 AM)', timing: clock('09:00', '10:00') }] },
    ]);
    expect(rows(computeSchedule(checklist, t0, NY))).toEqual<Row[]>([['s0', '2026-06-11T13:00:00Z', '2026-06-11T14:00:00Z', true]]);
  });

  it("lets a section's own day offset override its phase's", () => {
    const checklist = buildChecklist('own-day', [
      {
        title: 'Day (T-0)',
        timing: tZero(),
        sections: [
          { title: 'Today (9:00 AM - 10:00 AM)', timing: clock('09:00', '10:00') },
          { title: 'Tomorrow (T+1 day) (7:00 AM - 8:00 AM)', timing: { ...days(1), ...clock('07:00', '08:00') } },
        ],
      },
    ]);
    expect(rows(computeSchedule(checklist, t0, NY))).toEqual<Row[]>([
      ['s0', '2026-06-10T13:00:00Z', '2026-06-10T14:00:00Z', true],
      ['s1', '2026-06-11T11:00:00Z', '2026-06-11T12:00:00Z', true],
    ]);
  });
});

describe('computeSchedule across DST in America/New_York', () => {
  function nightChecklist(): Checklist {
    return buildChecklist('dst', [
      { title: 'Eve (T-1 day)', timing: days(-1), sections: [{ title: 'Late shift (10:00 PM - 2:00 AM)', timing: clock('22:00', '02:00') }] },
      {
        title: 'Day (T-0)',
        timing: tZero(),
        sections: [
          { title: 'Small hours (12:00 AM - 4:00 AM)', timing: clock('00:00', '04:00') },
          { title: 'Through the change (1:30 AM - 3:30 AM)', timing: clock('01:30', '03:30') },
          { title: 'Through the change (1:30 AM - 2:30 AM)', timing: clock('01:30', '02:30') },
        ],
      },
    ]);
  }

  it('places windows exactly on the spring-forward day (2026-03-08)', () => {
    const windows = computeSchedule(nightChecklist(), at('2026-03-08T13:00:00Z'), NY); // 09:00 EDT
    expect(rows(windows)).toEqual<Row[]>([
      // 22:00 EST on the 7th; 02:00 on the 8th does not exist and moves forward to 03:00 EDT.
      ['s0', '2026-03-08T03:00:00Z', '2026-03-08T07:00:00Z', true],
      // Midnight EST to 04:00 EDT: three real hours, not four.
      ['s1', '2026-03-08T05:00:00Z', '2026-03-08T08:00:00Z', true],
      ['s2', '2026-03-08T06:30:00Z', '2026-03-08T07:30:00Z', true],
      // 02:30 does not exist either: 03:30 EDT.
      ['s3', '2026-03-08T06:30:00Z', '2026-03-08T07:30:00Z', true],
    ]);
    expect(windowOf(windows, 's1').closesAt! - windowOf(windows, 's1').opensAt!).toBe(3 * HOUR);
  });

  it('places windows exactly on the fall-back day (2026-11-01)', () => {
    const windows = computeSchedule(nightChecklist(), at('2026-11-01T14:00:00Z'), NY); // 09:00 EST
    expect(rows(windows)).toEqual<Row[]>([
      ['s0', '2026-11-01T02:00:00Z', '2026-11-01T07:00:00Z', true],
      // Midnight EDT to 04:00 EST: five real hours.
      ['s1', '2026-11-01T04:00:00Z', '2026-11-01T09:00:00Z', true],
      // 01:30 happens twice: the earlier (EDT) one.
      ['s2', '2026-11-01T05:30:00Z', '2026-11-01T08:30:00Z', true],
      ['s3', '2026-11-01T05:30:00Z', '2026-11-01T07:30:00Z', true],
    ]);
    expect(windowOf(windows, 's1').closesAt! - windowOf(windows, 's1').opensAt!).toBe(5 * HOUR);
  });

  it('counts T-7 days in calendar days across the spring change, keeping the time of day', () => {
    const windows = computeSchedule(timedLike(), at('2026-03-10T20:00:00Z'), NY); // 16:00 EDT
    expect(iso(windowOf(windows, 's0').opensAt)).toBe('2026-03-03T21:00:00Z'); // 16:00 EST
  });

  it('puts T+1 day windows on the next local day across the fall-back night', () => {
    const windows = computeSchedule(timedLike(), at('2026-10-31T16:00:00Z'), NY); // Saturday 12:00 EDT
    expect(iso(windowOf(windows, 's9').closesAt)).toBe('2026-11-01T04:00:00Z'); // midnight EDT
    expect(iso(windowOf(windows, 's10').opensAt)).toBe('2026-11-01T11:00:00Z'); // 06:00 EST
  });
});

describe('slips and reschedules', () => {
  const t0 = at('2026-11-23T16:00:00Z');

  it.each([45, -15])('moves every canary window by a %i-minute slip', (delta) => {
    const before = computeSchedule(canaryLike(), t0, 'UTC');
    const after = computeSchedule(canaryLike(), applySlip({ t0 }, delta), 'UTC');
    const moved = (ms: number | null): number | null => (ms === null ? null : ms + delta * MIN);
    expect(after).toEqual(before.map((w) => ({ ...w, opensAt: moved(w.opensAt), closesAt: moved(w.closesAt) })));
  });

  it.each([45, -15])('moves every window of a clock-window day by a %i-minute slip given as slipMinutes', (delta) => {
    const timedT0 = at('2026-11-23T21:00:00Z');
    const before = computeSchedule(timedLike(), timedT0, NY);
    const after = computeSchedule(timedLike(), applySlip({ t0: timedT0 }, delta), NY, { slipMinutes: delta });
    const moved = (ms: number | null): number | null => (ms === null ? null : ms + delta * MIN);
    expect(after).toEqual(before.map((w) => ({ ...w, opensAt: moved(w.opensAt), closesAt: moved(w.closesAt) })));
  });

  it('leaves wall-clock windows in place when only T-0 moves within the day', () => {
    const timedT0 = at('2026-11-23T21:00:00Z');
    const after = computeSchedule(timedLike(), applySlip({ t0: timedT0 }, 45), NY);
    expect(iso(windowOf(after, 's5').opensAt)).toBe('2026-11-23T17:00:00Z');
  });

  it('moves clock windows to the new day on a reschedule', () => {
    const windows = computeSchedule(timedLike(), applyReschedule(at('2026-11-25T21:00:00Z')), NY);
    expect(iso(windowOf(windows, 's5').opensAt)).toBe('2026-11-25T17:00:00Z');
    expect(iso(windowOf(windows, 's10').opensAt)).toBe('2026-11-26T11:00:00Z');
  });
});

describe('rollback windows', () => {
  const start = at('2026-11-23T23:10:00Z');

  it('runs item time boxes one after another from the rollback start', () => {
    const checklist = timedLike();
    expect(computeRollbackTimeboxes(checklist, start).map((b) => [b.itemId, b.minutes, iso(b.startsAt), iso(b.endsAt)])).toEqual([
      ['s13.i0', 15, '2026-11-23T23:10:00Z', '2026-11-23T23:25:00Z'],
      ['s13.i2', 30, '2026-11-23T23:25:00Z', '2026-11-23T23:55:00Z'],
      ['s13.i4', 60, '2026-11-23T23:55:00Z', '2026-11-24T00:55:00Z'],
    ]);
    expect(rows(computeRollbackWindows(checklist, start))).toEqual<Row[]>([['s13', '2026-11-23T23:10:00Z', null, false]]);
  });

  it('gives time-boxed rollback sections back-to-back windows: 15 minutes, then 30, then an hour', () => {
    const checklist = buildChecklist('boxed-rollback', [
      { title: 'Deploy', sections: [{ title: 'Ship' }] },
      {
        title: 'Rollback Procedure',
        kind: 'rollback',
        sections: [
          { title: 'Decision Point (15 minutes)', timing: timebox(15) },
          { title: 'Rollback Execution (30 minutes)', timing: timebox(30) },
          { title: 'Post-Rollback (1 hour)', timing: timebox(60) },
          { title: 'Notes for later' },
        ],
      },
    ]);
    expect(rows(computeRollbackWindows(checklist, start))).toEqual<Row[]>([
      ['s1', '2026-11-23T23:10:00Z', '2026-11-23T23:25:00Z', true],
      ['s2', '2026-11-23T23:25:00Z', '2026-11-23T23:55:00Z', true],
      ['s3', '2026-11-23T23:55:00Z', '2026-11-24T00:55:00Z', true],
      ['s4', '2026-11-24T00:55:00Z', null, false],
    ]);
    expect(computeRollbackTimeboxes(checklist, start).map((b) => [b.sectionId, b.itemId, b.minutes])).toEqual([
      ['s1', undefined, 15],
      ['s2', undefined, 30],
      ['s3', undefined, 60],
    ]);
  });

  it('opens canary rollback sections at the start and times "if not recovered in 5 minutes" from it', () => {
    const checklist = canaryLike();
    expect(rows(computeRollbackWindows(checklist, start))).toEqual<Row[]>([
      ['s9', '2026-11-23T23:10:00Z', null, false],
      ['s10', '2026-11-23T23:10:00Z', null, false],
    ]);
    expect(computeRollbackTimeboxes(checklist, start).map((b) => [b.itemId, iso(b.endsAt)])).toEqual([['s10.i2', '2026-11-23T23:15:00Z']]);
  });

  it('swaps rollback windows into the schedule and leaves the others alone', () => {
    const checklist = canaryLike();
    const schedule = computeSchedule(checklist, at('2026-11-23T16:00:00Z'), 'UTC');
    const merged = withWindows(schedule, computeRollbackWindows(checklist, start));
    expect(iso(windowOf(merged, 's10').opensAt)).toBe('2026-11-23T23:10:00Z');
    expect(merged.filter((w) => w.sectionId !== 's9' && w.sectionId !== 's10')).toEqual(
      schedule.filter((w) => w.sectionId !== 's9' && w.sectionId !== 's10'),
    );
  });
});

describe('sectionTimelineState', () => {
  const opensAt = at('2026-11-23T12:00:00Z');
  const closesAt = at('2026-11-23T14:00:00Z');
  const window: SectionWindow = { sectionId: 's1', phaseId: 'p0', opensAt, closesAt, explicit: true };
  const base = { window, allDone: false, blocked: false, held: false };

  it.each([
    ['upcoming before the open', base, opensAt - 1, 'upcoming'],
    ['open at the open', base, opensAt, 'open'],
    ['open just before the closing notice', base, closesAt - 15 * MIN - 1, 'open'],
    ['closing in the last 15 minutes', base, closesAt - 15 * MIN, 'closing'],
    ['overdue at the close', base, closesAt, 'overdue'],
    ['done once every item is done, even when late', { ...base, allDone: true }, closesAt + HOUR, 'done'],
    ['held before anything about time', { ...base, held: true }, closesAt + HOUR, 'held'],
    ['blocked before anything about time', { ...base, blocked: true }, opensAt - HOUR, 'blocked'],
    // A rollback whose steps are all [x] in the template has still not been carried out.
    ['held before done', { ...base, allDone: true, held: true }, opensAt, 'held'],
    ['held before blocked', { ...base, held: true, blocked: true }, opensAt, 'held'],
    ['unscheduled without a window', { ...base, window: null }, opensAt, 'unscheduled'],
    ['unscheduled with an empty window', { ...base, window: { ...window, opensAt: null, closesAt: null } }, opensAt, 'unscheduled'],
    ['open with no open time until its close', { ...base, window: { ...window, opensAt: null } }, opensAt - 10 * HOUR, 'open'],
    ['overdue with no open time after its close', { ...base, window: { ...window, opensAt: null } }, closesAt, 'overdue'],
    ['open for ever with no close', { ...base, window: { ...window, closesAt: null } }, closesAt + 10 * HOUR, 'open'],
  ] as const)('is %s', (_name, input, now, expected) => {
    expect(sectionTimelineState({ ...input, now })).toBe(expected);
  });

  it('takes a different closing notice', () => {
    expect(sectionTimelineState({ ...base, now: closesAt - 20 * MIN, closingSoonMinutes: 30 })).toBe('closing');
    expect(sectionTimelineState({ ...base, now: closesAt - 20 * MIN })).toBe('open');
  });
});
