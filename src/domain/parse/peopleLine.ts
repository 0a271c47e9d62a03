import type { RotaDay } from '../people.js';

/**
 * The pieces of one line of people prose: e-mail addresses, phone numbers, wall-clock windows and
 * rota dates. Every pattern here is linear in the line (see lineSyntax.ts): no two quantifiers
 * that can take the same characters stand side by side.
 */

const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+/g;
/** Something written as an address that is not one ("jane@", "jane@example"). */
const BROKEN_EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{0,63}(?![.A-Za-z0-9-])/;
const PHONE = /\+?\(?\d[\d ().-]{5,20}\d/g;
const CLOCK = /(\d{1,2})(?::(\d{2}))?\s?([ap])\.?m?\.?(?![a-z])|(\d{1,2}):(\d{2})/gi;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DATE_RANGE =
  /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.? (\d{1,2})(?:\s?[-–]\s?(?:(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.? )?(\d{1,2}))?(?!\d)/i;

export function emailsIn(text: string): string[] {
  return [...text.matchAll(EMAIL)].map((m) => m[0].toLowerCase());
}

/** An address-like word that is not an address, once real addresses are taken out; null when none. */
export function brokenEmailIn(text: string): string | null {
  const rest = text.replace(EMAIL, ' ');
  return BROKEN_EMAIL.exec(rest)?.[0] ?? null;
}

/** Phone numbers: at least seven digits, with the separators people write. */
export function phonesIn(text: string): string[] {
  return [...text.replace(EMAIL, ' ').matchAll(PHONE)].map((m) => m[0].trim()).filter((p) => p.replace(/\D/g, '').length >= 7);
}

export function withoutContactDetails(text: string): string {
  return text.replace(EMAIL, ' ').replace(PHONE, (m) => (m.replace(/\D/g, '').length >= 7 ? ' ' : m));
}

/**
 * A wall-clock window ("7AM-3PM", "3pm – 11pm", "22:00-06:00"): two clock times joined by a dash
 * or "to". A time without am/pm takes the other end's ("7-11PM" is 7 PM to 11 PM).
 */
export function clockWindowIn(text: string): { start: number; end: number; text: string; index: number } | null {
  const times = [...text.matchAll(CLOCK)];
  for (let i = 0; i + 1 < times.length; i++) {
    const a = times[i]!;
    const b = times[i + 1]!;
    const between = text.slice(a.index + a[0].length, b.index);
    if (!/^\s?(?:-|–|—|to)\s?$/i.test(between)) continue;
    const end = toMinutes(b, null);
    const start = toMinutes(a, b[3] ?? null);
    if (start === null || end === null) continue;
    const raw = text.slice(a.index, b.index + b[0].length);
    return { start, end: end === 0 ? 24 * 60 : end, text: raw.trim(), index: a.index };
  }
  return null;
}

function toMinutes(m: RegExpMatchArray, fallbackMeridiem: string | null): number | null {
  if (m[4] !== undefined) {
    const h = Number(m[4]);
    const min = Number(m[5]);
    return h > 24 || min > 59 ? null : (h % 24) * 60 + min;
  }
  const h = Number(m[1]);
  const min = m[2] === undefined ? 0 : Number(m[2]);
  const meridiem = (m[3] ?? fallbackMeridiem ?? '').toLowerCase();
  if (h < 1 || h > 12 || min > 59) return null;
  return ((h % 12) + (meridiem === 'p' ? 12 : 0)) * 60 + min;
}

/** "Nov 3-6", "Nov 30 - Dec 2", "Dec 1": the rota's days; null when the line names none. */
export function dateRangeIn(text: string): { from: RotaDay; to: RotaDay; text: string } | null {
  const m = DATE_RANGE.exec(text);
  if (!m) return null;
  const month = MONTHS.indexOf(m[1]!.toLowerCase()) + 1;
  const from = { month, day: Number(m[2]) };
  const toMonth = m[3] ? MONTHS.indexOf(m[3].toLowerCase()) + 1 : month;
  const to = m[4] ? { month: toMonth, day: Number(m[4]) } : from;
  if (from.day < 1 || from.day > 31 || to.day < 1 || to.day > 31) return null;
  return { from, to, text: m[0] };
}

/** Separators left around a name once its details are taken out: "Jane Doe ( , )" → "Jane Doe". */
export function tidyName(raw: string): string {
  const text = raw
    .replace(/[()<>[\]]/g, ' ')
    .replace(/\s[-–—|/·•]\s/g, ' ')
    .replace(/[,;:|·•]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  // Dashes left at either end, trimmed by a scan: a regex anchored at the end would retry every
  // position of a long run of dashes inside the line (quadratic; see lineSyntax.ts).
  const dash = (ch: string | undefined): boolean => ch === '-' || ch === '–' || ch === '—' || ch === ' ';
  let start = 0;
  let end = text.length;
  while (start < end && dash(text[start])) start++;
  while (end > start && dash(text[end - 1])) end--;
  return text.slice(start, end);
}
