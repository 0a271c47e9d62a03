import type {
  Checklist,
  ChecklistProblem,
  ChecklistSettings,
  HeadingTiming,
  Item,
  ParseResult,
  Phase,
  PhaseKind,
  ReferenceSection,
  Section,
} from './checklist.js';
import { parseFrontMatter } from './frontMatter.js';
import { parseHeadingTiming } from './headingTiming.js';
import { checkboxCell, classifyItem, isRollbackTitle, isSignoffHeader, signoffText } from './itemClassifier.js';
import { isTableDelimiter, stripInlineMarkdown, tableCells } from './markdownText.js';

/**
 * Markdown checklist → Checklist. Pure: takes the text, never reads files. Built to take the files
 * teams really write (see docs/checklist-format.md): `##` phases, `###`+ sections, GFM task lists,
 * sign-off tables, "Role: ____" lines, timing in headings, reference sections without checkboxes.
 */

interface SourceLine {
  text: string;
  /** 1-based line in the file. */
  line: number;
}

interface Block {
  heading: { level: number; text: string; line: number } | null;
  body: SourceLine[];
}

interface RawItem {
  md: string;
  line: number;
  indent: number;
  depth: number;
  /** Index of the parent in the same body's item list. */
  parent: number | null;
  details: string[];
  done: boolean;
  /** Set for sign-off table rows, whose role comes from the first column. */
  tableRole?: string;
}

interface SectionDraft {
  index: number;
  title: string;
  line: number;
  implicit: boolean;
  timing: HeadingTiming | null;
  items: RawItem[];
  notes: string[];
  /** A "Rollback …" section under a phase that is not about rollback: split into its own phase. */
  rollback: boolean;
}

interface PhaseDraft {
  title: string;
  /** Phases opened by items before any `##` take the checklist title once it is known. */
  untitled: boolean;
  line: number;
  level: number;
  timing: HeadingTiming | null;
  sections: SectionDraft[];
  /** Whether the heading's own prose already became a reference section. */
  hasReference: boolean;
}

