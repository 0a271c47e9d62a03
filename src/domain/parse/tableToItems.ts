import { checkboxCell, isSignoffHeader } from '../itemClassifier.js';
import { isTableDelimiter, markdownToMrkdwn, stripInlineMarkdown, tableCells } from '../markdownToMrkdwn.js';
import type { RawItem, SourceLine } from './drafts.js';

/** A table with a Sign-off/Approved column: each row with a `[ ]`/`[x]` is a sign-off; anything else is notes. */
export function tableToItems(table: SourceLine[], items: RawItem[], notes: string[]): void {
  const header = table[0] ? tableCells(table[0].text) : [];
  const hasDelimiter = table[1] !== undefined && isTableDelimiter(table[1].text);
  const signoffColumn = hasDelimiter ? header.findIndex(isSignoffHeader) : -1;
  if (signoffColumn === -1) {
    notes.push(...markdownToMrkdwn(table.map((l) => l.text).join('\n')).split('\n').filter((n) => n !== ''));
    return;
  }
  // The header row only labels the sign-off rows, so it is not kept as a note.
  for (const row of table.slice(2)) {
    const cells = tableCells(row.text);
    const role = stripInlineMarkdown(cells[0] ?? '');
    const box = checkboxCell(cells[signoffColumn] ?? '') ?? cells.map(checkboxCell).find((c) => c !== null) ?? null;
    if (box === null || role === '') {
      notes.push(markdownToMrkdwn(row.text));
      continue;
    }
    items.push({ md: role, line: row.line, indent: 0, depth: 0, parent: null, details: [], done: box, tableRole: role });
  }
}
