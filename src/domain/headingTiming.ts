import type { HeadingTiming, Minutes } from './checklist.js';
import { excerpt } from './parse/excerpt.js';

/**
 * Reads the timing teams write into headings: an offset from T-0 ("T-7 days", "T+2h", "T-0"),
 * a wall-clock window ("(6:00 AM - 12:00 PM)", "(14:00 – 16:00)") and a time box ("(15 minutes)").
 * Parentheticals that are not timing ("(10%)", "(if needed)") are left alone.
 */

/** Minutes per duration unit word. Seconds are deliberately absent: nothing on a deploy day is timed in seconds. */
const UNIT_MINUTES: Readonly<Record<string, number>> = {
  m: 1,
  min: 1,
  mins: 1,
  minute: 1,
  minutes: 1,
  h: 60,
  hr: 60,
  hrs: 60,
  hour: 60,
  hours: 60,
  d: 1440,
  day: 1440,
  days: 1440,
};

/** Minutes a unit word stands for, or null when the word is not a duration unit ("seconds", "nodes"). */
export function unitMinutes(unit: string): number | null {
  return UNIT_MINUTES[unit.toLowerCase()] ?? null;
}

/** "30" + "minutes" → 30, "1" + "hour" → 60, "2" + "seconds" → null. */
export function durationMinutes(amount: string, unit: string): Minutes | null {
  const factor = unitMinutes(unit);
  const n = Number(amount);
  if (factor === null || !Number.isFinite(n) || n <= 0) return null;
  return Math.round(n * factor);
}

export interface HeadingTimingResult {
  /** The heading as written, timing included, so people see what the author wrote. */
  title: string;
  timing: HeadingTiming | null;
  /** Set when the heading clearly meant to give a time but it cannot be read ("(25:00 PM - 2 PM)"). */
  error?: string;
}

const MAX_OFFSET_DAYS = 366;
const MAX_OFFSET_MINUTES = MAX_OFFSET_DAYS * 1440;

// "T-7 days", "T+24 hours", "T-30m", "T+2h", "T-0". Unicode minus and en dash count as minus.
const OFFSET = /\bT\s*([+\-−–])\s*(\d+(?:\.\d+)?)(?:\s*([A-Za-z]+))?/;
// One side of a clock window, loosely, so that bad times are reported rather than ignored. Every
// run of blanks is guarded by what must follow it (a digit, AM/PM, a dash, a zone, the closing
// parenthesis): two optional blank runs side by side made "(1-1" and 3,000 spaces take seconds.
const LOOSE_TIME = String.raw`\d{1,2}(?::\d{1,2})?(?:\s*[AaPp]\.?[Mm]\.?)?`;
const WINDOW = new RegExp(String.raw`\(\s*(${LOOSE_TIME})\s*(?:-|–|—|to)\s*(${LOOSE_TIME})(?:\s*[A-Z]{2,5})?\s*\)`);
const TIMEBOX = /\(\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*\)/g;