const FENCE = /^\s*(`{3,}|~{3,})/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*(?:\s#+)?\s*$/;
const TASK = /^(\s*)(?:[-*+]|\d{1,9}[.)])\s+\[([ xX])\](?:\s+(.*?))?\s*$/;
// A list entry whose box is almost a task box: "- [ x]", "-[ ]", "- []", "- [x]text".
const NEAR_TASK = /^\s*(?:[-*+]|\d{1,9}[.)])\s*\[([\sxX]{0,3})\](?![(\[:])/;
const LIST_ENTRY = /^(\s*)(?:[-*+]|\d{1,9}[.)])\s+(.*)$/;
const ORDERED_ENTRY = /^(\s*)\d{1,9}[.)]\s+(.*)$/;
const TABLE_ROW = /^\s*\|.*\|\s*$/;
const TIMEZONE_HINTS: ReadonlyArray<[RegExp, string]> = [
  [/\b(UTC|GMT)\b/, 'UTC'],
  [/\b(EDT|EST|ET)\b/, 'America/New_York'],
  [/\b(PDT|PST|PT)\b/, 'America/Los_Angeles'],
];

/** Column of a line's first non-blank character, a tab counting as 4. */
function indentOf(text: string): number {
  let width = 0;
  for (const ch of text) {
    if (ch === ' ') width += 1;
    else if (ch === '\t') width += 4 - (width % 4);
    else break;
  }
  return width;
}

export function parseChecklist(rawText: string, opts: { name: string; source: string }): ParseResult {
  // Editors on Windows may save a byte-order mark, which would hide the front matter and the title.
  const text = rawText.replace(/^\uFEFF/, '');
  const file = opts.source;
  const problems: ChecklistProblem[] = [];
  const problem = (line: number, severity: ChecklistProblem['severity'], message: string): void => {
    problems.push({ file, line, severity, message });
  };

  const frontMatter = parseFrontMatter(text, file);
  problems.push(...frontMatter.problems);
  const settings: ChecklistSettings = { ...frontMatter.settings };

  const allLines = text.split(/\r?\n/);
  const bodyLines: SourceLine[] = allLines
    .map((line, i) => ({ text: line, line: i + 1 }))
    .slice(frontMatter.lineCount);

  const blocks = splitBlocks(bodyLines, problem);

  let title: string | null = null;
  let titleLine = 1;
  const phases: PhaseDraft[] = [];
  const reference: ReferenceSection[] = [];
  let current: PhaseDraft | null = null;
  let sectionCount = 0;
  const phaseTitles = new Map<string, number>();
  let warnedOrphan = false;

  const newSection = (
    heading: { title: string; line: number; timing: HeadingTiming | null },
    implicit: boolean,
    body: BodyResult,
    rollback: boolean,
  ): SectionDraft => ({
    index: sectionCount++,
    title: heading.title,
    line: heading.line,
    implicit,
    timing: heading.timing,
    items: body.items,
    notes: body.notes,
    rollback,
  });

  const openPhase = (t: string, line: number, level: number, timing: HeadingTiming | null, untitled: boolean): PhaseDraft => {
    const phase: PhaseDraft = { title: t, untitled, line, level, timing, sections: [], hasReference: false };
    phases.push(phase);
    return phase;
  };

  for (const block of blocks) {
    const heading = block.heading;
    if (heading === null) {
      // Content before any heading.
      const body = parseBody(block.body, false, problem);
      if (body.items.length > 0) {
        if (!warnedOrphan) {
          problem(body.items[0]!.line, 'warning', 'item before any heading: it goes into an implicit phase; put it under a `##` heading');
          warnedOrphan = true;
        }
        current = openPhase('', body.items[0]!.line, 2, null, true);
        current.sections.push(newSection({ title: '', line: current.line, timing: null }, true, body, false));
      } else if (body.prose.trim() !== '') {
        reference.push({ title: '', line: block.body[0]?.line ?? 1, level: 0, body: body.prose });
      }
      continue;
    }

    const timed = parseHeadingTiming(heading.text);
    if (timed.error !== undefined) problem(heading.line, 'error', timed.error);
    const headingTitle = timed.title;

    if (heading.level === 1 && title === null) {
      title = stripInlineMarkdown(headingTitle);
      titleLine = heading.line;
      const body = parseBody(block.body, isRollbackTitle(headingTitle), problem);
      if (body.items.length > 0) {
        current = openPhase(title, heading.line, 1, timed.timing, false);
        current.sections.push(newSection({ title, line: heading.line, timing: timed.timing }, true, body, false));
      } else if (body.prose.trim() !== '') {
        reference.push({ title, line: heading.line, level: 1, body: body.prose });
      }
      continue;
    }

    if (heading.level <= 2) {
      const key = headingTitle.toLowerCase();
      const first = phaseTitles.get(key);
      if (first !== undefined) {
        problem(heading.line, 'warning', `duplicate phase heading "${headingTitle}" (first on line ${first})`);
      } else {
        phaseTitles.set(key, heading.line);
      }
      current = openPhase(headingTitle, heading.line, heading.level, timed.timing, false);
      const body = parseBody(block.body, isRollbackTitle(headingTitle), problem);
      if (body.items.length > 0) {
        // The phase's own items: a section that shares the phase's title and timing.
        current.sections.push(newSection({ title: headingTitle, line: heading.line, timing: timed.timing }, true, body, false));
      } else if (body.prose.trim() !== '') {
        reference.push({ title: headingTitle, line: heading.line, level: heading.level, body: body.prose });
        current.hasReference = true;
      }
      continue;
    }

    // ### and deeper: sections, flattened.
    const phaseIsRollback = current !== null && isRollbackTitle(current.title);
    const body = parseBody(block.body, phaseIsRollback || isRollbackTitle(headingTitle), problem);
    if (body.items.length === 0) {
      reference.push({ title: headingTitle, line: heading.line, level: heading.level, body: body.prose });
      continue;
    }
    if (current === null) {
      current = openPhase('', heading.line, 2, null, true);
    }
    const rollback = !phaseIsRollback && isRollbackTitle(headingTitle);
    current.sections.push(newSection({ title: headingTitle, line: heading.line, timing: timed.timing }, false, body, rollback));
  }

  const checklistTitle = title ?? opts.name;
  if (title === null) {
    problem(1, 'warning', `no \`#\` title: using the file name "${opts.name}"`);
  }
  for (const phase of phases) {
    if (phase.untitled) phase.title = checklistTitle;
    for (const section of phase.sections) if (section.implicit && section.title === '') section.title = checklistTitle;
  }
  for (const ref of reference) if (ref.title === '') ref.title = checklistTitle;

  // A `##` with no items anywhere below it and no prose of its own is still a heading people wrote
  // (e.g. "## Success Criteria" over ✓ lists): keep it as an empty reference so the outline survives.
  for (const phase of phases) {
    if (phase.sections.length === 0 && !phase.hasReference && !phase.untitled) {
      reference.push({ title: phase.title, line: phase.line, level: phase.level, body: '' });
    }
  }

  const plainText: PlainText = new Map();
  const built = buildPhases(
    phases.filter((p) => p.sections.length > 0),
    plainText,
  );

  applyGateSettings(built, plainText, settings, frontMatter.gateLines, problem);
  if (settings.escalation === undefined) {
    const escalation = escalationFromReference(reference, blocks);
    if (escalation.length > 0) settings.escalation = escalation;
  }
  if (settings.timezone === undefined) {
    const hint = inferTimezone(bodyLines);
    if (hint !== null) {
      settings.timezone = hint.zone;
      problem(
        hint.line,
        'warning',
        `timezone inferred as "${hint.zone}" from "${hint.word}"; set \`timezone:\` in front matter to say so explicitly`,
      );
    }
  }

  const itemCount = built.reduce((n, p) => n + p.sections.reduce((m, s) => m + s.items.length, 0), 0);
  if (itemCount === 0) {
    problem(titleLine, 'error', 'checklist has no items: write tasks as `- [ ] text` under `##`/`###` headings');
  }

  problems.sort((a, b) => a.line - b.line);
  if (problems.some((p) => p.severity === 'error')) return { ok: false, problems };

  reference.sort((a, b) => a.line - b.line);
  const checklist: Checklist = {
    name: opts.name,
    title: checklistTitle,
    source: opts.source,
    settings,
    phases: built,
    reference,
  };
  return { ok: true, checklist, warnings: problems };
}

