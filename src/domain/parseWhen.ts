import type { Minutes } from './checklist.js';
import { unitMinutes } from './headingTiming.js';
import { canonicalTimeZone, localDatePlusDays, utcToZoned, zonedDateTimeToUtc } from './zonedTime.js';

/**
 * Times and durations people type in slash commands: `/deploy start web at 4pm`,
 * `/deploy slip 45m`, `/deploy reschedule tomorrow 09:00 tz=Europe/Berlin`. Wall-clock times are
 * read in the run's timezone, with the DST policy of zonedTime.ts.
 */

const MINUTE_MS = 60_000;
/** Slips and "in …" are limited to a week either way: anything longer is a new run, or a typo. */
export const MAX_DURATION_MINUTES: Minutes = 7 * 24 * 60;

export type StartTimeResult =
  | {
      ok: true;
      t0: number;
      /**
       * `tomorrow`: a bare time already past today was taken as tomorrow's.
       * `past`: a date or "today" that has already gone by (allowed, e.g. for a deploy under way).
       */
      note?: 'tomorrow' | 'past';
    }
  | { ok: false; error: string };

export type DurationResult = { ok: true; minutes: Minutes } | { ok: false; error: string };

const START_FORMS = 'now, 16:00, 4pm, 4:30 PM, tomorrow 09:00, 2026-11-23 16:00, 2026-11-23T16:00Z, +2h or in 2h';
const DURATION_FORMS = '45m, -15m, 1h30m, 2h, 1d, or 90 (minutes)';

/**
 * A duration in whole minutes: "45m", "-15m", "1h30m", "1h 30m", "2 hours", "1.5h", "1d", or a bare
 * number of minutes ("90"). Zero and more than a week (or `maxMinutes`) either way are refused.
 */
export function parseDuration(text: string, options: { maxMinutes?: Minutes } = {}): DurationResult {
  const max = options.maxMinutes ?? MAX_DURATION_MINUTES;
  const raw = text.trim();
  const fail = (why: string): DurationResult => ({ ok: false, error: `${why} Use a duration like ${DURATION_FORMS}.` });
  // `s`: a newline in the text must not make `(.+)$` fail and backtrack over every blank before it.
  const m = /^([+\-−])?\s*(.+)$/s.exec(raw);
  if (m === null) return fail('Give a duration.');
  const sign = m[1] === '-' || m[1] === '−' ? -1 : 1;
  const body = m[2]!.toLowerCase();

  let total: number;
  if (/^\d+$/.test(body)) {
    total = Number(body);
  } else {
    total = 0;
    const part = /\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*,?/y;
    let at = 0;
    let parts = 0;
    while (at < body.length) {
      part.lastIndex = at;
      const p = part.exec(body);
      if (p === null) return fail(`Couldn't read "${raw}" as a duration.`);
      const factor = unitMinutes(p[2]!);
      if (factor === null) return fail(`"${p[2]}" is not a unit I know (minutes, hours or days).`);
      total += Number(p[1]) * factor;
      parts += 1;
      at = part.lastIndex;
    }
    if (parts === 0) return fail(`Couldn't read "${raw}" as a duration.`);
  }
  if (!Number.isInteger(Math.round(total * 1e6) / 1e6)) return fail(`"${raw}" is not a whole number of minutes.`);
  const minutes = sign * Math.round(total);
  if (minutes === 0) return fail(`"${raw}" is no time at all.`);
  if (Math.abs(minutes) > max) return fail(`"${raw}" is more than ${Math.round(max / 1440)} days.`);
  return { ok: true, minutes };
}

interface ClockTime {
  hour: number;
  minute: number;
}

