import { allSections, type Phase, type Section } from './checklist.js';
import type { RunSnapshot } from './run.js';
import { isSettled } from './snapshotItems.js';
import type { SectionWindow } from './sectionWindow.js';

/**
 * Planned against actual for one section. Planned is the window the schedule gives (after any
 * slips). Actual open is the first moment someone worked on the section (a tick, or a vote on
 * one of its gates); actual close is the last such moment, once every item is settled (a gate
 * closes its section with the vote that decided it). Template `[x]` items and waivers carry no
 * time of their own, so they never move either end.
 */
export interface SectionSpan {
  sectionId: string;
  phaseId: string;
  phaseTitle: string;
  /** The section's heading, or the phase's for items directly under it. */
  title: string;
  /** Stable across edits of the checklist: how past runs are matched (see runHistory). */
  key: string;
  rollback: boolean;
  itemCount: number;
  settledCount: number;
  plannedOpen: number | null;
  plannedClose: number | null;
  actualOpen: number | null;
  /** Set once every item is settled. */
  actualClose: number | null;
  /** Every tick and vote time in the section, oldest first (for the pace). */
  marks: number[];
}

export function sectionKey(phase: Phase, section: Section): string {
  return `${phase.title.trim().toLowerCase()} / ${section.implicit ? '' : section.title.trim().toLowerCase()}`;
}

export function sectionSpans(snapshot: RunSnapshot, windows: SectionWindow[]): SectionSpan[] {
  const windowOf = new Map(windows.map((w) => [w.sectionId, w]));
  const votesBySection = new Map<string, number[]>();
  const sectionOfItem = new Map<string, string>();
  for (const { section } of allSections(snapshot.run.checklist)) for (const item of section.items) sectionOfItem.set(item.id, section.id);
  for (const vote of snapshot.votes) {
    const sectionId = sectionOfItem.get(vote.itemId);
    if (sectionId !== undefined) votesBySection.set(sectionId, [...(votesBySection.get(sectionId) ?? []), vote.at]);
  }
  return allSections(snapshot.run.checklist).map(({ phase, section }) => {
    const marks: number[] = [...(votesBySection.get(section.id) ?? [])];
    let settled = 0;
    for (const item of section.items) {
      const state = snapshot.items[item.id];
      if (isSettled(state)) settled += 1;
      if (state?.done && state.at !== null) marks.push(state.at);
    }
    marks.sort((a, b) => a - b);
    const window = windowOf.get(section.id);
    const allSettled = section.items.length > 0 && settled === section.items.length;
    return {
      sectionId: section.id,
      phaseId: phase.id,
      phaseTitle: phase.title,
      title: section.implicit ? phase.title : section.title,
      key: sectionKey(phase, section),
      rollback: phase.kind === 'rollback',
      itemCount: section.items.length,
      settledCount: settled,
      plannedOpen: window?.opensAt ?? null,
      plannedClose: window?.closesAt ?? null,
      actualOpen: marks[0] ?? null,
      actualClose: allSettled ? (marks.at(-1) ?? null) : null,
      marks,
    };
  });
}

/** Median of a list of numbers; null for an empty one. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
