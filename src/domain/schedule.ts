import type { Checklist, HeadingTiming, Minutes, Phase, Section } from './checklist.js';
import type { SectionWindow } from './sectionWindow.js';
import { addLocalDays, localDatePlusDays, zonedDateTimeToUtc } from './zonedTime.js';

/**
 * When each section of a run is meant to happen. The schedule is a pure function of the checklist,
 * T-0 and the run's timezone: a reschedule only moves T-0, and the windows follow.
 *
 * Clock windows are the exception: they are wall-clock times on a day, so only the day depends on
 * T-0. A slip therefore passes `slipMinutes` too (see ScheduleOptions), and every window moves by it.
 *
 * Rules, in the order they are applied:
 *
 * 1. Effective timing. A section uses its own heading's timing; a section whose heading has no offset
 *    and no clock window inherits its phase's ("## Pre-Deployment (T-7 days)" times every `###` under
 *    it). Windows from either heading are `explicit: true`.
 *
 * 2. The day. A section's day is the local calendar day of T-0 in the run's timezone, shifted by a
 *    whole-day offset ("T+1 day" → the next day, "T-7 days" → 7 days before). An hour offset
 *    ("T+24 hours") puts it on the local day of T-0 plus that many hours.
 *
 * 3. Clock windows ("(12:00 PM - 2:00 PM)") sit on that day in the run's timezone. Each end is
 *    converted on its own local calendar date, so a window across a DST change has its real length
 *    (never "start + 120 minutes"). An end at or before the start, or at 12:00 AM, is on the next day.
 *
 * 4. Offsets without a clock window. Open: T-0 plus the offset (whole days are calendar days: the
 *    same time of day). Close:
 *    - negative offset: at the first later explicit window that opens after it, or T-0, whichever is
 *      first ("T-2 hours" → T-0 when untimed sections follow; "T-7 days" → the deploy day's first
 *      clock window, or T-0);
 *    - zero or positive: at the next section's open when that section is explicitly timed; otherwise
 *      after a default length, 1 hour for an hour offset or 1 day for a day offset, cut short by any
 *      later explicit window ("T+24 hours" with nothing timed after it → 1 hour).
 *
 * 5. Untimed sections, by file order. Consecutive untimed sections form a run between the explicit
 *    window before them (P) and the one after them (N); rollback sections are skipped when looking.
 *    - Between P and N: every section of the run opens when P closes and they share one close, N's
 *      open. They open together because the schedule cannot know when the one before is finished;
 *      the checklist shows their order, and reminders announce only the first (see reminderPlan.ts).
 *    - Before everything timed, with N at or before T-0 (the canary sample's readiness sections):
 *      no open time, close at T-0: "must be done before T-0".
 *    - Before everything timed, with N after T-0: they open at T-0 and close at N's open.
 *    - After everything timed: placed (open when P closes, no close) only while P closes at or before
 *      T-0 (they are the deployment itself) or the section shares P's phase; otherwise unscheduled
 *      (null/null): Communication, Success Criteria and Sign-offs after "Post-Deployment" get no
 *      times and no reminders.
 *    - Nothing timed anywhere: the whole checklist opens at T-0, no close.
 *    - Within a run, a section with a time box ("### Smoke test (30 minutes)") opens at a cursor that
 *      starts at the run's open, closes a time box later and moves the cursor; the sections after it
 *      open at the cursor.
 *
 * 6. Rollback phases get null windows here: they happen relative to when rollback starts, see
 *    computeRollbackWindows.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

interface Slot {
  phase: Phase;
  section: Section;
  rollback: boolean;
  /** Set for sections with explicit timing. */
  timed: TimedSlot | null;
  window: SectionWindow;
}

interface TimedSlot {
  /** 'phase' when the timing was inherited from the phase heading. */
  source: 'own' | 'phase';
  kind: 'clock' | 'offset';
  offset: Minutes;
  isDays: boolean;
}

interface EffectiveTiming {
  source: 'own' | 'phase';
  offset?: Minutes;
  isDays: boolean;
  clock?: HeadingTiming['clock'];
}

function hasAnchor(timing: HeadingTiming | null | undefined): timing is HeadingTiming {
  return timing != null && (timing.offset !== undefined || timing.clock !== undefined);
}

