import type { Checklist, Minutes } from './checklist.js';
import type { RunSnapshot } from './run.js';
import type { SectionWindow } from './sectionWindow.js';

/** Rollback phases are timed from when the rollback starts, not from T-0: their windows and time boxes. */
const MINUTE_MS = 60_000;

/** A time box on the rollback timeline: a section's or an item's. */
export interface RollbackTimebox {
  sectionId: string;
  /** Set when the time box belongs to an item ("If not recovered in 5 minutes"). */
  itemId?: string;
  minutes: Minutes;
  startsAt: number;
  endsAt: number;
}

/**
 * Rollback runs on its own clock, from the moment it starts. Rollback sections in file order:
 * - a section with a time box ("**Decision Point** (15 minutes)") opens at a cursor that starts at
 *   `rollbackStartedAt` and closes a time box later; the next one opens when it closes
 *   (Decision Point 0-15 min, then Rollback Execution 15-45 min, then Post-Rollback 45-105 min);
 * - item time boxes ("If not recovered in 5 minutes") run one after another from their section's
 *   open, and the section after them opens no earlier than the last one ends;
 * - a section with no time box of its own opens at the cursor and has no close.
 */
export function computeRollbackTimeboxes(checklist: Checklist, rollbackStartedAt: number): RollbackTimebox[] {
  return rollbackTimeline(checklist, rollbackStartedAt).timeboxes;
}

/** Windows for the rollback sections only, in file order; see computeRollbackTimeboxes for the rules. */
export function computeRollbackWindows(checklist: Checklist, rollbackStartedAt: number): SectionWindow[] {
  return rollbackTimeline(checklist, rollbackStartedAt).windows;
}

function rollbackTimeline(checklist: Checklist, rollbackStartedAt: number): { windows: SectionWindow[]; timeboxes: RollbackTimebox[] } {
  const windows: SectionWindow[] = [];
  const timeboxes: RollbackTimebox[] = [];
  let cursor = rollbackStartedAt;
  for (const phase of checklist.phases) {
    if (phase.kind !== 'rollback') continue;
    for (const section of phase.sections) {
      const opensAt = cursor;
      const box = section.timing?.timebox ?? (section.implicit ? phase.timing?.timebox : undefined);
      let itemCursor = opensAt;
      for (const item of section.items) {
        if (item.timer?.kind !== 'timebox') continue;
        const endsAt = itemCursor + item.timer.minutes * MINUTE_MS;
        timeboxes.push({ sectionId: section.id, itemId: item.id, minutes: item.timer.minutes, startsAt: itemCursor, endsAt });
        itemCursor = endsAt;
      }
      if (box !== undefined && box > 0) {
        const closesAt = opensAt + box * MINUTE_MS;
        timeboxes.push({ sectionId: section.id, minutes: box, startsAt: opensAt, endsAt: closesAt });
        windows.push({ sectionId: section.id, phaseId: phase.id, opensAt, closesAt, explicit: true });
        cursor = Math.max(closesAt, itemCursor);
      } else {
        windows.push({ sectionId: section.id, phaseId: phase.id, opensAt, closesAt: null, explicit: false });
        cursor = itemCursor;
      }
    }
  }
  return { windows, timeboxes };
}

/** Sections' time boxes run from the rollback's start; a step's from the click on its button (item state). */
export function rollbackTimeboxesNow(snapshot: RunSnapshot, started: number): RollbackTimebox[] {
  return computeRollbackTimeboxes(snapshot.run.checklist, started).flatMap((box) => {
    if (box.itemId === undefined) return [box];
    const clickedAt = snapshot.items[box.itemId]?.timerStartedAt ?? null;
    return clickedAt === null ? [] : [{ ...box, startsAt: clickedAt, endsAt: clickedAt + box.minutes * 60_000 }];
  });
}
