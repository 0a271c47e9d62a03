import { dstClockWarnings } from './dstWindows.js';
import type { Checklist, ChecklistProblem, ChecklistSettings, ParseResult } from './checklist.js';
import { parseFrontMatter } from './frontMatter.js';
import { applyGateSettings } from './parse/applyGateSettings.js';
import { buildPhases, type PlainText } from './parse/buildPhases.js';
import {
  DEFAULT_CHECKLIST_LIMITS,
  formatBytes,
  formatCount,
  minimumRunMessages,
  type ChecklistLimits,
  type CountRunMessages,
} from './parse/checklistLimits.js';
import { draftPhases } from './parse/draftPhases.js';
import { placeTriggers } from './parse/placeTriggers.js';
import { excerpt } from './parse/excerpt.js';
import type { ReportProblem, SourceLine } from './parse/drafts.js';
import { parsePeople } from './parse/parsePeople.js';
import { repairMojibake } from './parse/repairMojibake.js';
import { escalationFromReference, inferTimezone } from './parse/settingsFromProse.js';
import { splitBlocks } from './parse/splitBlocks.js';

/**
 * Markdown checklist → Checklist. Pure: takes the text, never reads files. Built to take the files
 * teams really write (see docs/checklist-format.md): `##` phases, `###`+ sections, GFM task lists,
 * sign-off tables, "Role: ____" lines, timing in headings, reference sections without checkboxes.
 * The steps live in parse/: blocks by heading → bodies → phase drafts → phases → settings.
 */
export interface ParseOptions {
  /** File name without `.md`. */
  name: string;
  /** Path the text was read from, named in every problem. */
  source: string;
  /** Limits to apply; the defaults are documented in docs/checklist-format.md. */
  limits?: Partial<ChecklistLimits>;
  /** The exact number of messages a run posts; without it, a lower bound the domain can compute. */
  countMessages?: CountRunMessages;
}

export function parseChecklist(rawText: string, opts: ParseOptions): ParseResult {
  const limits: ChecklistLimits = { ...DEFAULT_CHECKLIST_LIMITS, ...opts.limits };
  // Editors on Windows may save a byte-order mark, which would hide the front matter and the title.
  const text = rawText.replace(/^\uFEFF/, '');
  const file = opts.source;
  const problems: ChecklistProblem[] = [];
  const problem: ReportProblem = (line, severity, message) => {
    problems.push({ file, line, severity, message });
  };

  // UTF-16 units never outnumber UTF-8 bytes, so a text longer than the limit is a file over it.
  if (text.length > limits.maxFileBytes) {
    problem(1, 'error', `checklist is larger than the limit of ${formatBytes(limits.maxFileBytes)} for one file`);
    return { ok: false, problems };
  }
  // An over-long line is reported and parsed as blank, so the rest of the file is still checked.
  const lines = text.split(/\r?\n/).map((line, i) => {
    if (line.length <= limits.maxLineChars) return line;
    problem(i + 1, 'error', `line is ${formatCount(line.length)} characters long, over the limit of ${formatCount(limits.maxLineChars)} a line`);
    return '';
  });
  // A file saved through a wrong encoding shows "ðŸ“¦" for "📦": repaired here, and said where.
  lines.forEach((line, i) => {
    const repaired = repairMojibake(line);
    if (repaired === line) return;
    lines[i] = repaired;
    problem(
      i + 1,
      'warning',
      `repaired double-encoded UTF-8 (saved through a wrong encoding): "${excerpt(line)}" → "${excerpt(repaired)}"; re-save the file as UTF-8`,
    );
  });

  const frontMatter = parseFrontMatter(lines.join('\n'), file);
  problems.push(...frontMatter.problems);
  const settings: ChecklistSettings = { ...frontMatter.settings };
  const bodyLines: SourceLine[] = lines.map((line, i) => ({ text: line, line: i + 1 })).slice(frontMatter.lineCount);

  const blocks = splitBlocks(bodyLines, problem);
  const drafts = draftPhases(blocks, problem, settings.rollbackHeadings, settings.triggerHeadings);
  const { title, titleLine, phases, reference } = drafts;

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

  // An implicit section repeats its phase's heading: one warning per line.
  const dstLines = new Set<number>();
  for (const w of dstClockWarnings(built, settings.timezone)) {
    if (dstLines.has(w.line)) continue;
    dstLines.add(w.line);
    problem(w.line, 'warning', w.message);
  }

  const people = parsePeople(blocks, new Set(reference.map((r) => r.line)), problem);
  const hasPeople = people.contacts.length + people.shifts.length + people.escalation.length > 0;

  const items = built.flatMap((p) => p.sections.flatMap((s) => s.items));
  if (items.length === 0) {
    problem(titleLine, 'error', 'checklist has no items: write tasks as `- [ ] text` under `##`/`###` headings');
  }
  const firstTooMany = items[limits.maxItems];
  if (firstTooMany !== undefined) {
    problem(
      firstTooMany.line,
      'error',
      `too many items: ${formatCount(items.length)}, over the limit of ${formatCount(limits.maxItems)} for one checklist (item ${formatCount(limits.maxItems + 1)} is here)`,
    );
  }

  problems.sort((a, b) => a.line - b.line);
  if (problems.some((p) => p.severity === 'error')) return { ok: false, problems };

  reference.sort((a, b) => a.line - b.line);
  const triggers = placeTriggers(drafts.triggers, built);
  const checklist: Checklist = {
    name: opts.name,
    title: checklistTitle,
    source: opts.source,
    settings,
    phases: built,
    reference,
    triggers,
    ...(hasPeople ? { people } : {}),
  };
  const messages = (opts.countMessages ?? minimumRunMessages)(checklist);
  if (messages > limits.maxMessages) {
    const message = `a run of this checklist would post ${formatCount(messages)} messages, over the limit of ${formatCount(limits.maxMessages)}: split it into smaller checklists`;
    problem(titleLine, 'error', message);
    return { ok: false, problems: problems.sort((a, b) => a.line - b.line) };
  }
  return { ok: true, checklist, warnings: problems, rollbackHeadings: drafts.rollbackHeadings, triggerHeadings: drafts.triggerHeadings };
}
