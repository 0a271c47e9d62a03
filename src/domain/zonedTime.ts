/**
 * Wall-clock time in an IANA zone, without a date library: Intl.DateTimeFormat tells us the zone's
 * offset at any instant, and everything else is arithmetic on that.
 *
 * DST policy (used by every schedule and every time people type):
 * - A local time that does not exist (inside a spring-forward gap, e.g. 02:30 on 2026-03-08 in
 *   America/New_York) moves forward by the length of the gap: 02:30 becomes 03:30 EDT. A deadline
 *   written for a moment the clock skips is read as "that much time after the gap began".
 * - A local time that happens twice (inside a fall-back overlap, e.g. 01:30 on 2026-11-01 in
 *   America/New_York) takes the earlier instant (01:30 EDT). For a deploy day the earlier reading
 *   errs towards reminding too soon rather than too late.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** A calendar date and wall-clock time, month 1-12. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

export interface ZonedParts extends LocalDateTime {
  second: number;
  /** Minutes the zone is ahead of UTC at that instant (EST = -300, CET = 60). */
  offsetMinutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

// Building a DateTimeFormat is far slower than using one; schedules ask for the same zone many times.
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** True when `tz` is an IANA zone (or "UTC") this runtime knows. */
export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || tz.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The zone's canonical spelling ("america/new_york" → "America/New_York"), or null when unknown. */
export function canonicalTimeZone(tz: string): string | null {
  if (!isValidTimeZone(tz)) return null;
  return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
}

/** The wall clock in `tz` at instant `ms`, with the zone's offset at that instant. */
export function utcToZoned(ms: number, tz: string): ZonedParts {
  const parts = formatterFor(tz).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes): number => {
    const value = parts.find((p) => p.type === type)?.value;
    return value === undefined ? 0 : Number(value);
  };
  const era = parts.find((p) => p.type === 'era')?.value ?? 'AD';
  const yearOfEra = get('year');
  const year = era.startsWith('B') ? 1 - yearOfEra : yearOfEra;
  const wall = {
    year,
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
  const wallAsUtc = utcOf(wall.year, wall.month, wall.day, wall.hour, wall.minute, wall.second);
  const instantToSecond = Math.floor(ms / 1000) * 1000;
  const offsetMinutes = Math.round((wallAsUtc - instantToSecond) / MINUTE_MS);
  return { ...wall, offsetMinutes };
}

/** Date.UTC that also works for years 0-99 (Date.UTC maps those to 1900-1999). */
function utcOf(year: number, month: number, day: number, hour: number, minute: number, second = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}

function offsetAt(ms: number, tz: string): number {
  return utcToZoned(ms, tz).offsetMinutes;
}

/**
 * The UTC instant of a wall-clock time in `tz`. Out-of-range fields roll over as in Date.UTC
 * (day 32 is the 1st of the next month), which is how callers add calendar days.
 * Gap and overlap handling: see the DST policy at the top of this file.
 */
export function zonedDateTimeToUtc(local: LocalDateTime, tz: string): number {
  const wallAsUtc = utcOf(local.year, local.month, local.day, local.hour, local.minute);
  // Offsets a day either side bracket any single transition near this wall time.
  const before = offsetAt(wallAsUtc - DAY_MS, tz);
  const after = offsetAt(wallAsUtc + DAY_MS, tz);
  const withBefore = wallAsUtc - before * MINUTE_MS;
  const withAfter = wallAsUtc - after * MINUTE_MS;
  const reads = (instant: number): boolean => offsetAt(instant, tz) * MINUTE_MS + instant === wallAsUtc;
  const candidates = [withBefore, withAfter].filter(reads);
  if (candidates.length > 0) return Math.min(...candidates);
  // In a gap: read the wall time with the offset in force before the gap, which lands the same
  // distance past the gap's end as the wall time is past its start.
  return withBefore;
}

/** Midnight at the start of the local calendar day that contains `ms`. */
export function startOfLocalDay(ms: number, tz: string): number {
  const p = utcToZoned(ms, tz);
  return zonedDateTimeToUtc({ year: p.year, month: p.month, day: p.day, hour: 0, minute: 0 }, tz);
}

/**
 * The same wall-clock time `n` calendar days later (or earlier when negative). Across a DST change
 * this is 23 or 25 hours per day, not 24: "T-7 days" means the same time of day a week before.
 */
export function addLocalDays(ms: number, n: number, tz: string): number {
  const p = utcToZoned(ms, tz);
  const subMinute = ((ms % MINUTE_MS) + MINUTE_MS) % MINUTE_MS;
  const base = zonedDateTimeToUtc({ year: p.year, month: p.month, day: p.day + n, hour: p.hour, minute: p.minute }, tz);
  return base + subMinute;
}

/** The local calendar date of `ms` in `tz`, shifted by `n` days, normalised (month 1-12). */
export function localDatePlusDays(ms: number, n: number, tz: string): { year: number; month: number; day: number } {
  const p = utcToZoned(ms, tz);
  const d = new Date(utcOf(p.year, p.month, p.day + n, 12, 0));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The zone's short name at that instant ("EST", "EDT", "UTC", "GMT+1"). */
export function zoneAbbreviation(ms: number, tz: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'short' }).formatToParts(new Date(ms));
  const name = parts.find((p) => p.type === 'timeZoneName')?.value;
  return name === undefined || name === '' ? tz : name;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** "2026-11-23 16:00 EST": a moment as people in `tz` read it, for the CLI and message fallbacks. */
export function formatInZone(ms: number, tz: string): string {
  const p = utcToZoned(ms, tz);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)} ${zoneAbbreviation(ms, tz)}`;
}
