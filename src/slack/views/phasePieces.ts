/**
 * The pieces of a phase message that depend on the checklist only, and the caps on every piece.
 * The plan (phasePlan.ts) charges each piece its cap or its exact size, and rendering
 * (phaseMessages.ts) truncates each piece to the same cap, so what was planned is what is sent.
 * Checklist text is markdown; it becomes mrkdwn here, through the one escaping rule.
 */
import type { Item, Section } from '../../domain/checklist.js';
import { truncate } from './blockKit.js';
import { checklistBlock, checklistInline, checklistTitle } from './checklistMrkdwn.js';
import { itemIndent, itemLabel } from './sectionLayout.js';
import { formatMinutes } from './slackDate.js';
import { SlackLimits } from './slackLimits.js';

export const TITLE_MAX = 150;
export const HEADING_STATUS_MAX = 400;
export const NOTES_MAX = 600;
/** Details are shown in full up to here: most of a section's 3000 characters, past any item text teams write. */
export const DETAILS_MAX = 2000;
export const ANNOTATION_MAX = 250;
export const GATE_STATUS_MAX = 700;
export const BLOCKED_GATE_TEXT_MAX = 80;
export const ITEM_BODY_MAX = SlackLimits.sectionText - 1 - ANNOTATION_MAX;
export const GATE_BODY_MAX = SlackLimits.sectionText - 1 - GATE_STATUS_MAX;
export const ITEM_BUTTON_LABELS = ['Done', 'Undo', 'Sign off'] as const;
export const ITEM_BUTTON_TEXT_MAX = Math.max(...ITEM_BUTTON_LABELS.map((l) => l.length));
export const GATE_BUTTONS_TEXT = 'Go'.length + 'No-Go'.length;
export const VOTE_REASON_MAX = 100;

export function headingTitle(section: Section): string {
  return `*${truncate(checklistTitle(section.title), TITLE_MAX)}*`;
}

export function notesText(section: Section): string {
  const notes = section.notes.map(checklistBlock).filter((note) => note !== '');
  return notes.length === 0 ? '' : truncate(notes.join('\n'), NOTES_MAX);
}

/** One detail under an item as mrkdwn: a fenced block or a table stays a block, a line stays a line. */
export function detailMrkdwn(detail: string): string {
  return detail.includes('\n') ? checklistBlock(detail) : checklistInline(detail);
}

function detailsText(item: Item): string {
  const details = item.details.map(detailMrkdwn).filter((d) => d !== '');
  if (details.length === 0) return '';
  const pad = `${itemIndent(item.depth)}\u2003`;
  // Details were bullets under the item in the markdown; they stay bullets here.
  return `\n${truncate(details.map((d) => `${pad}${/^[•◦▪-]/.test(d) ? d : `• ${d}`}`).join('\n'), DETAILS_MAX)}`;
}

/** Text of a long-form item: a done mark (always one character), the indent, the text, its details. */
export function itemBody(item: Item, finished: boolean): string {
  const mark = finished ? '✅' : '⬜';
  return truncate(`${mark} ${itemIndent(item.depth)}${itemLabel(item)}${detailsText(item)}`, ITEM_BODY_MAX);
}

export function gateBody(item: Item): string {
  return truncate(`🚦 *Go/No-Go* · ${itemIndent(item.depth)}${itemLabel(item)}${detailsText(item)}`, GATE_BODY_MAX);
}

export function timerLabel(item: Item, inRollback = false): string {
  // A rollback step's time box starts on this click (it then runs out and pages): the button says so.
  if (inRollback) return `Start the ${formatMinutes(item.timer?.minutes ?? 0)} time box`;
  return `Start ${formatMinutes(item.timer?.minutes ?? 0)} timer`;
}
