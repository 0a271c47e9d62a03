/**
 * How a section's items are laid out in a phase message. The layout depends only on the checklist
 * (never on run state), so the same item always lands in the same checkbox group and the same
 * message part for the whole life of a run; handlers can recompute it from the checklist.
 */
import type { Item, Section } from '../../domain/checklist.js';
import { checklistInline, escapeMrkdwn } from './checklistMrkdwn.js';
import { SlackLimits } from './slackLimits.js';

/**
 * option: a checkbox in a group; button: a section with a Done/Undo button (text too long for an
 * option, or details to show); timer: like button, plus a "Start timer" button; gate: text, votes and Go/No-Go buttons.
 */
export type ItemForm = 'option' | 'button' | 'timer' | 'gate';

export type SectionUnit =
  | { kind: 'checkboxes'; group: number; itemIds: string[] }
  | { kind: 'item'; form: Exclude<ItemForm, 'option'>; itemId: string };

/** When a group would end just before a nested item, end it at its parent instead, if the group keeps this many. */
const MIN_GROUP_FOR_NESTING_BREAK = 5;

/** "↳ " for a nested item, with an em space per further level (plain spaces are trimmed by Slack). */
export function itemIndent(depth: number): string {
  if (depth <= 0) return '';
  return `${'\u2003'.repeat(depth - 1)}↳ `;
}

/**
 * The item's own text as it reads in a message (checklist markdown → mrkdwn); sign-offs say they
 * are one ("DevOps Lead sign-off").
 */
export function itemLabel(item: Item): string {
  const text = item.text.trim().length > 0 ? checklistInline(item.text) : escapeMrkdwn(item.role ?? item.id);
  if (item.kind === 'signoff' && !/sign/i.test(text)) return `${text} sign-off`;
  return text;
}

/** The text of the item's checkbox option (indent included). */
export function optionText(item: Item): string {
  return `${itemIndent(item.depth)}${itemLabel(item)}`;
}

export function itemForm(item: Item): ItemForm {
  if (item.kind === 'gate') return 'gate';
  if (item.timer !== undefined) return 'timer';
  // A checkbox option has room for one 75-character line, which the who/when replaces once ticked:
  // an item with details (sub-bullets, code, links) gets a section of its own to show them in full.
  if (item.details.length > 0) return 'button';
  return optionText(item).length <= SlackLimits.optionText ? 'option' : 'button';
}

/**
 * The units of a section in order: runs of option items become checkbox groups of at most 10
 * (numbered from 0 within the section), every other item is a unit of its own.
 */
export function layoutSection(section: Section): SectionUnit[] {
  const units: SectionUnit[] = [];
  let run: Item[] = [];
  let group = 0;
  const flush = (): void => {
    let start = 0;
    while (start < run.length) {
      let take = Math.min(SlackLimits.optionsPerCheckboxes, run.length - start);
      const next = run[start + take];
      // Keep nested items with their parent: end the group before the parent instead.
      if (next !== undefined && next.depth > 0) {
        for (let k = take - 1; k >= MIN_GROUP_FOR_NESTING_BREAK; k -= 1) {
          if (run[start + k]!.depth === 0) {
            take = k;
            break;
          }
        }
      }
      units.push({ kind: 'checkboxes', group, itemIds: run.slice(start, start + take).map((i) => i.id) });
      group += 1;
      start += take;
    }
    run = [];
  };
  for (const item of section.items) {
    const form = itemForm(item);
    if (form === 'option') {
      run.push(item);
      continue;
    }
    flush();
    units.push({ kind: 'item', form, itemId: item.id });
  }
  flush();
  return units;
}

/** The item ids of checkbox group `group` of a section, for a handler reading a checkbox click. */
export function checkboxGroupItemIds(section: Section, group: number): string[] {
  for (const unit of layoutSection(section)) {
    if (unit.kind === 'checkboxes' && unit.group === group) return unit.itemIds;
  }
  return [];
}
