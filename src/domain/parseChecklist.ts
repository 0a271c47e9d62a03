import type { Checklist, ChecklistProblem, ChecklistSettings, ParseResult } from './checklist.js';
import { parseFrontMatter } from './frontMatter.js';
import { applyGateSettings } from './parse/applyGateSettings.js';
import { buildPhases, type PlainText } from './parse/buildPhases.js';
import { draftPhases } from './parse/draftPhases.js';
import type { ReportProblem, SourceLine } from './parse/drafts.js';
import { escalationFromReference, inferTimezone } from './parse/settingsFromProse.js';
import { splitBlocks } from './parse/splitBlocks.js';

/**
 * Markdown checklist → Checklist. Pure: takes the text, never reads files. Built to take the files
 * teams really write (see docs/checklist-format.md): `##` phases, `###`+ sections, GFM task lists,
 * sign-off tables, "Role: ____" lines, timing in headings, reference sections without checkboxes.
 * The steps live in parse/: blocks by heading → bodies → phase drafts → phases → settings.
 */
export function parseChecklist(rawText: string, opts: { name: string; source: string }): ParseResult {
  // Editors on Windows may save a byte-order mark, which would hide the front matter and the title.
  const text = rawText.replace(/^\uFEFF/, '');
  const file = opts.source;
  const problems: ChecklistProblem[] = [];
  const problem: ReportProblem = (line, severity, message) => {
    problems.push({ file, line, severity, message });
  };

  const frontMatter = parseFrontMatter(text, file);
  problems.push(...frontMatter.problems);
  const settings: ChecklistSettings = { ...frontMatter.settings };

  const bodyLines: SourceLine[] = text
    .split(/\r?\n/)
    .map((line, i) => ({ text: line, line: i + 1 }))
    .slice(frontMatter.lineCount);

  const blocks = splitBlocks(bodyLines, problem);
  const drafts = draftPhases(blocks, problem);
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
  const built = buildPhases(phases.filter((p) => p.sections.length > 0), plainText);

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
  const checklist: Checklist = { name: opts.name, title: checklistTitle, source: opts.source, settings, phases: built, reference };
  return { ok: true, checklist, warnings: problems };
}