/** "16:00", "9:05", "4pm", "4 PM", "4:30 p.m.", "noon", "midnight"; null when it is not a time. */
function parseClock(text: string): ClockTime | null {
  const t = text.trim().toLowerCase();
  if (t === 'noon') return { hour: 12, minute: 0 };
  if (t === 'midnight') return { hour: 0, minute: 0 };
  const m = /^(\d{1,2})(?:[:.](\d{2}))?(?::(\d{2}))?\s*(?:([ap])\.?m\.?)?$/.exec(t);
  if (m === null) return null;
  const hour = Number(m[1]);
  const minute = m[2] === undefined ? 0 : Number(m[2]);
  const meridiem = m[4];
  // "16" alone is not a time (an hour needs minutes or am/pm); "16:00" is.
  if (m[2] === undefined && meridiem === undefined) return null;
  if (minute > 59 || (m[3] !== undefined && Number(m[3]) > 59)) return null;
  if (meridiem === undefined) return hour <= 23 ? { hour, minute } : null;
  if (hour < 1 || hour > 12) return null;
  return { hour: (hour % 12) + (meridiem === 'p' ? 12 : 0), minute };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})[t ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(z|utc|[+-]\d{2}(?::?\d{2})?)$/;
const DATE_AND_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:t|\s+(?:at\s+)?)(.+)$/;

/**
 * T-0 from what a person typed, read in `timezone`: `now`; `+2h` / `in 2h`; a time (`16:00`,
 * `4pm`, `4:30 PM`), which is today's, or tomorrow's when today's has already gone by (the result
 * says so); `today …` / `tomorrow …` with a time; a date and time (`2026-11-23 16:00`,
 * `2026-11-23T16:00`) in the zone; ISO with `Z` or an offset (`2026-11-23T16:00Z`, `…+01:00`).
 */
export function parseStartTime(text: string, context: { now: number; timezone: string }): StartTimeResult {
  const { now, timezone } = context;
  const raw = text.trim();
  const fail = (why: string): StartTimeResult => ({ ok: false, error: `${why} Try ${START_FORMS}.` });
  let t = raw.toLowerCase().replace(/\s+/g, ' ');
  if (t.startsWith('at ')) t = t.slice(3).trim();
  if (t === '') return fail('Give a start time.');
  if (t === 'now') return { ok: true, t0: now };

  const relative = /^(?:\+|in )\s*(.+)$/.exec(t);
  if (relative !== null) {
    const d = parseDuration(relative[1]!);
    if (!d.ok) return { ok: false, error: d.error };
    if (d.minutes < 0) return fail(`"${raw}" is in the past.`);
    return { ok: true, t0: now + d.minutes * MINUTE_MS };
  }

  const iso = ISO_WITH_ZONE.exec(t);
  if (iso !== null) {
    const [, y, mo, d, h, mi, s, zone] = iso;
    const date = checkDate(Number(y), Number(mo), Number(d));
    if (date !== null) return fail(`"${raw}": ${date}`);
    if (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) return fail(`"${raw}" is not a valid time.`);
    const offset = zoneOffsetMinutes(zone!);
    if (offset === null) return fail(`"${raw}" has an offset I can't read.`);
    const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
    return withPastNote(wall - offset * MINUTE_MS, now);
  }

  const dated = DATE_AND_TIME.exec(t);
  if (dated !== null) {
    const [, y, mo, d, clockText] = dated;
    const date = checkDate(Number(y), Number(mo), Number(d));
    if (date !== null) return fail(`"${raw}": ${date}`);
    const clock = parseClock(clockText!);
    if (clock === null) return fail(`"${clockText}" is not a time.`);
    const t0 = zonedDateTimeToUtc({ year: Number(y), month: Number(mo), day: Number(d), ...clock }, timezone);
    return withPastNote(t0, now);
  }

  const dayWord = /^(today|tomorrow)(?: at)? (.+)$/.exec(t) ?? swapDayWord(t);
  if (dayWord !== null) {
    const clock = parseClock(dayWord[2]!);
    if (clock === null) return fail(`"${dayWord[2]}" is not a time.`);
    const day = localDatePlusDays(now, dayWord[1] === 'tomorrow' ? 1 : 0, timezone);
    return withPastNote(zonedDateTimeToUtc({ ...day, ...clock }, timezone), now);
  }
  if (t === 'today' || t === 'tomorrow') return fail(`"${raw}" needs a time too.`);

  const clock = parseClock(t);
  if (clock === null) return fail(`Couldn't read "${raw}" as a start time.`);
  const today = localDatePlusDays(now, 0, timezone);
  const t0 = zonedDateTimeToUtc({ ...today, ...clock }, timezone);
  // Compared to the minute: typing the current minute ("16:00" at 16:00:40) means now, not tomorrow.
  if (t0 >= Math.floor(now / MINUTE_MS) * MINUTE_MS) return { ok: true, t0 };
  const tomorrow = localDatePlusDays(now, 1, timezone);
  return { ok: true, t0: zonedDateTimeToUtc({ ...tomorrow, ...clock }, timezone), note: 'tomorrow' };
}

