import { describe, it, expect } from 'vitest';
import type { HeadingTiming } from '../../src/domain/checklist.js';
import { durationMinutes, parseHeadingTiming } from '../../src/domain/headingTiming.js';

describe('parseHeadingTiming', () => {
  const cases: Array<[string, HeadingTiming | null]> = [
    ['Pre-Deployment (T-7 days)', { offset: -10080, offsetText: 'T-7 days', offsetIsDays: true }],
    ['Pre-Deployment (T-2 hours)', { offset: -120, offsetText: 'T-2 hours', offsetIsDays: false }],
    ['Deployment Day (T-0)', { offset: 0, offsetText: 'T-0', offsetIsDays: false }],
    ['Post-Deployment (T+1 day)', { offset: 1440, offsetText: 'T+1 day', offsetIsDays: true }],
    ['Post-Deployment (T+24 hours)', { offset: 1440, offsetText: 'T+24 hours', offsetIsDays: false }],
    ['Final checks (T-30 minutes)', { offset: -30, offsetText: 'T-30 minutes', offsetIsDays: false }],
    ['Prepare (T-30m)', { offset: -30, offsetText: 'T-30m', offsetIsDays: false }],
    ['Verify (T+2h)', { offset: 120, offsetText: 'T+2h', offsetIsDays: false }],
    ['Morning (6:00 AM - 12:00 PM)', { clock: { start: 360, end: 720, text: '6:00 AM - 12:00 PM' } }],
    ['Go-Live (10:00 PM - 12:00 AM)', { clock: { start: 1320, end: 1440, text: '10:00 PM - 12:00 AM' } }],
    ['Application (4:00 PM - 6:00 PM)', { clock: { start: 960, end: 1080, text: '4:00 PM - 6:00 PM' } }],
    ['Cutover (14:00 - 16:00)', { clock: { start: 840, end: 960, text: '14:00 - 16:00' } }],
    ['Late (22:00 - 00:00)', { clock: { start: 1320, end: 1440, text: '22:00 - 00:00' } }],
    ['En dash (4:00 PM – 6:00 PM)', { clock: { start: 960, end: 1080, text: '4:00 PM - 6:00 PM' } }],
    ['Short (6 AM to 9 AM)', { clock: { start: 360, end: 540, text: '6 AM - 9 AM' } }],
    ['Shared meridiem (9:00 - 11:00 AM)', { clock: { start: 540, end: 660, text: '9:00 - 11:00 AM' } }],
    ['Overnight (11:00 PM - 1:00 AM)', { clock: { start: 1380, end: 60, text: '11:00 PM - 1:00 AM' } }],
    ['With zone (9:00 AM - 11:00 AM UTC)', { clock: { start: 540, end: 660, text: '9:00 AM - 11:00 AM' } }],
    ['**Decision Point** (15 minutes)', { timebox: 15 }],
    ['**Post-Rollback** (1 hour)', { timebox: 60 }],
    [
      'Day of (T-0) (10:00 PM - 12:00 AM)',
      { offset: 0, offsetText: 'T-0', offsetIsDays: false, clock: { start: 1320, end: 1440, text: '10:00 PM - 12:00 AM' } },
    ],
    ['Deployment Phase 1: Canary (10%)', null],
    ['Deployment Phase 3: Full Rollout (100%)', null],
    ['Customer advisory (if needed)', null],
    ['Disable feature flags (< 30 seconds)', null],
    ['Provision servers (minimum 3 nodes for HA)', null],
    ['Code Readiness', null],
  ];

  it.each(cases)('reads %j', (heading, timing) => {
    const result = parseHeadingTiming(heading);
    expect(result.timing).toEqual(timing);
    expect(result.error).toBeUndefined();
  });

  it('keeps the heading as written, timing included, as the title', () => {
    expect(parseHeadingTiming('  Morning (6:00 AM - 12:00 PM) ').title).toBe('Morning (6:00 AM - 12:00 PM)');
  });

  it('reports a clock window whose times cannot be read instead of ignoring it', () => {
    const result = parseHeadingTiming('Cutover (25:00 PM - 2 PM)');
    expect(result.timing).toBeNull();
    expect(result.error).toMatch(/25:00 PM/);
  });

  it('reports minutes past 59 and a window starting at 24:00', () => {
    expect(parseHeadingTiming('X (9:75 AM - 10 AM)').error).toMatch(/59 minutes/);
    expect(parseHeadingTiming('X (24:00 - 02:00)').error).toMatch(/24:00/);
  });

  it('reports an offset other than T-0 that has no unit', () => {
    const result = parseHeadingTiming('Prep (T-5)');
    expect(result.timing).toBeNull();
    expect(result.error).toMatch(/T-5/);
  });

  it('reports an offset of more than a year instead of planning a run for it', () => {
    const huge = parseHeadingTiming(`Prep (T-${'9'.repeat(400)} days)`);
    expect(huge.timing).toBeNull();
    expect(huge.error).toMatch(/^offset "T-9+…" is more than 366 days from T-0$/);
    expect(parseHeadingTiming('Prep (T-400 days)').error).toBe('offset "T-400 days" is more than 366 days from T-0');
    expect(parseHeadingTiming('Prep (T-366 days)').timing?.offset).toBe(-366 * 1440);
  });

  it('does not take the word after T-0 as a unit', () => {
    expect(parseHeadingTiming('T-0 Morning').timing).toEqual({ offset: 0, offsetText: 'T-0', offsetIsDays: false });
  });
});

describe('durationMinutes', () => {
  it.each([
    ['30', 'minutes', 30],
    ['5', 'min', 5],
    ['10', 'mins', 10],
    ['45', 'm', 45],
    ['1', 'hour', 60],
    ['2', 'hours', 120],
    ['3', 'hr', 180],
    ['2', 'h', 120],
    ['1', 'day', 1440],
    ['2', 'days', 2880],
    ['1.5', 'hours', 90],
  ] as const)('%s %s is %i minutes', (amount, unit, minutes) => {
    expect(durationMinutes(amount, unit)).toBe(minutes);
  });

  it('does not count seconds or other words as durations', () => {
    expect(durationMinutes('30', 'seconds')).toBeNull();
    expect(durationMinutes('3', 'nodes')).toBeNull();
  });
});
