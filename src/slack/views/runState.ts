/**
 * Read-only questions the views ask of a run snapshot that only concern how things are shown: an
 * item's state, a gate's votes in order, progress. Every rule (whether an item is settled, a gate
 * passed, a section held, blocked or done) is the domain's: the views only take its answers.
 */
import type { Item } from '../../domain/checklist.js';
import { standingVotes } from '../../domain/gates.js';
import type { GateVote, ItemState, RunSnapshot } from '../../domain/run.js';
import type { SectionTimelineState } from '../../domain/sectionWindow.js';
import { templateState } from '../../domain/snapshotItems.js';

/** The recorded state of an item, or the template's when the store has none. */
export function itemStateOf(snapshot: RunSnapshot, item: Item): ItemState {
  return snapshot.items[item.id] ?? templateState(item);
}

/** Each person's latest vote on a gate (a later vote supersedes an earlier one), oldest first. */
export function currentVotes(snapshot: RunSnapshot, itemId: string): GateVote[] {
  return standingVotes(snapshot.votes, itemId).sort((a, b) => a.at - b.at);
}

/** Items waived rather than done (a waived item is settled, never done). */
export function waivedCount(snapshot: RunSnapshot, items: Item[]): number {
  return items.filter((item) => {
    const state = itemStateOf(snapshot, item);
    return !state.done && Boolean(state.waivedReason);
  }).length;
}

/** "2/3", or "1/3 · 2 waived": done over total, waived apart, so a waived item never reads as done. */
export function progressText(snapshot: RunSnapshot, items: Item[]): string {
  const done = items.filter((item) => itemStateOf(snapshot, item).done).length;
  const waived = waivedCount(snapshot, items);
  return `${done}/${items.length}${waived > 0 ? ` · ${waived} waived` : ''}`;
}

/** A section's state label; a section settled with waivers says so instead of a plain ✅ done. */
export function sectionStateLabel(snapshot: RunSnapshot, items: Item[], state: SectionTimelineState): string {
  if (state !== 'done') return stateLabels[state];
  const waived = waivedCount(snapshot, items);
  return waived > 0 ? `☑️ settled, ${waived} waived` : stateLabels.done;
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
