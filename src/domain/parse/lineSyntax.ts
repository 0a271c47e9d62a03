/**
 * The markdown line shapes the parser recognises. Kept apart so that every pattern run over
 * checklist text sits in one place.
 */

export const FENCE = /^\s*(`{3,}|~{3,})/;
export const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*(?:\s#+)?\s*$/;
export const TASK = /^(\s*)(?:[-*+]|\d{1,9}[.)])\s+\[([ xX])\](?:\s+(.*?))?\s*$/;
// A list entry whose box is almost a task box: "- [ x]", "-[ ]", "- []", "- [x]text".
export const NEAR_TASK = /^\s*(?:[-*+]|\d{1,9}[.)])\s*\[([\sxX]{0,3})\](?![(\[:])/;
export const LIST_ENTRY = /^(\s*)(?:[-*+]|\d{1,9}[.)])\s+(.*)$/;
export const ORDERED_ENTRY = /^(\s*)\d{1,9}[.)]\s+(.*)$/;
export const TABLE_ROW = /^\s*\|.*\|\s*$/;
export const TABLE_CHECKBOX = /\|\s*\[[ xX]\]\s*\|/;

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
