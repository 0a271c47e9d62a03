import { describe, expect, it } from 'vitest';
import { forecastRun, suggestedSlipMinutes } from '../../src/domain/forecast.js';
import type { HeadingTiming } from '../../src/domain/checklist.js';
import type { ItemState } from '../../src/domain/run.js';
import { computeRollbackWindows, computeSchedule, withWindows } from '../../src/domain/schedule.js';
import { checklistOf, done, itemId, MINUTE, sectionId, snapshotOf, T0 } from './domainFixtures.js';

const clock = (start: number, end: number, text = 'window'): HeadingTiming => ({ clock: { start, end, text } });
const at = (hh: number, mm: number): number => Date.UTC(2026, 2, 10, hh, mm);

/** T-0 14:00 UTC; Canary 14:00–14:30 (4 items), Full rollout 14:30–15:30 (14 items), a rollback branch. */
function release() {
  return checklistOf([
    { title: 'Canary', sections: [{ title: 'Canary', implicit: true, timing: clock(14 * 60, 14 * 60 + 30), items: ['c1', 'c2', 'c3', 'c4'] }] },
    {
      title: 'Full rollout',
      sections: [
        {
          title: 'Full rollout',
          implicit: true,
          timing: clock(14 * 60 + 30, 15 * 60 + 30),
          items: Array.from({ length: 14 }, (_, i) => `f${i + 1}`),
        },
      ],
    },
    { title: 'Rollback', kind: 'rollback', sections: [{ title: 'Revert', timing: { timebox: 20 }, items: ['r1', 'r2'] }] },
  ]);
}

function ticks(checklist: ReturnType<typeof release>, texts: string[], times: number[]): ItemState[] {
  return texts.map((t, i) => done(itemId(checklist, t), 'U0LEAD001', times[i]!));
}

