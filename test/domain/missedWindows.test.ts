import { describe, expect, it } from 'vitest';
import { missedWindows } from '../../src/domain/missedWindows.js';
import { missedAtStart } from '../../src/domain/sectionWindow.js';
import { checklistOf, MINUTE, runOf, T0 } from './domainFixtures.js';

const HOUR = 60 * MINUTE;
const checklist = checklistOf([
  { title: 'Freeze', sections: [{ title: 'Freeze', items: ['Freeze the merge queue'] }] },
  { title: 'Go live', sections: [{ title: 'Go live', items: ['Deploy'] }] },
]);
const [freeze, goLive] = checklist.phases.map((p) => p.sections[0]!.id) as [string, string];

describe('missed at start', () => {
  it('is a window that closed at or before the moment the run started', () => {
    expect(missedAtStart({ closesAt: T0 }, T0)).toBe(true);
    expect(missedAtStart({ closesAt: T0 - 1 }, T0)).toBe(true);
    expect(missedAtStart({ closesAt: T0 + 1 }, T0)).toBe(false);
    expect(missedAtStart({ closesAt: null }, T0)).toBe(false);
  });

  it('names the missed sections and offers a T-0 that leaves room for the earliest of them', () => {
    const run = runOf(checklist, { t0: T0, createdAt: T0 });
    const windows = [
      { sectionId: freeze, phaseId: 'p0', opensAt: T0 - 3 * HOUR, closesAt: T0 - HOUR, explicit: true },
      { sectionId: goLive, phaseId: 'p1', opensAt: T0, closesAt: T0 + 2 * HOUR, explicit: true },
    ];
    const missed = missedWindows(run, windows);
    expect(missed.sections.map((s) => s.title)).toEqual(['Freeze']);
    expect(missed.laterT0).not.toBeNull();
    expect(missed.laterT0! - 3 * HOUR).toBeGreaterThanOrEqual(run.createdAt);
    expect(missed.laterT0! % (5 * MINUTE)).toBe(0);
  });

  it('offers nothing when nothing was missed', () => {
    const run = runOf(checklist, { t0: T0 + 4 * HOUR, createdAt: T0 });
    const windows = [{ sectionId: freeze, phaseId: 'p0', opensAt: T0 + HOUR, closesAt: T0 + 3 * HOUR, explicit: true }];
    expect(missedWindows(run, windows)).toEqual({ sections: [], laterT0: null });
  });
});
