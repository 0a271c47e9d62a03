import type { Item, Minutes } from './checklist.js';
import { durationMinutes } from './headingTiming.js';

/**
 * Decides what an item asks of people from its words alone: a sign-off line, a Go/No-Go gate, a
 * watch ("Monitor for 1 hour") or a time box ("If not recovered in 5 minutes"). Works on plain text
 * (markdown already stripped) so bold or links never hide the words.
 */

export type ItemTimer = NonNullable<Item['timer']>;

const GATE = /\bgo\s*[-/–]\s*no[\s-]*go\b/i;

/** "Go/No-Go decision recorded", "go / no-go", "Go-No-Go call". */
export function isGateText(plain: string): boolean {
  return GATE.test(plain);
}

const ROLLBACK = /\broll[\s-]?back/i;

/** A heading about rolling back ("Rollback Checklist", "Roll back plan"). */
export function isRollbackTitle(title: string): boolean {
  return ROLLBACK.test(title);
}

// "Deployment Lead: ___________ Date: _____": a role, a colon, and a blank to sign on.
const SIGNOFF_LINE = /^\s*(?:\*\*|__)?([A-Za-z][\w .&/'()-]*?)(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*_{3,}/;

/** The role of a "Role: ______" line, or null when the item is not such a line. */
export function signoffLineRole(plainOrMarkdown: string): string | null {
  const m = SIGNOFF_LINE.exec(plainOrMarkdown);
  return m ? m[1]!.trim() : null;
}

/** The text a sign-off item shows: "DevOps Lead sign-off". */
export function signoffText(role: string): string {
  return `${role} sign-off`;
}

/** Header cells that mark a table's rows as sign-offs: "Sign-off", "Signoff", "Approved", "Approval". */
export function isSignoffHeader(cell: string): boolean {
  return /^(?:sign[\s-]?off|approved|approval)s?$/i.test(cell.trim());
}

/** A table cell holding a checkbox: `[ ]`, `[x]`, `[X]`. Returns whether it is ticked, or null. */
export function checkboxCell(cell: string): boolean | null {
  const m = /^\[([ xX])\]$/.exec(cell.trim());
  if (!m) return null;
  return m[1] !== ' ';
}

const AMOUNT_UNIT = String.raw`(\d+(?:\.\d+)?)\s*([A-Za-z]+)`;
// "Monitor key metrics for 30 minutes", "Watch dashboards for the next 2 hours", "Soak for 1 day".
const WATCH = new RegExp(
  String.raw`\b(?:monitor\w*|watch\w*|observe|soak|bake)\b[^.;]*?\bfor\s+(?:the\s+(?:next|first)\s+)?(?:at\s+least\s+)?${AMOUNT_UNIT}`,
  'i',
);
// "If not recovered in 5 minutes", "If error rate is still high after 10 min".
const IF_TIMEBOX = new RegExp(String.raw`\bif\b[^.;]*?\b(?:in|within|after)\s+${AMOUNT_UNIT}`, 'i');
const WITHIN = new RegExp(String.raw`\bwithin\s+${AMOUNT_UNIT}`, 'i');
// A step that carries its own time box: "**Decision Point** (15 minutes)". "(< 30 seconds)" is not one.
const LONE_DURATION = new RegExp(String.raw`\(\s*${AMOUNT_UNIT}\s*\)`, 'g');

function firstDuration(re: RegExp, plain: string): Minutes | null {
  if (re.global) {
    for (const m of plain.matchAll(re)) {
      const minutes = durationMinutes(m[1]!, m[2]!);
      if (minutes !== null) return minutes;
    }
    return null;
  }
  const m = re.exec(plain);
  return m ? durationMinutes(m[1]!, m[2]!) : null;
}

/** The timer an item's words ask for, or null. A watch wins over a time box when both appear. */
export function detectTimer(plain: string): ItemTimer | null {
  const watch = firstDuration(WATCH, plain);
  if (watch !== null) return { kind: 'watch', minutes: watch };
  const box = firstDuration(IF_TIMEBOX, plain) ?? firstDuration(WITHIN, plain) ?? firstDuration(LONE_DURATION, plain);
  if (box !== null) return { kind: 'timebox', minutes: box };
  return null;
}

export interface ItemClassification {
  kind: Item['kind'];
  role?: string;
  timer?: ItemTimer;
}

/** Kind, role and timer of a checkbox item from its markdown text. */
export function classifyItem(markdown: string, plain: string): ItemClassification {
  const role = signoffLineRole(markdown) ?? signoffLineRole(plain);
  if (role !== null) return { kind: 'signoff', role };
  const result: ItemClassification = { kind: isGateText(plain) ? 'gate' : 'task' };
  const timer = detectTimer(plain);
  if (timer !== null) result.timer = timer;
  return result;
}