describe('the forecast of a run against its plan', () => {
  it('reads on plan while the open window will close in time at the pace so far, and warns of a later window that will not', () => {
    const checklist = release();
    const snapshot = snapshotOf(checklist, { items: ticks(checklist, ['c1', 'c2'], [at(14, 5), at(14, 10)]) });
    const f = forecastRun({ snapshot, windows: computeSchedule(checklist, T0, 'UTC'), now: at(14, 12) });
    const canary = f.sections.find((s) => s.title === 'Canary')!;
    expect(f.standing.kind).toBe('on_plan');
    expect(f.paceMs).toBe(5 * MINUTE);
    expect(canary).toMatchObject({ state: 'in_progress', basis: 'pace', actualOpen: at(14, 5), projectedClose: at(14, 22) });
    // At 5 min an item, the 14 items of Full rollout will not fit its hour: warned before it opens.
    expect(f.overruns.map((s) => [s.title, s.overrunMinutes])).toEqual([['Full rollout', 10]]);
  });

  it('says how far behind from the window that closed last and projects the next window past its close', () => {
    const checklist = release();
    const snapshot = snapshotOf(checklist, { items: ticks(checklist, ['c1', 'c2', 'c3', 'c4'], [at(14, 37), at(14, 42), at(14, 47), at(14, 52)]) });
    const f = forecastRun({ snapshot, windows: computeSchedule(checklist, T0, 'UTC'), now: at(14, 55) });
    expect(f.standing).toMatchObject({
      kind: 'behind',
      minutes: 22,
      sectionTitle: 'Canary',
      at: at(14, 52),
      plannedClose: at(14, 30),
      stillOpen: false,
    });
    const rollout = f.sections.find((s) => s.title === 'Full rollout')!;
    // 14 items at the run's 5 min per item, from now: 14:55 + 70 min = 16:05, 35 min past 15:30.
    expect(rollout).toMatchObject({ state: 'not_started', projectedOpen: at(14, 55), projectedClose: at(16, 5), overrunMinutes: 35 });
    expect(f.overruns.map((s) => s.title)).toEqual(['Full rollout']);
    expect(suggestedSlipMinutes(35)).toBe(35);
    expect(suggestedSlipMinutes(22)).toBe(25);
  });

  it('counts a window still open past its close as behind by now', () => {
    const checklist = release();
    const snapshot = snapshotOf(checklist, { items: ticks(checklist, ['c1'], [at(14, 10)]) });
    const f = forecastRun({ snapshot, windows: computeSchedule(checklist, T0, 'UTC'), now: at(14, 41) });
    expect(f.standing).toMatchObject({ kind: 'behind', minutes: 11, sectionTitle: 'Canary', stillOpen: true });
  });

  it('says ahead when the last window closed early', () => {
    const checklist = release();
    const snapshot = snapshotOf(checklist, { items: ticks(checklist, ['c1', 'c2', 'c3', 'c4'], [at(14, 2), at(14, 8), at(14, 14), at(14, 20)]) });
    const f = forecastRun({ snapshot, windows: computeSchedule(checklist, T0, 'UTC'), now: at(14, 21) });
    expect(f.standing).toMatchObject({ kind: 'ahead', minutes: 10, sectionTitle: 'Canary' });
    // The next window cannot open before its planned open, however early the last one closed.
    expect(f.sections.find((s) => s.title === 'Full rollout')).toMatchObject({ projectedOpen: at(14, 30), projectedClose: at(15, 54) });
  });

  it('uses the same section’s duration in past runs when there are any', () => {
    const checklist = release();
    const snapshot = snapshotOf(checklist, { items: ticks(checklist, ['c1', 'c2'], [at(14, 5), at(14, 10)]) });
    const key = 'canary / ';
    const f = forecastRun({
      snapshot,
      windows: computeSchedule(checklist, T0, 'UTC'),
      now: at(14, 12),
      history: { [key]: [40 * MINUTE, 50 * MINUTE, 45 * MINUTE] },
    });
    expect(f.sections.find((s) => s.title === 'Canary')).toMatchObject({ basis: 'history', projectedClose: at(14, 50), overrunMinutes: 20 });
  });

  it('stops projecting the normal phases once a rollback starts mid-phase and projects the rollback’s time box instead', () => {
    const checklist = release();
    const startedAt = at(14, 20);
    const snapshot = snapshotOf(checklist, {
      run: { rollbackActive: true, rollbackReason: 'errors' },
      items: ticks(checklist, ['c1', 'c2'], [at(14, 5), at(14, 10)]),
    });
    const windows = withWindows(computeSchedule(checklist, T0, 'UTC'), computeRollbackWindows(checklist, startedAt));
    const f = forecastRun({ snapshot, windows, now: at(14, 45) });
    expect(f.sections.find((s) => s.title === 'Canary')!.state).toBe('stopped');
    expect(f.sections.find((s) => s.title === 'Full rollout')!.state).toBe('stopped');
    const revert = f.sections.find((s) => s.sectionId === sectionId(checklist, 'Revert'))!;
    expect(revert).toMatchObject({ state: 'not_started', plannedClose: at(14, 40), projectedOpen: at(14, 45) });
    // The stopped Canary window (past its close) is not evidence; the overdue rollback box is.
    expect(f.standing).toMatchObject({ kind: 'behind', minutes: 5, sectionTitle: 'Revert' });
    expect(f.overruns.map((s) => s.title)).toEqual(['Revert']);
  });

  it('measures against the slipped plan after a slip of a day, so the old windows are not overdue', () => {
    const checklist = release();
    const slipped = T0 + 1440 * MINUTE;
    const snapshot = snapshotOf(checklist, { run: { t0: slipped, slipMinutes: 1440 } });
    const f = forecastRun({ snapshot, windows: computeSchedule(checklist, slipped, 'UTC', { slipMinutes: 1440 }), now: at(14, 45) });
    expect(f.standing.kind).toBe('on_plan');
    expect(f.overruns).toEqual([]);
    expect(f.sections.find((s) => s.title === 'Canary')).toMatchObject({
      plannedClose: at(14, 30) + 1440 * MINUTE,
      projectedOpen: at(14, 0) + 1440 * MINUTE,
      basis: 'plan',
    });
  });

  it('projects a window across the spring-forward night in real minutes, not wall-clock ones', () => {
    // Europe/London, 29 March 2026: 01:00 GMT becomes 02:00 BST. "(12:30 AM - 2:30 AM)" is one real hour.
    const checklist = checklistOf([
      { title: 'Night', sections: [{ title: 'Night', implicit: true, timing: clock(30, 150), items: ['n1', 'n2', 'n3', 'n4'] }] },
    ]);
    const t0 = Date.UTC(2026, 2, 29, 0, 0);
    const utc = (hh: number, mm: number) => Date.UTC(2026, 2, 29, hh, mm);
    const windows = computeSchedule(checklist, t0, 'Europe/London');
    expect(windows[0]).toMatchObject({ opensAt: utc(0, 30), closesAt: utc(1, 30) });
    const items = [done(itemId(checklist, 'n1'), 'U0LEAD001', utc(0, 35)), done(itemId(checklist, 'n2'), 'U0LEAD001', utc(0, 45))];
    const early = forecastRun({ snapshot: snapshotOf(checklist, { run: { t0, timezone: 'Europe/London' }, items }), windows, now: utc(0, 50) });
    expect(early.sections[0]).toMatchObject({ projectedClose: utc(1, 10), overrunMinutes: -20 });
    expect(early.overruns).toEqual([]);
    const late = forecastRun({ snapshot: snapshotOf(checklist, { run: { t0, timezone: 'Europe/London' }, items }), windows, now: utc(1, 40) });
    expect(late.standing).toMatchObject({ kind: 'behind', minutes: 10, stillOpen: true });
  });
});
