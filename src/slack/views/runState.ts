/**
 * Read-only questions the views ask of a run snapshot: an item's state, a gate's votes and outcome,
 * progress, and where a section stands. Pure; `now` is always passed in.
 */
import { allSections } from '../../domain/checklist.js';
import type { Item, Section } from '../../domain/checklist.js';
import { gateStatuses, standingVotes, type GateOutcome as DomainGateOutcome } from '../../domain/gates.js';
import type { GateVote, ItemState, RunSnapshot } from '../../domain/run.js';
import { templateState } from '../../domain/snapshotItems.js';
import type { SectionTimelineState, SectionWindow } from '../../domain/sectionWindow.js';

/** Within this many minutes of its end an open section reads "closing soon". */
const CLOSING_SOON_MS = 15 * 60 * 1000;

/** The recorded state of an item, or the template's when the store has none. */
export function itemStateOf(snapshot: RunSnapshot, item: Item): ItemState {
  return snapshot.items[item.id] ?? templateState(item);
}

/** Done or waived: nothing more is expected of the item. */
export function isFinished(state: ItemState): boolean {
  return state.done || state.waivedReason !== null;
}

/** Each person's latest vote on a gate (a later vote supersedes an earlier one), oldest first. */
export function currentVotes(snapshot: RunSnapshot, itemId: string): GateVote[] {
  return standingVotes(snapshot.votes, itemId).sort((a, b) => a.at - b.at);
}

export type GateOutcome = DomainGateOutcome;

/**
 * A gate has passed once the run marked its item done (the run service does so when the quorum
 * is met); otherwise it is as the domain's gate rule says (an approver's No-Go fails it).
 */
export function gateOutcome(snapshot: RunSnapshot, item: Item): GateOutcome {
  if (itemStateOf(snapshot, item).done) return 'passed';
  return gateStatuses(snapshot).find((g) => g.item.id === item.id)?.outcome === 'failed' ? 'failed' : 'pending';
}

/** Items that count toward progress: the rollback branch only once a rollback is under way. */
export function countedItems(snapshot: RunSnapshot): Item[] {
  return allSections(snapshot.run.checklist)
    .filter(({ phase }) => phase.kind !== 'rollback' || snapshot.run.rollbackActive)
    .flatMap(({ section }) => section.items);
}

export function runProgress(snapshot: RunSnapshot): { done: number; total: number } {
  const items = countedItems(snapshot);
  const done = items.filter((item) => isFinished(itemStateOf(snapshot, item))).length;
  return { done, total: items.length };
}

export function sectionProgress(snapshot: RunSnapshot, section: Section): { done: number; total: number } {
  const done = section.items.filter((item) => isFinished(itemStateOf(snapshot, item))).length;
  return { done, total: section.items.length };
}

/** "▓▓▓▓░░░░░░": ten cells, rounded down so a bar is only full when everything is done. */
export function progressBar(done: number, total: number, width = 10): string {
  const filled = total === 0 ? width : Math.min(width, Math.floor((done / total) * width));
  return `${'▓'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

/** Sections of the rollback branch while no rollback is active: shown, but not yet to be worked. */
export function defaultHeldSectionIds(snapshot: RunSnapshot): Set<string> {
  if (snapshot.run.rollbackActive) return new Set();
  return new Set(
    allSections(snapshot.run.checklist)
      .filter(({ phase }) => phase.kind === 'rollback')
      .map(({ section }) => section.id),
  );
}

/**
 * For each section behind a gate that has not passed, the first such gate: work after a Go/No-Go
 * waits for the Go. Gates in the rollback branch only hold back later rollback sections.
 * This is the views' own reading for when the caller does not say which sections are blocked.
 */
export function blockingGates(snapshot: RunSnapshot): Map<string, Item> {
  const blocked = new Map<string, Item>();
  const pending: Record<'main' | 'rollback', Item | null> = { main: null, rollback: null };
  for (const { phase, section } of allSections(snapshot.run.checklist)) {
    const branch = phase.kind === 'rollback' ? 'rollback' : 'main';
    const gate = pending[branch];
    if (gate !== null) blocked.set(section.id, gate);
    if (gate === null) {
      pending[branch] = section.items.find((item) => item.kind === 'gate' && gateOutcome(snapshot, item) !== 'passed') ?? null;
    }
  }
  return blocked;
}

/** The nearest gate before `sectionId` (same branch) that has not passed, to name in a 🔒 badge. */
export function nearestPendingGateBefore(snapshot: RunSnapshot, sectionId: string): Item | null {
  const sections = allSections(snapshot.run.checklist);
  const index = sections.findIndex(({ section }) => section.id === sectionId);
  if (index === -1) return null;
  const branchOf = (i: number): string => (sections[i]!.phase.kind === 'rollback' ? 'rollback' : 'main');
  const branch = branchOf(index);
  for (let i = index - 1; i >= 0; i -= 1) {
    if (branchOf(i) !== branch) continue;
    const items = sections[i]!.section.items;
    for (let j = items.length - 1; j >= 0; j -= 1) {
      const item = items[j]!;
      if (item.kind === 'gate' && gateOutcome(snapshot, item) !== 'passed') return item;
    }
  }
  return null;
}

/**
 * Where a section stands at `now`. Held and done win over the clock; a blocked section is blocked
 * whatever its window says; then the window decides.
 */
export function sectionStateAt(input: {
  snapshot: RunSnapshot;
  section: Section;
  window: SectionWindow | undefined;
  now: number;
  blocked: boolean;
  held: boolean;
}): SectionTimelineState {
  const { snapshot, section, window, now } = input;
  if (input.held) return 'held';
  const opensAt = window?.opensAt ?? null;
  const closesAt = window?.closesAt ?? null;
  if (section.items.length > 0 && section.items.every((item) => isFinished(itemStateOf(snapshot, item)))) return 'done';
  if (section.items.length === 0 && closesAt !== null && now >= closesAt) return 'done';
  if (input.blocked) return 'blocked';
  if (opensAt === null && closesAt === null) return 'unscheduled';
  if (opensAt !== null && now < opensAt) return 'upcoming';
  if (closesAt !== null && now >= closesAt) return 'overdue';
  if (closesAt !== null && closesAt - now <= CLOSING_SOON_MS) return 'closing';
  return 'open';
}

/** A state function over a whole run, using the views' own reading of blocked and held sections. */
export function defaultStateOf(
  snapshot: RunSnapshot,
  windows: SectionWindow[],
  now: number,
): (sectionId: string) => SectionTimelineState {
  const held = defaultHeldSectionIds(snapshot);
  const blocked = blockingGates(snapshot);
  const windowOf = new Map(windows.map((w) => [w.sectionId, w]));
  const sectionOf = new Map(allSections(snapshot.run.checklist).map(({ section }) => [section.id, section]));
  return (sectionId) => {
    const section = sectionOf.get(sectionId);
    if (section === undefined) return 'unscheduled';
    return sectionStateAt({
      snapshot,
      section,
      window: windowOf.get(sectionId),
      now,
      blocked: blocked.has(sectionId),
      held: held.has(sectionId),
    });
  };
}

/** Short labels for section states, as shown beside a section. */
export const stateLabels: Record<SectionTimelineState, string> = {
  upcoming: '🕒 upcoming',
  open: '🟢 open',
  closing: '🟠 closing soon',
  overdue: '🔴 overdue',
  done: '✅ done',
  unscheduled: '⚪ no set time',
  blocked: '🔒 blocked',
  held: '⏸ held for rollback',
};
