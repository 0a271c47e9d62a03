import { allItems, type Checklist, type Item } from './checklist.js';
import type { ItemState } from './run.js';

/** Item states for every item: recorded ones, and the template's for the rest. */
export function withTemplateStates(checklist: Checklist, recorded: ItemState[]): Record<string, ItemState> {
  const states: Record<string, ItemState> = {};
  for (const item of allItems(checklist)) states[item.id] = templateState(item);
  for (const state of recorded) if (states[state.itemId]) states[state.itemId] = state;
  return states;
}

export function isSettled(state: ItemState | undefined): boolean {
  return Boolean(state && (state.done || state.waivedReason));
}

/** An item as the template has it: done only if it was written `[x]`, by nobody in particular. */
export function templateState(item: Item): ItemState {
  return { itemId: item.id, done: item.initiallyDone, by: null, at: null, waivedReason: null, timerStartedAt: null };
}
