/**
 * Read-only questions the views ask of a run snapshot that only concern how things are shown: an
 * item's state, a gate's votes in order, progress. Every rule (whether an item is settled, a gate
 * passed, a section held, blocked or done) is the domain's: the views only take its answers.
 */
import { allSections } from '../../domain/checklist.js';
import type { Item, Section } from '../../domain/checklist.js';
import { standingVotes } from '../../domain/gates.js';
import type { GateVote, ItemState, RunSnapshot } from '../../domain/run.js';
import type { SectionTimelineState } from '../../domain/sectionWindow.js';
import { isSettled, templateState } from '../../domain/snapshotItems.js';

/** The recorded state of an item, or the template's when the store has none. */
export function itemStateOf(snapshot: RunSnapshot, item: Item): ItemState {
  return snapshot.items[item.id] ?? templateState(item);
}

/** Each person's latest vote on a gate (a later vote supersedes an earlier one), oldest first. */
export function currentVotes(snapshot: RunSnapshot, itemId: string): GateVote[] {
  return standingVotes(snapshot.votes, itemId).sort((a, b) => a.at - b.at);
}

/** How many of `items` are settled (done or waived). */
export function settledCount(snapshot: RunSnapshot, items: Item[]): number {
  return items.filter((item) => isSettled(itemStateOf(snapshot, item))).length;
}

/** Items that count toward progress: the rollback branch only once a rollback is under way. */
export function countedItems(snapshot: RunSnapshot): Item[] {
  return allSections(snapshot.run.checklist)
    .filter(({ phase }) => phase.kind !== 'rollback' || snapshot.run.rollbackActive)
    .flatMap(({ section }) => section.items);
}

export function runProgress(snapshot: RunSnapshot): { done: number; total: number } {
  const items = countedItems(snapshot);
  return { done: settledCount(snapshot, items), total: items.length };
}

export function sectionProgress(snapshot: RunSnapshot, section: Section): { done: number; total: number } {
  return { done: settledCount(snapshot, section.items), total: section.items.length };
}

/** "▓▓▓▓░░░░░░": ten cells, rounded down so a bar is only full when everything is done. */
export function progressBar(done: number, total: number, width = 10): string {
  const filled = total === 0 ? width : Math.min(width, Math.floor((done / total) * width));
  return `${'▓'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

/** Short labels for section states, as shown beside a section. */
export const stateLabels: Record<SectionTimelineState, string> = {
  upcoming: '🕒 upcoming',
  open: '🟢 open',
  closing: '🟠 closing soon',
  overdue: '🔴 overdue',
  missed: '⏭ missed at start',
  done: '✅ done',
  unscheduled: '⚪ no set time',
  blocked: '🔒 blocked',
  held: '⏸ held for rollback',
};
