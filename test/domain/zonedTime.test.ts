import { describe, it, expect } from 'vitest';
import {
  addLocalDays,
  canonicalTimeZone,
  formatInZone,
  isValidTimeZone,
  localDatePlusDays,
  startOfLocalDay,
  utcToZoned,
  zonedDateTimeToUtc,
} from '../../src/domain/zonedTime.js';
import { at, iso } from './timelineFixtures.js';

const NY = 'America/New_York';

describe('zonedDateTimeToUtc', () => {
  const cases: Array<[string, string, [number, number, number, number, number], string]> = [
    ['an ordinary winter time', NY, [2026, 11, 23, 16, 0], '2026-11-23T21:00:00Z'],
    ['an ordinary summer time', NY, [2026, 7, 1, 9, 0], '2026-07-01T13:00:00Z'],
    ['UTC itself', 'UTC', [2026, 1, 1, 0, 0], '2026-01-01T00:00:00Z'],
    ['a half-hour zone', 'Asia/Kolkata', [2026, 5, 1, 10, 30], '2026-05-01T05:00:00Z'],
    ['the last minute before spring-forward', NY, [2026, 3, 8, 1, 59], '2026-03-08T06:59:00Z'],
    ['the start of the spring gap, moved forward to 03:00 EDT', NY, [2026, 3, 8, 2, 0], '2026-03-08T07:00:00Z'],
    ['inside the spring gap, moved forward by the gap (03:30 EDT)', NY, [2026, 3, 8, 2, 30], '2026-03-08T07:30:00Z'],
    ['the first minute after the gap', NY, [2026, 3, 8, 3, 0], '2026-03-08T07:00:00Z'],
    ['an ambiguous fall-back time, taking the earlier (EDT) instant', NY, [2026, 11, 1, 1, 30], '2026-11-01T05:30:00Z'],
    ['the time after fall-back, in EST', NY, [2026, 11, 1, 2, 0], '2026-11-01T07:00:00Z'],
    ['a London gap time', 'Europe/London', [2026, 3, 29, 1, 30], '2026-03-29T01:30:00Z'],
    ['a London overlap time, the earlier (BST) instant', 'Europe/London', [2026, 10, 25, 1, 30], '2026-10-25T00:30:00Z'],
    ['a Sydney spring gap time (October)', 'Australia/Sydney', [2026, 10, 4, 2, 30], '2026-10-03T16:30:00Z'],
    ['a day past the end of the month, rolled into the next', NY, [2026, 11, 31, 0, 0], '2026-12-01T05:00:00Z'],
  ];
  it.each(cases)('reads %s', (_name, tz, [year, month, day, hour, minute], expected) => {
    expect(iso(zonedDateTimeToUtc({ year, month, day, hour, minute }, tz))).toBe(expected);
  });
});

describe('utcToZoned', () => {
  it.each([
    ['2026-03-08T06:59:00Z', NY, { day: 8, hour: 1, minute: 59, offsetMinutes: -300 }],
    ['2026-03-08T07:00:00Z', NY, { day: 8, hour: 3, minute: 0, offsetMinutes: -240 }],
    ['2026-11-01T05:30:00Z', NY, { day: 1, hour: 1, minute: 30, offsetMinutes: -240 }],
    ['2026-11-01T06:30:00Z', NY, { day: 1, hour: 1, minute: 30, offsetMinutes: -300 }],
    ['2026-05-01T05:00:00Z', 'Asia/Kolkata', { day: 1, hour: 10, minute: 30, offsetMinutes: 330 }],
    ['2026-12-31T23:30:00Z', 'Europe/Berlin', { day: 1, hour: 0, minute: 30, offsetMinutes: 60 }],
  ])('gives the wall clock and offset of %s in %s', (instant, tz, expected) => {
    expect(utcToZoned(at(instant), tz)).toMatchObject(expected);
  });

  it('round-trips every quarter hour across both 2026 New York transitions', () => {
    for (const start of [at('2026-03-07T12:00:00Z'), at('2026-10-31T12:00:00Z')]) {
      for (let ms = start; ms < start + 48 * 3_600_000; ms += 15 * 60_000) {
        const p = utcToZoned(ms, NY);
        const back = zonedDateTimeToUtc(p, NY);
        // In the repeated fall-back hour the earlier reading wins, so the later instant maps an hour back.
        expect([ms, ms - 3_600_000]).toContain(back);
      }
    }
  });
});

describe('local days', () => {
  it('finds local midnight on the 23-hour spring-forward day and the 25-hour fall-back day', () => {
    const spring = startOfLocalDay(at('2026-03-08T15:00:00Z'), NY);
    expect(iso(spring)).toBe('2026-03-08T05:00:00Z');
    expect(startOfLocalDay(at('2026-03-09T15:00:00Z'), NY) - spring).toBe(23 * 3_600_000);
    const fall = startOfLocalDay(at('2026-11-01T15:00:00Z'), NY);
    expect(iso(fall)).toBe('2026-11-01T04:00:00Z');
    expect(startOfLocalDay(at('2026-11-02T15:00:00Z'), NY) - fall).toBe(25 * 3_600_000);
  });

  it('adds calendar days keeping the wall-clock time across DST', () => {
    expect(iso(addLocalDays(at('2026-03-07T17:00:00Z'), 1, NY))).toBe('2026-03-08T16:00:00Z');
    expect(iso(addLocalDays(at('2026-03-10T20:00:00Z'), -7, NY))).toBe('2026-03-03T21:00:00Z');
    expect(iso(addLocalDays(at('2026-10-31T16:00:00Z'), 1, NY))).toBe('2026-11-01T17:00:00Z');
  });

  it('keeps seconds and milliseconds when adding days', () => {
    expect(new Date(addLocalDays(at('2026-01-01T12:00:30.500Z'), 1, 'UTC')).toISOString()).toBe('2026-01-02T12:00:30.500Z');
  });

  it('gives the local date a number of days on, across a month end', () => {
    expect(localDatePlusDays(at('2026-11-30T23:00:00Z'), 1, NY)).toEqual({ year: 2026, month: 12, day: 1 });
    expect(localDatePlusDays(at('2026-12-01T03:00:00Z'), 0, NY)).toEqual({ year: 2026, month: 11, day: 30 });
  });
});

describe('zone names', () => {
  it.each([
    ['America/New_York', true],
    ['Europe/Berlin', true],
    ['UTC', true],
    ['Mars/Olympus_Mons', false],
    ['', false],
    ['New York', false],
  ])('says whether %j is a timezone (%s)', (tz, valid) => {
    expect(isValidTimeZone(tz)).toBe(valid);
  });

  it('spells a zone the canonical way, or null when unknown', () => {
    expect(canonicalTimeZone('america/new_york')).toBe('America/New_York');
    expect(canonicalTimeZone('nowhere/at_all')).toBeNull();
  });

  it.each([
    ['2026-11-23T21:00:00Z', NY, '2026-11-23 16:00 EST'],
    ['2026-07-01T13:00:00Z', NY, '2026-07-01 09:00 EDT'],
    ['2026-11-23T21:00:00Z', 'UTC', '2026-11-23 21:00 UTC'],
  ])('formats %s in %s as %s', (instant, tz, expected) => {
    expect(formatInZone(at(instant), tz)).toBe(expected);
  });
});