/** Splits the body into heading blocks; code fences hide headings. Reports fences never closed. */
function splitBlocks(lines: SourceLine[], problem: (line: number, severity: 'error', message: string) => void): Block[] {
  const blocks: Block[] = [{ heading: null, body: [] }];
  let fence: { marker: string; line: number } | null = null;
  let inComment = false;
  for (const source of lines) {
    const { text } = source;
    const fenceMatch = FENCE.exec(text);
    if (fence !== null) {
      if (fenceMatch && fenceMatch[1]![0] === fence.marker[0] && fenceMatch[1]!.length >= fence.marker.length) fence = null;
      blocks[blocks.length - 1]!.body.push(source);
      continue;
    }
    // HTML comments are notes to the checklist's editors, not to the people running it.
    if (inComment || text.trimStart().startsWith('<!--')) {
      inComment = !text.includes('-->');
      continue;
    }
    if (fenceMatch) {
      fence = { marker: fenceMatch[1]!, line: source.line };
      blocks[blocks.length - 1]!.body.push(source);
      continue;
    }
    const heading = HEADING.exec(text);
    if (heading) {
      blocks.push({ heading: { level: heading[1]!.length, text: heading[2]!, line: source.line }, body: [] });
      continue;
    }
    blocks[blocks.length - 1]!.body.push(source);
  }
  if (fence !== null) {
    problem(fence.line, 'error', `code fence ${fence.marker} is never closed`);
  }
  return blocks;
}

interface BodyResult {
  items: RawItem[];
  notes: string[];
  /** The body as mrkdwn, for a heading that turns out to be a reference section. */
  prose: string;
}

