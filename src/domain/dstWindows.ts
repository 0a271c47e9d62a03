import type { Phase } from './checklist.js';
import { isValidTimeZone, utcToZoned } from './zonedTime.js';

const MINUTE_MS = 60_000;
const DAY_MS = 1_440 * MINUTE_MS;
/**
 * The span scanned for a zone's clock changes. Zone rules change rarely and a clock change falls at
 * the same wall time year after year, so two fixed years (one spring and one autumn change each)
 * find every gap and overlap a checklist can meet, without lint depending on today's date.
 */
const SCAN_FROM = Date.UTC(2026, 0, 1);
const SCAN_DAYS = 2 * 366;

/** A clock change as wall time sees it: from `fromMinute` of the local day, `minutes` are skipped (gap) or happen twice (overlap). */
export interface ClockChange {
  kind: 'gap' | 'overlap';
  /** The local date of the change, YYYY-MM-DD. */
  date: string;
  fromMinute: number;
  minutes: number;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Every clock change of `tz` in the scanned span (none for UTC and other fixed zones). */
export function clockChanges(tz: string): ClockChange[] {
  const offsetAt = (ms: number): number => utcToZoned(ms, tz).offsetMinutes;
  const changes: ClockChange[] = [];
  let before = offsetAt(SCAN_FROM);
  for (let day = 1; day <= SCAN_DAYS; day += 1) {
    const end = SCAN_FROM + day * DAY_MS;
    const after = offsetAt(end);
    if (after === before) continue;
    // Narrow the day down to the minute the offset changed.
    let lo = end - DAY_MS;
    let hi = end;
    while (hi - lo > MINUTE_MS) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
      if (offsetAt(mid) === before) lo = mid;
      else hi = mid;
    }
    // Wall time at the change: read with the old offset for a gap (where the skip starts), the new one for an overlap.
    const wall = utcToZoned(hi - MINUTE_MS, tz);
    const startMinute = (wall.hour * 60 + wall.minute + 1) % 1_440;
    const kind = after > before ? 'gap' : 'overlap';
    const minutes = Math.abs(after - before);
    changes.push({
      kind,
      date: `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`,
      fromMinute: kind === 'gap' ? startMinute : (startMinute - minutes + 1_440) % 1_440,
      minutes,
    });
    before = after;
  }
  return changes;
}

function within(change: ClockChange, minute: number): boolean {
  return (minute - change.fromMinute + 1_440) % 1_440 < change.minutes;
}

const clockText = (minute: number): string => `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;

/**
 * Lint warnings for clock windows (`### Switch-over (2:30 AM - 3:00 AM)`) whose start or end falls
 * in a DST gap or overlap of the checklist's zone: on that day the window is placed by the rule in
 * docs/checklist-format.md (a skipped time moves forward by the gap, a repeated one takes its first
 * occurrence, and the window keeps its written length), which its author should know about.
 */
export function dstClockWarnings(phases: Phase[], tz: string | undefined): Array<{ line: number; message: string }> {
  if (tz === undefined || !isValidTimeZone(tz)) return [];
  const headings = phases.flatMap((p) => [p, ...p.sections]).filter((h) => h.timing?.clock !== undefined);
  if (headings.length === 0) return [];
  const changes = clockChanges(tz);
  const warnings: Array<{ line: number; message: string }> = [];
  for (const heading of headings) {
    const clock = heading.timing!.clock!;
    const ends = [clock.start % 1_440, clock.end % 1_440];
    const change = changes.find((c) => ends.some((m) => within(c, m)));
    if (!change) continue;
    const span = `${clockText(change.fromMinute)}–${clockText((change.fromMinute + change.minutes) % 1_440)}`;
    const what = change.kind === 'gap' ? `the clocks skip ${span}` : `${span} happens twice`;
    warnings.push({
      line: heading.line,
      message: `clock window "${clock.text}" falls in a DST clock change in ${tz} (on ${change.date} ${what}): on such a day a skipped time moves forward by the gap, a repeated one takes its first occurrence, and the window keeps its written length (see docs/checklist-format.md)`,
    });
  }
  return warnings;
}