/** "16:00 tomorrow" → the same as "tomorrow 16:00". */
function swapDayWord(t: string): [string, string, string] | null {
  const m = /^(.+?) (today|tomorrow)$/.exec(t);
  return m === null ? null : [t, m[2]!, m[1]!];
}

function withPastNote(t0: number, now: number): StartTimeResult {
  return t0 < Math.floor(now / MINUTE_MS) * MINUTE_MS ? { ok: true, t0, note: 'past' } : { ok: true, t0 };
}

/** Dates people mean for a deploy. Outside them is a typo, and `Date.UTC` reads years 0–99 as 19xx. */
const FIRST_YEAR = 2000;
const LAST_YEAR = 2100;

function checkDate(year: number, month: number, day: number): string | null {
  if (year < FIRST_YEAR || year > LAST_YEAR) return `year ${year} is not between ${FIRST_YEAR} and ${LAST_YEAR}.`;
  if (month < 1 || month > 12) return `month ${month} does not exist.`;
  if (day < 1 || day > daysInMonth(year, month)) return `day ${day} does not exist in that month.`;
  return null;
}

/** "z", "utc" → 0; "+01:00", "-0530", "+02" → minutes east of UTC. */
function zoneOffsetMinutes(zone: string): number | null {
  if (zone === 'z' || zone === 'utc') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (m === null) return null;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? 0);
  if (hours > 14 || minutes > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

export type TimeZoneOptionResult =
  | {
      ok: true;
      /** The text with the option taken out, spaces tidied. */
      rest: string;
      /** Canonical IANA name, or null when the text names none. */
      timezone: string | null;
    }
  | { ok: false; error: string };

/**
 * Takes a `tz=America/New_York`, `tz America/New_York` or `timezone: Europe/Berlin` option out of a
 * command's text. An unknown zone is an error, not a silent fallback to UTC: reminders at the wrong
 * hour are worse than a refused command.
 */
export function parseTimeZoneOption(text: string): TimeZoneOptionResult {
  const option = /(^|\s)(?:tz|timezone)(?:\s*[=:]\s*|\s+)(\S+)/i;
  const m = option.exec(text);
  if (m === null) return { ok: true, rest: text.trim().replace(/\s+/g, ' '), timezone: null };
  const name = m[2]!;
  const timezone = canonicalTimeZone(name);
  if (timezone === null) {
    return { ok: false, error: `"${name}" is not a timezone I know. Use an IANA name such as America/New_York, Europe/Berlin or UTC.` };
  }
  const rest = (text.slice(0, m.index) + m[1]! + text.slice(m.index + m[0].length)).trim().replace(/\s+/g, ' ');
  return { ok: true, rest, timezone };
}

/** The wall clock of `ms` in `tz` as "16:00", for confirming what was understood. */
export function clockText(ms: number, tz: string): string {
  const p = utcToZoned(ms, tz);
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}
