import { allSections } from './checklist.js';
import type { Run } from './run.js';
import { missedAtStart, type SectionWindow } from './sectionWindow.js';

const ROUND_MS = 5 * 60_000;

/** The windows of a run that were over before it existed, and a T-0 that would have left room for them. */
export interface MissedAtStart {
  sections: Array<{ sectionId: string; title: string }>;
  /** The earliest T-0 (rounded up to 5 minutes, with 5 to spare) at which none of them would be missed; null when none is. */
  laterT0: number | null;
}

/**
 * Which sections of the normal flow were missed at start (see missedAtStart), so `start` can say so
 * at once and offer a later T-0 instead of letting the run look overdue from its first minute.
 */
export function missedWindows(run: Run, windows: SectionWindow[]): MissedAtStart {
  const byId = new Map(windows.map((w) => [w.sectionId, w]));
  const sections: MissedAtStart['sections'] = [];
  let earliest: number | null = null;
  for (const { phase, section } of allSections(run.checklist)) {
    if (phase.kind === 'rollback' || section.items.length === 0) continue;
    const window = byId.get(section.id);
    if (!window || !missedAtStart(window, run.createdAt)) continue;
    sections.push({ sectionId: section.id, title: section.implicit ? phase.title : section.title });
    const start = window.opensAt ?? window.closesAt!;
    earliest = earliest === null ? start : Math.min(earliest, start);
  }
  if (earliest === null) return { sections, laterT0: null };
  const shifted = run.t0 + (run.createdAt - earliest) + ROUND_MS;
  return { sections, laterT0: Math.ceil(shifted / ROUND_MS) * ROUND_MS };
}
