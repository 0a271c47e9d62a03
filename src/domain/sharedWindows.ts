import { allSections, type Checklist, type ChecklistSettings } from './checklist.js';
import type { SectionWindow } from './sectionWindow.js';

/**
 * Sections that share a window share their reminders and their page: five sections closing at T-0
 * are one "closes soon", one nudge series and one page, not five of each (an on-call engineer woken
 * five times for one late phase is noise). Sections belong together when they open (or close) at the
 * same moment AND nothing else sets them apart: a per-section page grace (`sectionGraceMinutes`)
 * or a different gate they wait behind keeps a section on its own, since its nudges and page follow
 * their own clock.
 */

/**
 * What holds each section back: for the normal flow the gate it waits behind (the last gate item
 * of any section before it), for rollback sections the rollback itself (they never share with the
 * normal flow, which a rollback stops).
 */
export function lockingGates(checklist: Checklist): Map<string, string> {
  const locks = new Map<string, string>();
  let lastGate: string | null = null;
  for (const { phase, section } of allSections(checklist)) {
    if (phase.kind === 'rollback') {
      locks.set(section.id, 'rollback');
      continue;
    }
    if (lastGate !== null) locks.set(section.id, lastGate);
    for (const item of section.items) if (item.kind === 'gate') lastGate = item.id;
  }
  return locks;
}

/** What, besides the moment, a section's group depends on: the gate it waits behind and (for closes) its page grace. */
export function groupTag(sectionId: string, locks: ReadonlyMap<string, string>, grace?: number): string {
  return `${locks.get(sectionId) ?? ''}|${grace ?? ''}`;
}

/**
 * The group a section's close belongs to: its closing moment, the gate it waits behind and its page
 * grace. The reminders (reminderPlan.planReminders) and the page (closingGroups) group by this one key,
 * so a shared nudge and its shared page always name the same sections.
 */
export function closeTag(closesAt: number, sectionId: string, locks: ReadonlyMap<string, string>, grace: number): string {
  return `${closesAt}|${groupTag(sectionId, locks, grace)}`;
}

/**
 * For each normal-flow section with items and a close, the ids (in checklist order) of the
 * sections closing with it: the same close, page grace and gate. A section alone maps to itself.
 * `graceOf` is the section's page grace in minutes (escalationRules.pageGraceFor).
 */
export function closingGroups(
  checklist: Checklist,
  windows: SectionWindow[],
  graceOf: (settings: ChecklistSettings, title: string) => number,
): Map<string, string[]> {
  const closeOf = new Map(windows.map((w) => [w.sectionId, w.closesAt]));
  const locks = lockingGates(checklist);
  const byTag = new Map<string, string[]>();
  const groups = new Map<string, string[]>();
  for (const { phase, section } of allSections(checklist)) {
    const closesAt = closeOf.get(section.id) ?? null;
    if (phase.kind === 'rollback' || closesAt === null || section.items.length === 0) continue;
    const tag = closeTag(closesAt, section.id, locks, graceOf(checklist.settings, section.title));
    const ids = byTag.get(tag) ?? [];
    ids.push(section.id);
    byTag.set(tag, ids);
    groups.set(section.id, ids);
  }
  return groups;
}

/** The part of a reminder key or page reason that names a group: `s0+s1+s4` (one section: its id). */
export function groupRef(sectionIds: readonly string[]): string {
  return sectionIds.join('+');
}
