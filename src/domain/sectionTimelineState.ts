import { allSections, type Section } from './checklist.js';
import { blockedSections, heldSections } from './gates.js';
import type { RunSnapshot } from './run.js';
import { missedAtStart, type SectionTimelineState, type SectionWindow } from './sectionWindow.js';
import { isSettled } from './snapshotItems.js';

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
  /**
   * No time written for the section (its window is inferred from the order) and no gate in it:
   * workable from the moment the run starts, so it never reads "upcoming" (issue 10).
   */
  untimed?: boolean;
  /** How long before its close a section reads as closing. */
  closingSoonMinutes?: number;
}

/**
 * Where a section stands at `now`. What a person must act on wins over the clock: held, then done,
 * then blocked; only then the window decides. Held wins over done because a rollback section whose
 * steps are all `[x]` in the template has still not been carried out: reading "done" before any
 * rollback started would tell the channel the rollback already happened. A window with no open
 * time (opensAt null, "must be done before T-0") is open from the start; one with no close time
 * never becomes overdue. A section with no time written is open from the start too: its inferred
 * open time only orders it (a pre-deployment list is done before T-0, not at it); only a gate
 * holds later sections back (blocked).
 */
export function sectionTimelineState(input: SectionTimelineInput): SectionTimelineState {
  const { window, allDone, blocked, held, now } = input;
  const closingSoonMs = (input.closingSoonMinutes ?? 15) * MINUTE_MS;
  if (held) return 'held';
  if (allDone) return 'done';
  if (blocked) return 'blocked';
  if (window === null || (window.opensAt === null && window.closesAt === null)) return 'unscheduled';
  if (window.opensAt !== null && now < window.opensAt && input.untimed !== true) return 'upcoming';
  if (window.closesAt === null) return 'open';
  if (now >= window.closesAt) return 'overdue';
  if (window.closesAt - now <= closingSoonMs) return 'closing';
  return 'open';
}

/**
 * Where every section of a run stands at `now`: the one reading that the timeline, paging, the
 * overview, the phase messages and the status and schedule replies all share. Rollback sections are
 * held until a rollback starts (see heldSections); once it has, the normal phases are stopped and
 * read held too, except those already finished, which stay done (they were, before the rollback).
 * A window over before the run existed reads `missed` where it would read overdue.
 */
export function runSectionStates(snapshot: RunSnapshot, windows: SectionWindow[], now: number): Map<string, SectionTimelineState> {
  const held = heldSections(snapshot);
  const blocked = blockedSections(snapshot).ids;
  const byId = new Map(windows.map((w) => [w.sectionId, w]));
  const states = new Map<string, SectionTimelineState>();
  for (const { phase, section } of allSections(snapshot.run.checklist)) {
    const allDone = section.items.every((i) => isSettled(snapshot.items[i.id]));
    const stopped = snapshot.run.rollbackActive && phase.kind !== 'rollback' && !allDone;
    const window = byId.get(section.id) ?? null;
    const state = sectionTimelineState({
      window,
      allDone,
      untimed: isUntimed(window, section),
      blocked: blocked.has(section.id),
      held: held.has(section.id) || stopped,
      now,
    });
    // Overdue from the run's first moment: "missed at start", not something anyone let slip.
    states.set(section.id, state === 'overdue' && missedAtStart(window, snapshot.run.createdAt) ? 'missed' : state);
  }
  return states;
}

/** No time written (the window is inferred) and no gate: a gate keeps its window, so votes wait for it. */
export function isUntimed(window: SectionWindow | null, section: Section): boolean {
  return window !== null && !window.explicit && !section.items.some((i) => i.kind === 'gate');
}
