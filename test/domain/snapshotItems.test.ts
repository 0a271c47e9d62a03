import { describe, it, expect } from 'vitest';
import { isSettled, withTemplateStates } from '../../src/domain/snapshotItems.js';
import { checklistOf, done, T0, waived } from './domainFixtures.js';

const checklist = checklistOf([
  {
    title: 'Prepare',
    sections: [
      { title: 'Code', items: [{ text: 'Merged to main', done: true }, 'Release notes written'] },
      { title: 'Infra', items: ['Capacity checked'] },
    ],
  },
]);

describe('withTemplateStates', () => {
  it('gives every item of the checklist a state, from the template where nothing was recorded', () => {
    const states = withTemplateStates(checklist, []);
    expect(Object.keys(states)).toEqual(['s0.i0', 's0.i1', 's1.i2']);
    expect(states['s0.i0']).toEqual({ itemId: 's0.i0', done: true, by: null, at: null, waivedReason: null, timerStartedAt: null });
    expect(states['s0.i1']?.done).toBe(false);
  });

  it('takes a recorded state over the template, including an unticked template [x]', () => {
    const unticked = { itemId: 's0.i0', done: false, by: 'U0DEV0001', at: T0, waivedReason: null, timerStartedAt: null };
    const states = withTemplateStates(checklist, [unticked, done('s1.i2', 'U0DEV0002')]);
    expect(states['s0.i0']).toEqual(unticked);
    expect(states['s1.i2']?.by).toBe('U0DEV0002');
  });

  it('ignores recorded states for items the checklist no longer has', () => {
    const states = withTemplateStates(checklist, [done('s9.i99')]);
    expect(states['s9.i99']).toBeUndefined();
    expect(Object.keys(states)).toHaveLength(3);
  });
});

describe('isSettled', () => {
  it.each([
    ['a done item', done('s0.i1'), true],
    ['a waived item', waived('s0.i1', 'not needed this time'), true],
    ['an open item', { itemId: 's0.i1', done: false, by: null, at: null, waivedReason: null, timerStartedAt: null }, false],
    ['an item with no state', undefined, false],
  ])('treats %s as settled: %s', (_what, state, expected) => {
    expect(isSettled(state)).toBe(expected);
  });
});
