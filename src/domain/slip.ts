/**
 * Slips and reschedules move T-0, and the schedule follows (see schedule.ts). One subtlety: clock
 * windows ("(2:00 PM - 4:00 PM)") are wall-clock times on T-0's day, so a slip must also be kept as a
 * running total (`slipMinutes`, passed to computeSchedule) for them to move; a reschedule names a
 * new day and time, plans afresh and resets that total to 0. What also needs care is the reminders
 * already planned for the old T-0: those in the past stay as they are (they were sent, or are being
 * sent, and are history), those in the future are cancelled and the plan is made again for the new
 * T-0 (TimelineService.onT0Moved). New keys carry their new due time, so they never collide with the
 * cancelled ones. The use case service/t0Moves.ts moves T-0 with these functions.
 */

const MINUTE_MS = 60_000;

/** T-0 moved by `deltaMinutes` (negative to pull it earlier, "/deploy slip -15m"). */
export function applySlip(run: { t0: number }, deltaMinutes: number): number {
  if (!Number.isFinite(deltaMinutes)) throw new Error(`slip must be a number of minutes, got ${deltaMinutes}`);
  return run.t0 + Math.round(deltaMinutes) * MINUTE_MS;
}

/** The running total of slips after this one, for computeSchedule's `slipMinutes`. */
export function totalSlipAfter(run: { slipMinutes?: number | null }, deltaMinutes: number): number {
  return (run.slipMinutes ?? 0) + Math.round(deltaMinutes);
}

/** T-0 set to a new moment ("/deploy reschedule tomorrow 09:00"), to the whole minute. */
export function applyReschedule(newT0: number): number {
  if (!Number.isFinite(newT0)) throw new Error(`reschedule needs a moment, got ${newT0}`);
  return Math.floor(newT0 / MINUTE_MS) * MINUTE_MS;
}

/** How far a reschedule moved T-0, in whole minutes, for the notice and the audit. */
export function slipMinutes(oldT0: number, newT0: number): number {
  return Math.round((newT0 - oldT0) / MINUTE_MS);
}

/** A move of T-0 further than this asks for confirmation (a typo in a date must not quietly move a run by months). */
export const T0_MOVE_CONFIRM_LIMIT_MS = 7 * 24 * 60 * MINUTE_MS;

/**
 * Why moving T-0 from `oldT0` to `newT0` at `now` needs the person to confirm, or null when it does
 * not: a T-0 in the past (every window before it would be overdue at once) or a move of more than
 * a week (more likely a wrong date than a plan).
 */
export function t0MoveNeedsConfirmation(oldT0: number, newT0: number, now: number): 'past' | 'far' | null {
  if (newT0 < now) return 'past';
  if (Math.abs(newT0 - oldT0) > T0_MOVE_CONFIRM_LIMIT_MS) return 'far';
  return null;
}
