import { allSections, type Item } from './checklist.js';
import type { ItemState, RunSnapshot } from './run.js';
import { templateState } from './snapshotItems.js';

/**
 * Where a run's items stand, each in exactly one state: done by someone, waived (with a reason),
 * skipped because a rollback made them moot, or still open. Kept apart everywhere a run is
 * summed up, so "4/4" never hides that three of them were waived.
 */
export interface ItemTally {
  done: number;
  waived: number;
  skipped: number;
  open: number;
  total: number;
}

export type ItemOutcome = 'done' | 'waived' | 'skipped' | 'open';

/** One item's state in the tally: a normal-flow item left open once a rollback began is skipped, not open. */
export function itemOutcome(state: ItemState, skippedByRollback: boolean): ItemOutcome {
  if (state.done) return 'done';
  if (state.waivedReason) return 'waived';
  return skippedByRollback ? 'skipped' : 'open';
}

/** Items that count: the rollback branch only once a rollback is under way. */
export function tallyItems(snapshot: RunSnapshot, only?: readonly Item[]): ItemTally {
  const rollback = snapshot.run.rollbackActive;
  const tally: ItemTally = { done: 0, waived: 0, skipped: 0, open: 0, total: 0 };
  const wanted = only ? new Set(only.map((i) => i.id)) : null;
  for (const { phase, section } of allSections(snapshot.run.checklist)) {
    if (phase.kind === 'rollback' && !rollback) continue;
    for (const item of section.items) {
      if (wanted && !wanted.has(item.id)) continue;
      const state = snapshot.items[item.id] ?? templateState(item);
      tally[itemOutcome(state, rollback && phase.kind !== 'rollback')] += 1;
      tally.total += 1;
    }
  }
  return tally;
}