function effectiveTiming(phase: Phase, section: Section): EffectiveTiming | null {
  const own = section.timing;
  if (hasAnchor(own)) {
    // The section's own clock window, on the day given by its own offset or else its phase's.
    const offsetSource = own.offset !== undefined ? own : phase.timing?.offset !== undefined ? phase.timing : undefined;
    const result: EffectiveTiming = { source: 'own', isDays: offsetSource?.offsetIsDays === true };
    if (offsetSource?.offset !== undefined) result.offset = offsetSource.offset;
    if (own.clock !== undefined) result.clock = own.clock;
    return result;
  }
  if (hasAnchor(phase.timing)) {
    const result: EffectiveTiming = { source: 'phase', isDays: phase.timing.offsetIsDays === true };
    if (phase.timing.offset !== undefined) result.offset = phase.timing.offset;
    if (phase.timing.clock !== undefined) result.clock = phase.timing.clock;
    return result;
  }
  return null;
}

/** Open and close of a clock window on the day rule 2 gives. */
function clockWindow(
  clock: NonNullable<HeadingTiming['clock']>,
  timing: EffectiveTiming,
  t0: number,
  tz: string,
): { opensAt: number; closesAt: number } {
  let day: { year: number; month: number; day: number };
  if (timing.offset === undefined) day = localDatePlusDays(t0, 0, tz);
  else if (timing.isDays) day = localDatePlusDays(t0, Math.round(timing.offset / 1440), tz);
  else day = localDatePlusDays(t0 + timing.offset * MINUTE_MS, 0, tz);

  const at = (dayShift: number, minutes: Minutes): number =>
    zonedDateTimeToUtc({ year: day.year, month: day.month, day: day.day + dayShift, hour: Math.floor(minutes / 60), minute: minutes % 60 }, tz);
  const start = clock.start;
  const endsNextDay = clock.end <= clock.start || clock.end >= 1440;
  const end = clock.end >= 1440 ? clock.end - 1440 : clock.end;
  const opensAt = at(0, start);
  const closesAt = at(endsNextDay ? 1 : 0, end);
  // DST: a start the clock skips moves forward by the gap (zonedTime's policy), which can put it at or
  // past the end ("2:30 AM - 3:00 AM" on a spring-forward night). The window then keeps its written
  // length from where it opens: never zero-length, never backwards (docs/checklist-format.md).
  const written = (endsNextDay ? end + 1440 : end) - start;
  return { opensAt, closesAt: closesAt > opensAt ? closesAt : opensAt + written * MINUTE_MS };
}

function offsetOpen(timing: EffectiveTiming, t0: number, tz: string): number {
  const offset = timing.offset ?? 0;
  return timing.isDays ? addLocalDays(t0, Math.round(offset / 1440), tz) : t0 + offset * MINUTE_MS;
}

export interface ScheduleOptions {
  /**
   * How far T-0 has been slipped from the T-0 the run was planned for (`t0` already includes it).
   * Clock windows are wall-clock times on a planned day, so moving `t0` alone leaves them where they
   * are; with the slip given, the whole schedule is computed for the planned T-0 and every window,
   * clock windows included, moves by exactly the slip. Default 0 (a reschedule resets it).
   */
  slipMinutes?: Minutes;
}

/** One window per section, in file order (rollback sections included, with null windows). */
export function computeSchedule(checklist: Checklist, t0: number, timezone: string, options: ScheduleOptions = {}): SectionWindow[] {
  const slipMs = Math.round(options.slipMinutes ?? 0) * MINUTE_MS;
  if (slipMs === 0) return scheduleFor(checklist, t0, timezone);
  return scheduleFor(checklist, t0 - slipMs, timezone).map((w) => ({
    ...w,
    opensAt: w.opensAt === null ? null : w.opensAt + slipMs,
    closesAt: w.closesAt === null ? null : w.closesAt + slipMs,
  }));
}

