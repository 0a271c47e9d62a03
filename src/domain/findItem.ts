import type { Checklist, Item, Phase, Section } from './checklist.js';
import { DomainError } from './errors.js';

export interface ItemLocation {
  phase: Phase;
  section: Section;
  item: Item;
}

/** Finds an item by id, or says plainly that this run has no such item. */
export function findItem(checklist: Checklist, itemId: string): ItemLocation {
  for (const phase of checklist.phases) {
    for (const section of phase.sections) {
      const item = section.items.find((i) => i.id === itemId);
      if (item) return { phase, section, item };
    }
  }
  throw new DomainError('That item is not part of this run’s checklist.', 'unknown_item');
}
