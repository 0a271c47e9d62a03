/**
 * Which items go in which message of a phase: one message per phase (a `##` heading), continued in
 * further messages when a phase is too big for one. The store keeps one Slack ts per part, so the
 * parts are planned once per run from the checklist alone, for the worst case: every item done with
 * the longest annotation, every gate with its votes. Rendering (phaseMessages.ts) then only fills
 * the plan in and cannot overflow.
 */
import type { Item, Phase, Section } from '../../domain/checklist.js';
import {
  ANNOTATION_MAX,
  GATE_BUTTONS_TEXT,
  GATE_STATUS_MAX,
  HEADING_STATUS_MAX,
  ITEM_BUTTON_TEXT_MAX,
  gateBody,
  headingTitle,
  itemBody,
  notesText,
  timerLabel,
} from './phasePieces.js';
import { layoutSection, optionText } from './sectionLayout.js';
import type { SectionUnit } from './sectionLayout.js';
import { SlackLimits } from './slackLimits.js';

/**
 * One message of a phase. `part` counts from 1 to `of`. `sectionIds` are the sections shown in it (a
 * long section may appear in several parts), `itemIds` the items it holds. Plain JSON, deterministic.
 */
export interface PhasePart {
  phaseId: string;
  part: number;
  of: number;
  sectionIds: string[];
  itemIds: string[];
}

/** Room left for anything we failed to foresee; Slack's own limit is far above ours anyway. */
const PLAN_TEXT_BUDGET = SlackLimits.totalBlockText - 300;
const PLAN_BLOCK_BUDGET = SlackLimits.blocksPerMessage;

// ---- Worst-case costs ----

interface Cost {
  blocks: number;
  chars: number;
}

const ZERO: Cost = { blocks: 0, chars: 0 };

function plus(...costs: Cost[]): Cost {
  return costs.reduce((a, b) => ({ blocks: a.blocks + b.blocks, chars: a.chars + b.chars }), ZERO);
}

function minus(a: Cost, b: Cost): Cost {
  return { blocks: a.blocks - b.blocks, chars: a.chars - b.chars };
}

const HEADER_COST: Cost = { blocks: 1, chars: SlackLimits.headerText };

function headingCost(section: Section): Cost {
  return { blocks: 1, chars: headingTitle(section).length + 1 + HEADING_STATUS_MAX };
}

function notesCost(section: Section): Cost {
  const notes = notesText(section);
  return notes.length === 0 ? ZERO : { blocks: 1, chars: notes.length };
}

function unitCost(unit: SectionUnit, itemById: Map<string, Item>): Cost {
  if (unit.kind === 'checkboxes') {
    const chars = unit.itemIds.reduce((sum, id) => {
      const item = itemById.get(id);
      return sum + (item === undefined ? 0 : optionText(item).length + SlackLimits.optionDescription);
    }, 0);
    return { blocks: 1, chars };
  }
  const item = itemById.get(unit.itemId);
  if (item === undefined) return ZERO;
  const body = Math.max(itemBody(item, true).length, itemBody(item, false).length);
  switch (unit.form) {
    case 'button':
      return { blocks: 1, chars: body + 1 + ANNOTATION_MAX + ITEM_BUTTON_TEXT_MAX };
    case 'timer':
      return { blocks: 2, chars: body + 1 + ANNOTATION_MAX + ITEM_BUTTON_TEXT_MAX + timerLabel(item, true).length };
    case 'gate':
      return { blocks: 2, chars: gateBody(item).length + 1 + GATE_STATUS_MAX + GATE_BUTTONS_TEXT };
  }
}

export function unitItemIds(unit: SectionUnit): string[] {
  return unit.kind === 'checkboxes' ? unit.itemIds : [unit.itemId];
}

/** A section's units as rendered in one part of its phase: each with its items in that part, units with none left out. */
export function unitsInPart(section: Section, inPart: ReadonlySet<string>): Array<{ unit: SectionUnit; items: Item[] }> {
  const itemById = new Map(section.items.map((item) => [item.id, item]));
  return layoutSection(section)
    .map((unit) => ({
      unit,
      items: unitItemIds(unit)
        .filter((id) => inPart.has(id))
        .map((id) => itemById.get(id))
        .filter((item): item is Item => item !== undefined),
    }))
    .filter(({ items }) => items.length > 0);
}

