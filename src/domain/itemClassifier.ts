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

// "Deployment Lead: ___________ Date: _____": a role, a colon, and a blank to sign on. Read in
// pieces around the first colon: one pattern with `[\w .]*?` and `\s*` side by side took time
// quadratic in a run of spaces.
const SIGNOFF_ROLE = /^\s*(?:\*\*|__)?([A-Za-z][\w .&/'()-]*)$/;

/** The role of a "Role: ______" line, or null when the item is not such a line. */
export function signoffLineRole(plainOrMarkdown: string): string | null {
  const colon = plainOrMarkdown.indexOf(':');
  if (colon === -1) return null;
  let role = plainOrMarkdown.slice(0, colon).trimEnd();
  if (role.endsWith('**') || role.endsWith('__')) role = role.slice(0, -2);
  const m = SIGNOFF_ROLE.exec(role);
  if (m === null || m[1]!.trim() === '') return null;
  let blank = plainOrMarkdown.slice(colon + 1).trimStart();
  if (!blank.startsWith('___') && (blank.startsWith('**') || blank.startsWith('__'))) blank = blank.slice(2).trimStart();
  return blank.startsWith('___') ? m[1]!.trim() : null;
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
// "Monitor key metrics for 30 minutes", "Watch dashboards for the next 2 hours", "Soak for 1 day":
// a watch word, then in the same clause (no `.` or `;` between) "for <amount> <unit>".
const WATCH_WORD = /\b(?:monitor\w*|watch\w*|observe|soak|bake)\b/gi;
const WATCH_FOR = new RegExp(String.raw`\bfor\s+(?:the\s+(?:next|first)\s+)?(?:at\s+least\s+)?${AMOUNT_UNIT}`, 'gi');
// "If not recovered in 5 minutes", "If error rate is still high after 10 min".
const IF_WORD = /\bif\b/gi;
const IF_WITHIN = new RegExp(String.raw`\b(?:in|within|after)\s+${AMOUNT_UNIT}`, 'gi');
const WITHIN = new RegExp(String.raw`\bwithin\s+${AMOUNT_UNIT}`, 'i');
// A step that carries its own time box: "**Decision Point** (15 minutes)". "(< 30 seconds)" is not one.
const LONE_DURATION = new RegExp(String.raw`\(\s*${AMOUNT_UNIT}\s*\)`, 'g');
const CLAUSE_END = /[.;]/g;

/** Index of the first `.` or `;` at or after `from`, or the text's length. */
function clauseEnd(text: string, from: number): number {
  CLAUSE_END.lastIndex = from;
  return CLAUSE_END.exec(text)?.index ?? text.length;
}

/**
 * The first `phrase` that follows a `word` in the same clause: what `word[^.;]*?phrase` finds, but
 * in linear time. That one pattern restarts its lazy scan at every `word`, so a line of many words
 * cost time quadratic in its length. Here each clause is searched once, from its first `word`; a
 * phrase may run one clause on (the `.` of "1.5 hours") but must start in the word's clause.
 */
function phraseAfterWord(text: string, word: RegExp, phrase: RegExp): RegExpExecArray | null {
  let searchedTo = -1;
  for (const w of text.matchAll(word)) {
    const from = w.index + w[0].length;
    if (from <= searchedTo) continue;
    const end = clauseEnd(text, from);
    searchedTo = end;
    // One character before `from` so that `\b` sees what precedes the phrase.
    const window = text.slice(from - 1, end < text.length ? clauseEnd(text, end + 1) : end);
    phrase.lastIndex = 0;
    for (let m = phrase.exec(window); m !== null && m.index < end - from + 1; m = phrase.exec(window)) {
      if (m.index >= 1) return m;
    }
  }
  return null;
}

function minutesOf(m: RegExpExecArray | null): Minutes | null {
  return m ? durationMinutes(m[1]!, m[2]!) : null;
}

function firstLoneDuration(plain: string): Minutes | null {
  for (const m of plain.matchAll(LONE_DURATION)) {
    const minutes = durationMinutes(m[1]!, m[2]!);
    if (minutes !== null) return minutes;
  }
  return null;
}

/** The timer an item's words ask for, or null. A watch wins over a time box when both appear. */
export function detectTimer(plain: string): ItemTimer | null {
  const watch = minutesOf(phraseAfterWord(plain, WATCH_WORD, WATCH_FOR));
  if (watch !== null) return { kind: 'watch', minutes: watch };
  const box = minutesOf(phraseAfterWord(plain, IF_WORD, IF_WITHIN)) ?? minutesOf(WITHIN.exec(plain)) ?? firstLoneDuration(plain);
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
