import { allItems, type Checklist } from './checklist.js';
import type { ItemState } from './run.js';

/** Item states for every item: recorded ones, and the template's for the rest. */
export function withTemplateStates(checklist: Checklist, recorded: ItemState[]): Record<string, ItemState> {
  const states: Record<string, ItemState> = {};
  for (const item of allItems(checklist)) {
    states[item.id] = {
      itemId: item.id,
      done: item.initiallyDone,
      by: null,
      at: null,
      waivedReason: null,
      timerStartedAt: null,
    };
  }
  for (const state of recorded) if (states[state.itemId]) states[state.itemId] = state;
  return states;
}

export function isSettled(state: ItemState | undefined): boolean {
  return Boolean(state && (state.done || state.waivedReason));
}