/**
 * Items, details and notes of one heading's body. `rollbackish`: under a rollback heading, a body
 * with no checkboxes at all is a procedure that must still be runnable, so its list entries
 * (numbered steps and their sub-bullets) become items.
 */
function parseBody(
  lines: SourceLine[],
  rollbackish: boolean,
  problem: (line: number, severity: 'error' | 'warning', message: string) => void,
): BodyResult {
  const items: RawItem[] = [];
  const notes: string[] = [];
  const proseLines: string[] = [];
  let stack: number[] = [];

  const hasCheckboxes = lines.some((l) => TASK.test(l.text) || /\|\s*\[[ xX]\]\s*\|/.test(l.text));
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

    if (TABLE_ROW.test(text)) {
      const table: SourceLine[] = [];
      while (i < lines.length && TABLE_ROW.test(lines[i]!.text)) {
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
      const md = (task[3] ?? '').trim();
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
        `malformed task box in "${text.trim()}": write "- [ ] text" or "- [x] text" (one space inside the box, spaces around it)`,
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
    const note = text.trim();
    if (note !== '') notes.push(note);
  }

  return { items, notes, prose: proseLines.join('\n').trim() };
}

/** A table with a Sign-off/Approved column: each row with a `[ ]`/`[x]` is a sign-off; anything else is notes. */
function tableToItems(table: SourceLine[], items: RawItem[], notes: string[]): void {
  const header = table[0] ? tableCells(table[0].text) : [];
  const hasDelimiter = table[1] !== undefined && isTableDelimiter(table[1].text);
  const signoffColumn = hasDelimiter ? header.findIndex(isSignoffHeader) : -1;
  if (signoffColumn === -1) {
    notes.push(table.map((l) => l.text.trim()).join('\n'));
    return;
  }
  // The header row only labels the sign-off rows, so it is not kept as a note.
  for (const row of table.slice(2)) {
    const cells = tableCells(row.text);
    const role = stripInlineMarkdown(cells[0] ?? '');
    const box = checkboxCell(cells[signoffColumn] ?? '') ?? cells.map(checkboxCell).find((c) => c !== null) ?? null;
    if (box === null || role === '') {
      notes.push(row.text.trim());
      continue;
    }
    items.push({ md: role, line: row.line, indent: 0, depth: 0, parent: null, details: [], done: box, tableRole: role });
  }
}

/** Plain words of each item (no markup, no escaping), for matching front-matter gates. */
type PlainText = Map<Item, string>;

function buildItems(section: SectionDraft, plainText: PlainText): Item[] {
  return section.items.map((raw, n) => {
    const plain = stripInlineMarkdown(raw.md);
    const classification =
      raw.tableRole !== undefined ? { kind: 'signoff' as const, role: raw.tableRole } : classifyItem(raw.md, plain);
    const item: Item = {
      id: `s${section.index}.i${n}`,
      text: classification.kind === 'signoff' && classification.role !== undefined
        ? signoffText(classification.role)
        : raw.md,
      line: raw.line,
      depth: raw.depth,
      parentId: raw.parent === null ? null : `s${section.index}.i${raw.parent}`,
      details: raw.details,
      initiallyDone: raw.done,
      kind: classification.kind,
    };
    if (classification.role !== undefined) item.role = classification.role;
    if ('timer' in classification && classification.timer !== undefined) item.timer = classification.timer;
    plainText.set(item, classification.kind === 'signoff' ? item.text : plain);
    return item;
  });
}

function toSection(draft: SectionDraft, plainText: PlainText): Section {
  return {
    id: `s${draft.index}`,
    title: draft.title,
    line: draft.line,
    implicit: draft.implicit,
    timing: draft.timing,
    items: buildItems(draft, plainText),
    notes: draft.notes,
  };
}

function phaseKind(title: string, sections: Section[]): PhaseKind {
  if (isRollbackTitle(title)) return 'rollback';
  const items = sections.flatMap((s) => s.items);
  if (items.length > 0 && items.every((item) => item.kind === 'signoff')) return 'signoff';
  return 'normal';
}

/**
 * Drafts → phases with ids. A "Rollback …" section inside a normal phase is moved into a rollback
 * phase of its own, placed right after its phase, so it is held back until a rollback like any other
 * rollback phase. (A phase made only of rollback sections simply becomes a rollback phase.)
 */
function buildPhases(drafts: PhaseDraft[], plainText: PlainText): Phase[] {
  const ordered: Array<{ title: string; line: number; timing: HeadingTiming | null; rollback: boolean; sections: SectionDraft[] }> = [];
  for (const draft of drafts) {
    const kept = draft.sections.filter((s) => !s.rollback);
    const split = draft.sections.filter((s) => s.rollback);
    if (kept.length === 0) {
      ordered.push({ title: draft.title, line: draft.line, timing: draft.timing, rollback: true, sections: split });
      continue;
    }
    ordered.push({ title: draft.title, line: draft.line, timing: draft.timing, rollback: false, sections: kept });
    for (const section of split) {
      ordered.push({ title: section.title, line: section.line, timing: section.timing, rollback: true, sections: [section] });
    }
  }
  return ordered.map((p, index) => {
    const sections = p.sections.map((draft) => toSection(draft, plainText));
    return {
      id: `p${index}`,
      title: p.title,
      line: p.line,
      timing: p.timing,
      kind: p.rollback ? 'rollback' : phaseKind(p.title, sections),
      sections,
    };
  });
}

/**
 * Front-matter `gates[].match`: every item whose text contains the match becomes a gate; if no item
 * matches, the last top-level item of each section whose title contains it becomes the gate (the
 * decision closes the section). A match that finds nothing is reported at its front matter line.
 */
function applyGateSettings(
  phases: Phase[],
  plainText: PlainText,
  settings: ChecklistSettings,
  gateLines: number[],
  problem: (line: number, severity: 'warning', message: string) => void,
): void {
  (settings.gates ?? []).forEach((gate, g) => {
    const needle = gate.match.toLowerCase();
    let matched = false;
    for (const phase of phases) {
      for (const section of phase.sections) {
        for (const item of section.items) {
          if (item.kind !== 'signoff' && (plainText.get(item) ?? item.text).toLowerCase().includes(needle)) {
            item.kind = 'gate';
            matched = true;
          }
        }
      }
    }
    if (!matched) {
      for (const phase of phases) {
        for (const section of phase.sections) {
          if (!section.title.toLowerCase().includes(needle)) continue;
          const last = section.items.filter((item) => item.depth === 0 && item.kind !== 'signoff').at(-1);
          if (last) {
            last.kind = 'gate';
            matched = true;
          }
        }
      }
    }
    if (!matched) {
      problem(gateLines[g] ?? 1, 'warning', `gate match "${gate.match}" matches no item or section title`);
    }
  });
}

/** The list entries of an "Escalation" reference section, in order, when front matter has none. */
function escalationFromReference(reference: ReferenceSection[], blocks: Block[]): Array<{ name: string }> {
  const ref = reference.find((r) => /escalation/i.test(r.title));
  if (!ref) return [];
  const block = blocks.find((b) => b.heading?.line === ref.line);
  if (!block) return [];
  return block.body
    .map((l) => LIST_ENTRY.exec(l.text))
    .filter((m): m is RegExpExecArray => m !== null && indentOf(m[1]!) === 0)
    .map((m) => ({ name: stripInlineMarkdown(m[2]!) }))
    .filter((level) => level.name !== '');
}

/** The first "UTC"/"EDT"/"PT"-style word in the file, when front matter names no zone. */
function inferTimezone(lines: SourceLine[]): { zone: string; word: string; line: number } | null {
  for (const source of lines) {
    let best: { zone: string; word: string; index: number } | null = null;
    for (const [re, zone] of TIMEZONE_HINTS) {
      const m = re.exec(source.text);
      if (m && (best === null || m.index < best.index)) best = { zone, word: m[1]!, index: m.index };
    }
    if (best) return { zone: best.zone, word: best.word, line: source.line };
  }
  return null;
}
