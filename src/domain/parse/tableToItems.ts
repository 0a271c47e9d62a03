import { checkboxCell, isSignoffHeader } from '../itemClassifier.js';
import { tableCells } from '../markdownText.js';
import { plainWords } from './plainWords.js';
import type { RawItem, SourceLine } from './drafts.js';
import { isDelimiterRow } from './lineSyntax.js';

/**
 * A table with a Sign-off/Approved column: each row with a `[ ]`/`[x]` is a sign-off; other rows are
 * notes. Any other table is one note, kept as a markdown table so it can be rendered whole.
 */
export function tableToItems(table: SourceLine[], items: RawItem[], notes: string[]): void {
  const header = table[0] ? tableCells(table[0].text) : [];
  const hasDelimiter = table[1] !== undefined && isDelimiterRow(table[1].text);
  const signoffColumn = hasDelimiter ? header.findIndex(isSignoffHeader) : -1;
  if (signoffColumn === -1) {
    notes.push(table.map((l) => l.text.trim()).join('\n'));
    return;
  }
  // The header row only labels the sign-off rows, so it is not kept as a note.
  for (const row of table.slice(2)) {
    const cells = tableCells(row.text);
    const role = plainWords(cells[0] ?? '');
    const box = checkboxCell(cells[signoffColumn] ?? '') ?? cells.map(checkboxCell).find((c) => c !== null) ?? null;
    if (box === null || role === '') {
      notes.push(row.text.trim());
      continue;
    }
    items.push({ md: role, line: row.line, indent: 0, depth: 0, parent: null, details: [], done: box, tableRole: role });
  }
}
