import type { SectionTimelineState, SectionWindow } from './sectionWindow.js';

const MINUTE_MS = 60_000;

export interface SectionTimelineInput {
  window: SectionWindow | null;
  /** Every item of the section is done (or waived). */
  allDone: boolean;
  /** Waiting on a gate or sign-off that has not passed. */
  blocked: boolean;
  /** Not yet in play, e.g. a rollback section while no rollback is active. */
  held: boolean;
  now: number;
  /** How long before its close a section reads as closing. */
  closingSoonMinutes?: number;
}

/**
 * Where a section stands at `now`. What a person must act on wins over the clock: done, then held,
 * then blocked; only then the window decides. A window with no open time (opensAt null, "must be
 * done before T-0") is open from the start; one with no close time never becomes overdue.
 */
export function sectionTimelineState(input: SectionTimelineInput): SectionTimelineState {
  const { window, allDone, blocked, held, now } = input;
  const closingSoonMs = (input.closingSoonMinutes ?? 15) * MINUTE_MS;
  if (allDone) return 'done';
  if (held) return 'held';
  if (blocked) return 'blocked';
  if (window === null || (window.opensAt === null && window.closesAt === null)) return 'unscheduled';
  if (window.opensAt !== null && now < window.opensAt) return 'upcoming';
  if (window.closesAt === null) return 'open';
  if (now >= window.closesAt) return 'overdue';
  if (window.closesAt - now <= closingSoonMs) return 'closing';
  return 'open';
}
