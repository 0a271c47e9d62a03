import type { RawItem, ReportProblem, SourceLine } from './drafts.js';
import { FENCE, LIST_ENTRY, NEAR_TASK, ORDERED_ENTRY, TABLE_CHECKBOX, TASK, indentOf, isTableRow, taskText } from './lineSyntax.js';
import { excerpt } from './excerpt.js';
import { tableToItems } from './tableToItems.js';
import { tidyProse } from './tidyProse.js';

export interface BodyResult {
  items: RawItem[];
  notes: string[];
  /** The body as markdown, for a heading that turns out to be a reference section. */
  prose: string;
}

/**
 * Items, details and notes of one heading's body, all kept as the markdown the author wrote (the
 * views turn it into Slack mrkdwn when they render). `rollbackish`: under a rollback heading, a body
 * with no checkboxes at all is a procedure that must still be runnable, so its list entries
 * (numbered steps and their sub-bullets) become items.
 */
export function parseBody(lines: SourceLine[], rollbackish: boolean, problem: ReportProblem): BodyResult {
  const items: RawItem[] = [];
  const notes: string[] = [];
  const proseLines: string[] = [];
  let stack: number[] = [];

  const hasCheckboxes = lines.some((l) => TASK.test(l.text) || TABLE_CHECKBOX.test(l.text));
  const procedure = rollbackish && !hasCheckboxes && lines.some((l) => ORDERED_ENTRY.test(l.text));

  const addItem = (raw: Omit<RawItem, 'depth' | 'parent'>): void => {
    while (stack.length > 0 && items[stack[stack.length - 1]!]!.indent >= raw.indent) stack.pop();
    const parent = stack.length > 0 ? stack[stack.length - 1]! : null;
    items.push({ ...raw, depth: stack.length, parent });
    stack.push(items.length - 1);
  };
  /**
   * The deepest open item that an indented line at `indent` belongs to. A list entry must sit deeper
   * than its owner's marker; plain text may sit level with it (a lazy continuation of that item).
   */
  const ownerOf = (indent: number, isListEntry = true): RawItem | null => {
    for (let i = stack.length - 1; i >= 0; i--) {
      const item = items[stack[i]!]!;
      if (item.indent < indent || (!isListEntry && item.indent <= indent)) return item;
    }
    return null;
  };

  let i = 0;
  while (i < lines.length) {
    const source = lines[i]!;
    const { text } = source;
    proseLines.push(text);

    const fenceMatch = FENCE.exec(text);
    if (fenceMatch) {
      // Keep the whole fenced block together, in details when indented under an item.
      const marker = fenceMatch[1]!;
      const chunk = [text];
      i++;
      while (i < lines.length) {
        const inner = lines[i]!.text;
        proseLines.push(inner);
        chunk.push(inner);
        i++;
        const close = FENCE.exec(inner);
        if (close && close[1]![0] === marker[0] && close[1]!.length >= marker.length) break;
      }
      const indent = indentOf(text);
      const dedented = chunk.map((l) => l.slice(Math.min(indent, indentOf(l)))).join('\n');
      const owner = indent > 0 ? ownerOf(indent) : null;
      if (owner) owner.details.push(dedented);
      else {
        notes.push(dedented);
        stack = [];
      }
      continue;
    }

    if (isTableRow(text)) {
      const table: SourceLine[] = [];
      while (i < lines.length && isTableRow(lines[i]!.text)) {
        if (table.length > 0) proseLines.push(lines[i]!.text);
        table.push(lines[i]!);
        i++;
      }
      stack = [];
      tableToItems(table, items, notes);
      continue;
    }
    i++;

    if (text.trim() === '') continue;

    const task = TASK.exec(text);
    if (task) {
      const md = taskText(task);
      if (md === '') {
        problem(source.line, 'error', 'task has no text after its box');
        continue;
      }
      addItem({ md, line: source.line, indent: indentOf(text), details: [], done: task[2] !== ' ' });
      continue;
    }

    const near = NEAR_TASK.exec(text);
    if (near) {
      problem(
        source.line,
        'error',
        `malformed task box in "${excerpt(text)}": write "- [ ] text" or "- [x] text" (one space inside the box, spaces around it)`,
      );
      continue;
    }

    const indent = indentOf(text);
    const entry = LIST_ENTRY.exec(text);
    if (procedure && entry) {
      const owner = ownerOf(indent);
      // Top-level numbered steps and anything listed beneath a step are runnable; stray bullets are notes.
      if (ORDERED_ENTRY.test(text) || owner !== null) {
        addItem({ md: entry[2]!.trim(), line: source.line, indent, details: [], done: false });
        continue;
      }
    }

    if (indent > 0) {
      const owner = ownerOf(indent, entry !== null);
      if (owner) {
        owner.details.push(entry ? entry[2]!.trim() : text.trim());
        continue;
      }
    }
    stack = [];
    notes.push(text.trim());
  }

  return { items, notes, prose: tidyProse(proseLines) };
}