// ---- Planning ----

interface Draft {
  sections: Array<{ sectionId: string; itemIds: string[] }>;
  cost: Cost;
}

function fits(draft: Draft, cost: Cost): boolean {
  return draft.cost.blocks + cost.blocks <= PLAN_BLOCK_BUDGET && draft.cost.chars + cost.chars <= PLAN_TEXT_BUDGET;
}

function newDraft(): Draft {
  return { sections: [], cost: HEADER_COST };
}

/**
 * Splits a phase into messages. Splits only between units (a checkbox group or a single long item),
 * so between items; keeps a section whole when it fits a message of its own; and when a section must
 * be split, avoids starting a part with a nested item.
 */
export function planPhaseParts(phase: Phase): PhasePart[] {
  const itemById = new Map(phase.sections.flatMap((s) => s.items.map((item): [string, Item] => [item.id, item])));
  const drafts: Draft[] = [];
  let current = newDraft();
  const startNewPart = (): void => {
    drafts.push(current);
    current = newDraft();
  };

  for (const section of phase.sections) {
    const units = layoutSection(section).map((unit) => {
      const first = itemById.get(unitItemIds(unit)[0] ?? '');
      return { unit, cost: unitCost(unit, itemById), nested: (first?.depth ?? 0) > 0 };
    });
    const opening = plus(headingCost(section), notesCost(section));
    const whole = plus(opening, ...units.map((u) => u.cost));

    const wholeFitsAlone = fits(newDraft(), whole);
    if (!fits(current, whole) && current.sections.length > 0 && wholeFitsAlone) startNewPart();
    // (A section without items always fits: its heading and notes are capped far below a message.)
    if (fits(current, whole) || units.length === 0) {
      current.sections.push({ sectionId: section.id, itemIds: units.flatMap((u) => unitItemIds(u.unit)) });
      current.cost = plus(current.cost, whole);
      continue;
    }

    // Too big for one message: fill parts unit by unit, repeating the section heading in each.
    let i = 0;
    let first = true;
    while (i < units.length) {
      const head = first ? opening : headingCost(section);
      if (!fits(current, plus(head, units[i]!.cost)) && current.sections.length > 0) startNewPart();
      const entry = { sectionId: section.id, itemIds: [] as string[] };
      current.sections.push(entry);
      current.cost = plus(current.cost, head);
      const start = i;
      // The first unit always goes in: caps make any single unit fit an otherwise empty message.
      while (i < units.length && (i === start || fits(current, units[i]!.cost))) {
        entry.itemIds.push(...unitItemIds(units[i]!.unit));
        current.cost = plus(current.cost, units[i]!.cost);
        i += 1;
      }
      if (i < units.length && units[i]!.nested) {
        // Move trailing units back out so the next part starts at a top-level item. All of this
        // section's units may go when the part holds other sections; otherwise at least one stays.
        const lowest = current.sections.length > 1 ? start : start + 1;
        for (let k = i - 1; k >= lowest; k -= 1) {
          if (units[k]!.nested) continue;
          for (let m = k; m < i; m += 1) {
            const ids = new Set(unitItemIds(units[m]!.unit));
            entry.itemIds = entry.itemIds.filter((id) => !ids.has(id));
            current.cost = minus(current.cost, units[m]!.cost);
          }
          if (k === start) {
            current.sections.pop();
            current.cost = minus(current.cost, head);
          }
          i = k;
          break;
        }
      }
      // The opening (with the notes) belongs to the part that shows the section's first item.
      if (i > start) first = false;
      if (i < units.length) startNewPart();
    }
  }
  if (current.sections.length > 0 || drafts.length === 0) drafts.push(current);

  return drafts.map((draft, index) => ({
    phaseId: phase.id,
    part: index + 1,
    of: drafts.length,
    sectionIds: draft.sections.map((s) => s.sectionId),
    itemIds: draft.sections.flatMap((s) => s.itemIds),
  }));
}

/** The part holding an item, so a change to that item re-renders only its own message. */
export function partOfItem(parts: PhasePart[], itemId: string): PhasePart | null {
  return parts.find((part) => part.itemIds.includes(itemId)) ?? null;
}
