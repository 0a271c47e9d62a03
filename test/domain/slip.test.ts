import { describe, it, expect } from 'vitest';
import { planReminders } from '../../src/domain/reminderPlan.js';
import { computeSchedule } from '../../src/domain/schedule.js';
import { applyReschedule, applySlip, slipMinutes, totalSlipAfter } from '../../src/domain/slip.js';
import { at, canaryLike, iso } from './timelineFixtures.js';

describe('applySlip and applyReschedule', () => {
  const t0 = at('2026-11-23T16:00:00Z');

  it.each([
    [45, '2026-11-23T16:45:00Z'],
    [-15, '2026-11-23T15:45:00Z'],
    [1440, '2026-11-24T16:00:00Z'],
  ])('moves T-0 by %i minutes', (delta, expected) => {
    expect(iso(applySlip({ t0 }, delta))).toBe(expected);
  });

  it('refuses a slip that is not a number', () => {
    expect(() => applySlip({ t0 }, Number.NaN)).toThrow(/minutes/);
  });

  it('keeps a running total of slips for clock windows', () => {
    expect(totalSlipAfter({}, 45)).toBe(45);
    expect(totalSlipAfter({ slipMinutes: 45 }, -15)).toBe(30);
    expect(totalSlipAfter({ slipMinutes: null }, -15)).toBe(-15);
  });

  it('reschedules to the whole minute of the new moment', () => {
    expect(iso(applyReschedule(at('2026-11-24T09:00:42.500Z')))).toBe('2026-11-24T09:00:00Z');
  });

  it('says how far a reschedule moved T-0', () => {
    expect(slipMinutes(t0, at('2026-11-24T09:00:00Z'))).toBe(17 * 60);
    expect(slipMinutes(t0, at('2026-11-23T15:45:00Z'))).toBe(-15);
  });
});

describe('re-planning after a slip', () => {
  const checklist = canaryLike();
  const t0 = at('2026-11-23T16:00:00Z');
  const plannedAt = at('2026-11-23T08:00:00Z');
  const plan = planReminders({ run: { id: 7, t0, timezone: 'UTC' }, checklist, windows: computeSchedule(checklist, t0, 'UTC'), now: plannedAt });
  const now = at('2026-11-23T15:50:00Z');

  it('re-plans after a 45-minute slip with keys that never collide with reminders already sent', () => {
    const newT0 = applySlip({ t0 }, 45);
    const fresh = planReminders({ run: { id: 7, t0: newT0, timezone: 'UTC' }, checklist, windows: computeSchedule(checklist, newT0, 'UTC'), now });
    const sentKeys = new Set(plan.filter((r) => r.dueAt <= now).map((r) => r.key));
    expect(sentKeys.size).toBeGreaterThan(0);
    expect(fresh.filter((r) => sentKeys.has(r.key))).toEqual([]);
    expect(fresh.every((r) => r.dueAt >= now)).toBe(true);
    // The readiness deadline moved with T-0.
    expect(fresh.find((r) => r.sectionId === 's0' && r.kind === 'overdue')!.dueAt).toBe(newT0);
    expect(plan.find((r) => r.sectionId === 's0' && r.kind === 'overdue')!.dueAt).toBe(t0);
  });
});
