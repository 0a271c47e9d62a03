/**
 * The markdown line shapes the parser recognises. Kept apart so that every pattern run over
 * checklist text sits in one place. Each must run in time linear in the line: no two quantifiers
 * that can both take the same characters (`\s*\s*`, `(.*?)\s*$`) may stand side by side, since a
 * long run of those characters then makes the engine try every way of sharing it out (a heading
 * with 20,000 spaces took hours). Trailing blanks and closing markers are trimmed in code instead.
 */

export const FENCE = /^\s*(`{3,}|~{3,})/;
// The `s` flag lets `(.*)$` take the rest of the line whole, whatever characters it holds, so it can never fail and backtrack.
const HEADING_START = /^\s{0,3}(#{1,6})\s/;
export const TASK = /^(\s*)(?:[-*+]|\d{1,9}[.)])\s+\[([ xX])\](?:\s(.*))?$/s;
// A list entry whose box is almost a task box: "- [ x]", "-[ ]", "- []", "- [x]text".
export const NEAR_TASK = /^\s*(?:[-*+]|\d{1,9}[.)])\s*\[([\sxX]{0,3})\](?![([:])/;
export const LIST_ENTRY = /^(\s*)(?:[-*+]|\d{1,9}[.)])\s+(.*)$/s;
export const ORDERED_ENTRY = /^(\s*)\d{1,9}[.)]\s+(.*)$/s;
export const TABLE_CHECKBOX = /\|\s*\[[ xX]\]\s*\|/;
const DELIMITER_CELL = /^:?-{2,}:?$/;

/** An ATX heading: `## Title ##` → level 2, "Title". The optional closing `#`s need a blank before them. */
export function matchHeading(text: string): { level: number; text: string } | null {
  const start = HEADING_START.exec(text);
  if (start === null) return null;
  let title = text.slice(start[0].length).trim();
  let end = title.length;
  while (end > 0 && title[end - 1] === '#') end--;
  if (end < title.length && end > 0 && /\s/.test(title[end - 1]!)) title = title.slice(0, end).trimEnd();
  return { level: start[1]!.length, text: title };
}

/** `| a | b |`: a line that starts and ends with a pipe. */
export function isTableRow(text: string): boolean {
  const t = text.trim();
  return t.length >= 2 && t.startsWith('|') && t.endsWith('|');
}

/** `|---|:--:|`: the row under a table's header. (Cell by cell, so its cost is linear in the row.) */
export function isDelimiterRow(text: string): boolean {
  let t = text.trim();
  if (t.startsWith('|')) t = t.slice(1);
  if (t.endsWith('|')) t = t.slice(0, -1);
  return t.split('|').every((cell) => DELIMITER_CELL.test(cell.trim()));
}

/** The text after a task's box, trimmed ("" when there is none). */
export function taskText(match: RegExpExecArray): string {
  return (match[3] ?? '').trim();
}

/** Column of a line's first non-blank character, a tab counting as 4. */
export function indentOf(text: string): number {
  let width = 0;
  for (const ch of text) {
    if (ch === ' ') width += 1;
    else if (ch === '\t') width += 4 - (width % 4);
    else break;
  }
  return width;
}
