import { describe, it, expect } from 'vitest';
import { clockText, parseDuration, parseStartTime, parseTimeZoneOption } from '../../src/domain/parseWhen.js';
import { at, iso } from './timelineFixtures.js';

const NY = 'America/New_York';
// Monday 2026-11-23, 12:00 EST.
const now = at('2026-11-23T17:00:00Z');

describe('parseStartTime', () => {
  it.each([
    ['now', '2026-11-23T17:00:00Z', undefined],
    ['16:00', '2026-11-23T21:00:00Z', undefined],
    ['4pm', '2026-11-23T21:00:00Z', undefined],
    ['4:30 PM', '2026-11-23T21:30:00Z', undefined],
    ['4 p.m.', '2026-11-23T21:00:00Z', undefined],
    ['at 16:00', '2026-11-23T21:00:00Z', undefined],
    ['noon', '2026-11-23T17:00:00Z', undefined],
    ['09:00', '2026-11-24T14:00:00Z', 'tomorrow'],
    ['9am', '2026-11-24T14:00:00Z', 'tomorrow'],
    ['midnight', '2026-11-24T05:00:00Z', 'tomorrow'],
    ['2026-11-23 16:00', '2026-11-23T21:00:00Z', undefined],
    ['2026-11-23T16:00', '2026-11-23T21:00:00Z', undefined],
    ['2026-11-23 4pm', '2026-11-23T21:00:00Z', undefined],
    ['2026-11-23T18:00Z', '2026-11-23T18:00:00Z', undefined],
    ['2026-11-23T16:00Z', '2026-11-23T16:00:00Z', 'past'],
    ['2026-11-23T19:00:00+01:00', '2026-11-23T18:00:00Z', undefined],
    ['2026-11-23T16:00:00.000-05:00', '2026-11-23T21:00:00Z', undefined],
    ['2026-11-23 18:00 UTC', '2026-11-23T18:00:00Z', undefined],
    ['tomorrow 09:00', '2026-11-24T14:00:00Z', undefined],
    ['Tomorrow at 9am', '2026-11-24T14:00:00Z', undefined],
    ['9am tomorrow', '2026-11-24T14:00:00Z', undefined],
    ['today 16:00', '2026-11-23T21:00:00Z', undefined],
    ['today 09:00', '2026-11-23T14:00:00Z', 'past'],
    ['2026-11-20 10:00', '2026-11-20T15:00:00Z', 'past'],
    ['+2h', '2026-11-23T19:00:00Z', undefined],
    ['in 2h', '2026-11-23T19:00:00Z', undefined],
    ['in 90 minutes', '2026-11-23T18:30:00Z', undefined],
    ['in 1h30m', '2026-11-23T18:30:00Z', undefined],
    // A local time the clock skips moves forward by the gap: 02:30 on 2026-03-08 is 03:30 EDT.
    ['2026-03-08 02:30', '2026-03-08T07:30:00Z', 'past'],
    // An ambiguous local time takes the earlier instant (EDT).
    ['2026-11-01 01:30', '2026-11-01T05:30:00Z', 'past'],
  ])('reads %j', (text, expected, note) => {
    const result = parseStartTime(text, { now, timezone: NY });
    expect(result).toEqual(note === undefined ? { ok: true, t0: at(expected) } : { ok: true, t0: at(expected), note });
  });

  it('takes a bare time in the current minute as today, not tomorrow', () => {
    const result = parseStartTime('12:00', { now: now + 40_000, timezone: NY });
    expect(result).toEqual({ ok: true, t0: now });
  });

  it('reads wall-clock times in the zone it is given', () => {
    // 12:00 in New York is 18:00 in Berlin.
    const result = parseStartTime('20:00', { now, timezone: 'Europe/Berlin' });
    expect(result.ok && iso(result.t0)).toBe('2026-11-23T19:00:00Z');
  });

  it.each(['', 'soon', '25:00', '13pm', '16', '2026-02-30 10:00', '2026-13-01 10:00', 'tomorrow', 'in -2h', 'in 8d', 'in 10s'])(
    'refuses %j with a short error naming the accepted forms',
    (text) => {
      const result = parseStartTime(text, { now, timezone: NY });
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.length).toBeLessThan(240);
        expect(result.error).toMatch(/16:00|45m/);
      }
    },
  );

  it('names a day that does not exist', () => {
    const result = parseStartTime('2026-02-30 10:00', { now, timezone: NY });
    expect(result.ok ? '' : result.error).toMatch(/day 30/);
  });

  it.each(['0050-06-01T12:00Z', '0099-06-01 12:00', '1999-12-31 23:00', '2101-01-01T00:00Z'])(
    'refuses %s, whose year is outside 2000–2100, instead of reading years 0–99 as 19xx',
    (text) => {
      const result = parseStartTime(text, { now, timezone: NY });
      expect(result.ok ? '' : result.error).toMatch(/^"[^"]+": year \d+ is not between 2000 and 2100\./);
    },
  );
});

describe('parseDuration', () => {
  it.each([
    ['45m', 45],
    ['-15m', -15],
    ['+15m', 15],
    ['1h30m', 90],
    ['1h 30m', 90],
    ['2h', 120],
    ['2 hours', 120],
    ['1.5h', 90],
    ['90', 90],
    ['-90', -90],
    ['1d', 1440],
    ['7d', 10080],
    ['-7 days', -10080],
    ['30 MIN', 30],
  ])('reads %j as %i minutes', (text, minutes) => {
    expect(parseDuration(text)).toEqual({ ok: true, minutes });
  });

  it.each([
    ['8d', /7 days/],
    ['-7d1m', /7 days/],
    ['0', /no time/],
    ['0m', /no time/],
    ['', /duration/],
    ['abc', /Couldn't read/],
    ['10s', /not a unit/],
    ['0.5m', /whole number/],
    ['45m later', /not a unit|Couldn't read/],
  ])('refuses %j', (text, message) => {
    const result = parseDuration(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatch(message);
      expect(result.error).toMatch(/45m, -15m, 1h30m/);
    }
  });
});

describe('parseTimeZoneOption', () => {
  it.each([
    ['web at 16:00 tz=America/New_York', 'web at 16:00', 'America/New_York'],
    ['tz Europe/Berlin 09:00', '09:00', 'Europe/Berlin'],
    ['tomorrow 9am timezone: utc', 'tomorrow 9am', 'UTC'],
    ['at 4pm TZ=america/chicago', 'at 4pm', 'America/Chicago'],
    ['web at 16:00', 'web at 16:00', null],
  ])('takes the option out of %j', (text, rest, timezone) => {
    expect(parseTimeZoneOption(text)).toEqual({ ok: true, rest, timezone });
  });

  it('refuses a zone it does not know rather than falling back to UTC', () => {
    const result = parseTimeZoneOption('at 16:00 tz=Mars/Base');
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toMatch(/Mars\/Base.*America\/New_York/);
  });

  it('does not take "tz" out of the middle of a word', () => {
    expect(parseTimeZoneOption('blitz deploy at 16:00')).toEqual({ ok: true, rest: 'blitz deploy at 16:00', timezone: null });
  });
});

describe('clockText', () => {
  it('shows the wall clock in the zone', () => {
    expect(clockText(at('2026-11-23T21:05:00Z'), NY)).toBe('16:05');
  });
});
