import { describe, expect, it } from 'vitest';
import type { Section } from '../../src/domain/checklist.js';
import { isUntimed, sectionTimelineState } from '../../src/domain/sectionTimelineState.js';

const T0 = Date.UTC(2030, 0, 7, 15);
const HOUR = 3_600_000;

function section(kinds: Array<'task' | 'gate'>): Section {
  return {
    id: 's1',
    title: 'Readiness',
    line: 3,
    implicit: false,
    timing: null,
    items: kinds.map((kind, i) => ({ id: `s1.i${i}`, text: `item ${i}`, line: 4 + i, kind, details: [] }) as unknown as Section['items'][number]),
  } as unknown as Section;
}

describe('sections with no time written', () => {
  const inferred = { sectionId: 's1', phaseId: 'p0', opensAt: T0, closesAt: T0 + HOUR, explicit: false };
  const written = { ...inferred, explicit: true };

  it('read open from the start of the run, before the time the order puts them at', () => {
    const untimed = isUntimed(inferred, section(['task']));
    expect(untimed).toBe(true);
    expect(sectionTimelineState({ window: inferred, allDone: false, blocked: false, held: false, now: T0 - 2 * HOUR, untimed })).toBe('open');
  });

  it('still read upcoming when their time is written, or when they hold a gate (a gate is decided in its window)', () => {
    expect(isUntimed(written, section(['task']))).toBe(false);
    expect(isUntimed(inferred, section(['task', 'gate']))).toBe(false);
    expect(sectionTimelineState({ window: written, allDone: false, blocked: false, held: false, now: T0 - 2 * HOUR, untimed: false })).toBe(
      'upcoming',
    );
  });

  it('are still held back by a gate and still become overdue after an inferred close', () => {
    expect(sectionTimelineState({ window: inferred, allDone: false, blocked: true, held: false, now: T0 - HOUR, untimed: true })).toBe('blocked');
    expect(sectionTimelineState({ window: inferred, allDone: false, blocked: false, held: false, now: T0 + 2 * HOUR, untimed: true })).toBe(
      'overdue',
    );
  });
});