function scheduleFor(checklist: Checklist, t0: number, timezone: string): SectionWindow[] {
  const slots: Slot[] = [];
  for (const phase of checklist.phases) {
    for (const section of phase.sections) {
      const rollback = phase.kind === 'rollback';
      const window: SectionWindow = { sectionId: section.id, phaseId: phase.id, opensAt: null, closesAt: null, explicit: false };
      const slot: Slot = { phase, section, rollback, timed: null, window };
      const timing = rollback ? null : effectiveTiming(phase, section);
      if (timing !== null) {
        window.explicit = true;
        if (timing.clock !== undefined) {
          const w = clockWindow(timing.clock, timing, t0, timezone);
          window.opensAt = w.opensAt;
          window.closesAt = w.closesAt;
          slot.timed = { source: timing.source, kind: 'clock', offset: timing.offset ?? 0, isDays: timing.isDays };
        } else {
          window.opensAt = offsetOpen(timing, t0, timezone);
          slot.timed = { source: timing.source, kind: 'offset', offset: timing.offset ?? 0, isDays: timing.isDays };
        }
      }
      slots.push(slot);
    }
  }

  // Rollback sections take no part in the order of the rest.
  const line = slots.filter((s) => !s.rollback);
  closeOffsetWindows(line, t0, timezone);
  placeUntimed(line, t0);
  return slots.map((s) => s.window);
}

/** Rule 4: close every offset-only window, now that every explicit open is known. */
function closeOffsetWindows(line: Slot[], t0: number, tz: string): void {
  line.forEach((slot, i) => {
    const timed = slot.timed;
    const open = slot.window.opensAt;
    if (timed === null || timed.kind !== 'offset' || open === null) return;

    const later = line.slice(i + 1);
    const nextTimedOpen = later.find((s) => s.timed !== null && s.window.opensAt !== null && s.window.opensAt > open)?.window.opensAt;
    if (timed.offset < 0) {
      slot.window.closesAt = Math.min(t0, nextTimedOpen ?? Infinity);
      return;
    }
    // The section after this one, skipping siblings that share this phase-inherited window.
    const next = later.find((s) => !(timed.source === 'phase' && s.phase === slot.phase && s.timed?.source === 'phase'));
    const nextOpen = next?.timed != null ? next.window.opensAt : null;
    if (nextOpen !== null && nextOpen > open) {
      slot.window.closesAt = nextOpen;
      return;
    }
    const byDefault = timed.isDays ? addLocalDays(open, 1, tz) : open + HOUR_MS;
    slot.window.closesAt = Math.min(byDefault, nextTimedOpen ?? Infinity);
  });
}

/** Rule 5: untimed sections, run by run. */
function placeUntimed(line: Slot[], t0: number): void {
  const anyTimed = line.some((s) => s.timed !== null);
  let i = 0;
  while (i < line.length) {
    if (line[i]!.timed !== null) {
      i += 1;
      continue;
    }
    let end = i;
    while (end < line.length && line[end]!.timed === null) end += 1;
    const run = line.slice(i, end);
    const before = i > 0 ? line[i - 1]! : null;
    const after = end < line.length ? line[end]! : null;
    placeRun(run, before, after, t0, anyTimed);
    i = end;
  }
}

function placeRun(run: Slot[], before: Slot | null, after: Slot | null, t0: number, anyTimed: boolean): void {
  const nextOpen = after?.window.opensAt ?? null;

  if (!anyTimed) {
    sequence(run, t0, null);
    return;
  }
  if (before === null) {
    if (nextOpen !== null && nextOpen <= t0) {
      for (const slot of run) slot.window.closesAt = t0;
      return;
    }
    sequence(run, t0, nextOpen);
    return;
  }
  const anchor = before.window.closesAt ?? before.window.opensAt ?? t0;
  if (after !== null) {
    sequence(run, anchor, nextOpen !== null && nextOpen > anchor ? nextOpen : null);
    return;
  }
  const placed = run.filter((slot) => anchor <= t0 || slot.phase === before.phase);
  sequence(placed, anchor, null);
}

/** Opens each slot at a cursor that only time-boxed sections move; the rest share `close`. */
function sequence(run: Slot[], open: number, close: number | null): void {
  let cursor = open;
  for (const slot of run) {
    slot.window.opensAt = cursor;
    const box = slot.section.timing?.timebox;
    if (box !== undefined && box > 0) {
      cursor += box * MINUTE_MS;
      slot.window.closesAt = cursor;
    } else {
      slot.window.closesAt = close !== null && close > cursor ? close : null;
    }
  }
}

export { computeRollbackTimeboxes, computeRollbackWindows, type RollbackTimebox } from './rollbackSchedule.js';

/** `windows` with each section that `replacements` covers swapped for its replacement. */
export function withWindows(windows: SectionWindow[], replacements: SectionWindow[]): SectionWindow[] {
  const bySection = new Map(replacements.map((w) => [w.sectionId, w]));
  return windows.map((w) => bySection.get(w.sectionId) ?? w);
}