export function parseHeadingTiming(heading: string): HeadingTimingResult {
  const title = heading.trim();
  const timing: HeadingTiming = {};
  let error: string | undefined;

  const offset = OFFSET.exec(title);
  if (offset) {
    const [whole, sign, amount, unitWord] = offset;
    const factor = unitWord === undefined ? null : unitMinutes(unitWord);
    const n = Number(amount);
    if (factor !== null && !(n * factor <= MAX_OFFSET_MINUTES)) {
      // A 400-digit amount is Infinity minutes; nothing on a deploy day is planned a year away.
      error = `offset "${excerpt(whole.trim())}" is more than ${MAX_OFFSET_DAYS} days from T-0`;
    } else if (factor !== null) {
      const minutes = Math.round(n * factor);
      timing.offset = sign === '+' ? minutes : -minutes;
      timing.offsetText = whole.trim();
      timing.offsetIsDays = factor === 1440;
    } else if (n === 0) {
      // Bare T-0 / T+0: the moment itself. Its trailing word (if any) is not part of the offset.
      timing.offset = 0;
      timing.offsetText = `T${sign}0`;
      timing.offsetIsDays = false;
    } else {
      error = `cannot read offset "${excerpt(`T${sign}${amount}`)}": add a unit (minutes, hours or days)`;
    }
  }

  const window = WINDOW.exec(title);
  if (window && looksLikeClock(window[1]!, window[2]!)) {
    const clock = parseClockWindow(window[1]!, window[2]!);
    if (typeof clock === 'string') {
      error = `cannot read time window "${excerpt(window[0])}": ${clock}`;
    } else {
      timing.clock = { ...clock, text: `${window[1]!.trim()} - ${window[2]!.trim()}` };
    }
  }

  for (const match of title.matchAll(TIMEBOX)) {
    const minutes = durationMinutes(match[1]!, match[2]!);
    if (minutes !== null) {
      timing.timebox = minutes;
      break;
    }
  }

  const result: HeadingTimingResult = { title, timing: Object.keys(timing).length > 0 ? timing : null };
  if (error !== undefined) result.error = error;
  return result;
}

const MERIDIEM = /([AaPp])\.?[Mm]\.?$/;

/** "(10 - 20)" or "(1.5 - 2)" are ranges, not clocks: a clock needs a colon or AM/PM somewhere. */
function looksLikeClock(a: string, b: string): boolean {
  return [a, b].some((side) => side.includes(':') || MERIDIEM.test(side.trim()));
}

interface ParsedTime {
  hour: number;
  minute: number;
  meridiem: 'a' | 'p' | null;
}

function splitTime(text: string): ParsedTime | string {
  const m = /^(\d{1,2})(?::(\d{1,2}))?\s*(?:([AaPp])\.?[Mm]\.?)?$/.exec(text.trim());
  if (!m) return `"${excerpt(text)}" is not a time`;
  if (m[2] !== undefined && m[2].length !== 2) return `"${excerpt(text)}" needs two-digit minutes`;
  const meridiem = m[3] === undefined ? null : (m[3].toLowerCase() as 'a' | 'p');
  return { hour: Number(m[1]), minute: m[2] === undefined ? 0 : Number(m[2]), meridiem };
}

/** Minutes since midnight, or a reason. `isEnd` allows 24:00 and maps midnight to 1440. */
function toMinutes(t: ParsedTime, raw: string, isEnd: boolean): number | string {
  if (t.minute > 59) return `"${excerpt(raw)}" has more than 59 minutes`;
  let minutes: number;
  if (t.meridiem !== null) {
    if (t.hour < 1 || t.hour > 12) return `"${excerpt(raw)}" is not a 12-hour time`;
    minutes = ((t.hour % 12) + (t.meridiem === 'p' ? 12 : 0)) * 60 + t.minute;
  } else {
    if (t.hour > 24 || (t.hour === 24 && t.minute !== 0)) return `"${excerpt(raw)}" is not a 24-hour time`;
    if (t.hour === 24 && !isEnd) return `a window cannot start at 24:00`;
    minutes = t.hour * 60 + t.minute;
  }
  // A window that ends at 12:00 AM ends at midnight of its own day, not at its start.
  return isEnd && minutes === 0 ? 1440 : minutes;
}

function parseClockWindow(a: string, b: string): { start: Minutes; end: Minutes } | string {
  const start = splitTime(a);
  if (typeof start === 'string') return start;
  const end = splitTime(b);
  if (typeof end === 'string') return end;
  // "9:00 - 11:00 AM": the side without AM/PM takes the other side's.
  if (start.meridiem === null && end.meridiem !== null && start.hour <= 12) start.meridiem = end.meridiem;
  if (end.meridiem === null && start.meridiem !== null && end.hour <= 12) end.meridiem = start.meridiem;
  const s = toMinutes(start, a, false);
  if (typeof s === 'string') return s;
  const e = toMinutes(end, b, true);
  if (typeof e === 'string') return e;
  return { start: s, end: e };
}
