import { triggerLists } from '../domain/checklist.js';
import { checklistCounts, describeCounts } from '../domain/checklistCounts.js';
import type { Checklist, ChecklistProblem } from '../domain/checklist.js';
import { DEFAULT_CHECKLIST_LIMITS } from '../domain/parse/checklistLimits.js';
import { itemKeys, keyProblemMessage } from '../domain/itemKeys.js';
import { parseChecklist } from '../domain/parseChecklist.js';
import { readChecklistFile } from '../service/readChecklistFile.js';
import { messageLayout } from '../slack/messageLayout.js';
import { peopleNotes } from './peopleNotes.js';

/**
 * `deployday lint <file.md>…`: checks checklists before a deploy day depends on them. Problems are
 * printed compiler-style (`file:line: error: message`) so editors and CI can jump to them; the exit
 * code is 1 when any file has an error or cannot be read. File access is injected to keep this testable;
 * by default files are read as the bot reads them (regular files only, within the size limit).
 * Messages per run are counted with the bot's own Slack layout, so lint and the bot agree.
 */

/** Reads a file the way the catalog does, throwing the reason it cannot. */
export function readChecklistForLint(path: string): string {
  const read = readChecklistFile(path, { maxFileBytes: DEFAULT_CHECKLIST_LIMITS.maxFileBytes });
  if (!read.ok) throw new Error(read.reason);
  return read.text;
}

export interface LintResult {
  output: string;
  exitCode: number;
}

export function lintCommand(args: string[], readFile: (path: string) => string = readChecklistForLint): LintResult {
  const listKeys = args.includes('--keys');
  const files = args.filter((a) => a !== '--keys');
  if (files.length === 0) {
    return { output: 'usage: deployday lint [--keys] <checklist.md> [more.md …]', exitCode: 2 };
  }
  const lines: string[] = [];
  let failed = false;
  for (const file of files) {
    let text: string;
    try {
      text = readFile(file);
    } catch (err) {
      lines.push(`${file}:0: error: cannot read file (${readErrorReason(err)})`);
      failed = true;
      continue;
    }
    const result = parseChecklist(text, {
      name: checklistName(file),
      source: file,
      countMessages: (checklist) => messageLayout.keysFor(checklist).length,
    });
    const problems = result.ok ? result.warnings : result.problems;
    lines.push(...problems.map(formatProblem));
    if (!result.ok) {
      failed = true;
      continue;
    }
    const notes = [
      ...(result.rollbackHeadings ?? []).map((note) => ({ line: note.line, text: formatRollbackHeading(file, note) })),
      ...(result.triggerHeadings ?? []).map((note) => ({ line: note.line, text: formatTriggerHeading(file, note) })),
    ];
    lines.push(...notes.sort((a, b) => a.line - b.line).map((note) => note.text));
    lines.push(...peopleNotes(file, result.checklist));
    const keys = lintKeys(result.checklist, file, listKeys);
    lines.push(...keys.lines);
    if (keys.failed) failed = true;
    else lines.push(`${file}: ok — ${summarize(result.checklist)}`);
  }
  return { output: lines.join('\n'), exitCode: failed ? 1 : 0 };
}

export function formatProblem(problem: ChecklistProblem): string {
  return `${problem.file}:${problem.line}: ${problem.severity}: ${problem.message}`;
}

/** `file:12: note: "Rollback Plan" stays in the run: "plan" in the heading: …`. */
export function formatRollbackHeading(file: string, note: { line: number; title: string; held: boolean; reason: string }): string {
  const verdict = note.held ? 'is held back for a rollback' : 'stays in the normal run';
  return `${file}:${note.line}: note: "${note.title}" ${verdict}: ${note.reason}`;
}

/** `file:40: note: "Abort Triggers" is a list of rollback triggers: names triggers …`. */
export function formatTriggerHeading(file: string, note: { line: number; title: string; trigger: boolean; reason: string }): string {
  const verdict = note.trigger ? 'is a list of rollback triggers' : 'is not a trigger list';
  return `${file}:${note.line}: note: "${note.title}" ${verdict}: ${note.reason}`;
}

/** "checklists/hotfix.md" → "hotfix". */
export function checklistName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.(md|markdown)$/i, '');
}

function readErrorReason(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const message = (err as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return String(err);
}

/** "4 phases, 9 sections, 28 items (3 sign-offs, 2 gates), 5 timed sections, 1 rollback phase (6 steps)": the one count (domain/checklistCounts.ts). */
export function summarize(checklist: Checklist): string {
  const triggers = triggerLists(checklist).length;
  return describeCounts(checklistCounts(checklist)) + (triggers > 0 ? `, ${triggers} trigger list${triggers === 1 ? '' : 's'}` : '');
}

/**
 * Duplicate `{#key}` markers are always an error (the author meant them as names). A derived key
 * shared by several items is an error only with `--keys`, which is how a pipeline's author asks
 * "can my pipeline name every item?"; a checklist nobody automates may repeat "Verify logs".
 */
function lintKeys(checklist: Checklist, file: string, listKeys: boolean): { lines: string[]; failed: boolean } {
  const keys = itemKeys(checklist);
  const problems = keys.problems.filter((p) => listKeys || p.kind === 'duplicate');
  const lines = problems.map((p) => formatProblem({ file, line: p.line, severity: 'error', message: keyProblemMessage(p) }));
  // A `github:` entry whose gate key names no gate would reject every deployment it protects.
  const unknownGates = (checklist.settings.github ?? []).filter((t) => keys.byKey.get(t.gate)?.kind !== 'gate');
  for (const t of unknownGates) {
    const gates = [...keys.byKey].filter(([, i]) => i.kind === 'gate').map(([k]) => k);
    lines.push(
      formatProblem({
        file,
        line: 1,
        severity: 'error',
        message: `front matter github: gate "${t.gate}" (${t.repository} ${t.environment}) is not a gate key; gates: ${gates.join(', ') || 'none'}`,
      }),
    );
  }
  if (listKeys) {
    for (const [key, item] of keys.byKey) lines.push(`${file}:${item.line}: ${item.kind === 'gate' ? 'gate' : 'item'} ${key}`);
  }
  return { lines, failed: problems.length > 0 || unknownGates.length > 0 };
}
