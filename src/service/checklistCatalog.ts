import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Checklist, ChecklistProblem } from '../domain/checklist.js';
import { DomainError } from '../domain/errors.js';
import { DEFAULT_CHECKLIST_LIMITS, type ChecklistLimits, type CountRunMessages } from '../domain/parse/checklistLimits.js';
import { parseChecklist } from '../domain/parseChecklist.js';
import { readChecklistFile } from './readChecklistFile.js';

export interface CatalogEntry {
  name: string;
  file: string;
  checklist: Checklist | null;
  problems: ChecklistProblem[];
}

export interface CatalogOptions {
  limits?: Partial<ChecklistLimits>;
  /**
   * The exact number of messages a run posts (the Slack layout knows it:
   * `(c) => messageLayout.keysFor(c).length`). Without it the parser checks
   * the domain's lower bound: the overview and one message per phase.
   */
  countMessages?: CountRunMessages;
}

/** Longest problem message kept: one runaway message must not push the list out of a Slack reply. */
export const MAX_PROBLEM_CHARS = 300;

/**
 * The checklists in CHECKLISTS_DIR. Re-read on demand (`/deploy checklists`, `/deploy start`)
 * so a team can add or fix a file without restarting the bot; a file that does not parse is
 * listed with its first problem instead of being silently skipped. One bad entry (a directory, a
 * FIFO, a dangling or outside symlink, a file over the limits) is listed as a problem; the rest load.
 */
export class ChecklistCatalog {
  private entries = new Map<string, CatalogEntry>();
  private readonly limits: ChecklistLimits;

  constructor(
    private readonly dir: string,
    private readonly options: CatalogOptions = {},
  ) {
    this.limits = { ...DEFAULT_CHECKLIST_LIMITS, ...options.limits };
  }

  load(): CatalogEntry[] {
    const files = readdirSync(this.dir)
      .filter((f) => f.endsWith('.md') && !f.startsWith('.'))
      .sort();
    const entries = new Map<string, CatalogEntry>();
    for (const file of files) {
      const name = basename(file, '.md');
      const path = join(this.dir, file);
      entries.set(name, this.entryFor(name, path));
    }
    this.entries = entries;
    return [...entries.values()];
  }

  private entryFor(name: string, path: string): CatalogEntry {
    const read = readChecklistFile(path, { maxFileBytes: this.limits.maxFileBytes, insideDir: this.dir });
    if (!read.ok) {
      // Line 0: the problem is the file itself, not a line of it.
      return { name, file: path, checklist: null, problems: [{ file: path, line: 0, severity: 'error', message: read.reason }] };
    }
    const parseOptions = { name, source: path, limits: this.limits };
    const result = parseChecklist(
      read.text,
      this.options.countMessages ? { ...parseOptions, countMessages: this.options.countMessages } : parseOptions,
    );
    return result.ok
      ? { name, file: path, checklist: result.checklist, problems: result.warnings.map(capProblem) }
      : { name, file: path, checklist: null, problems: result.problems.map(capProblem) };
  }

  list(): CatalogEntry[] {
    return [...this.entries.values()];
  }

  /** The named checklist, freshly read; a DomainError says what is wrong with a missing or broken one. */
  get(name: string): Checklist {
    this.load();
    const entry = this.entries.get(name.replace(/\.md$/, ''));
    if (!entry) throw new DomainError('unknown_checklist', { name, available: [...this.entries.keys()] });
    if (!entry.checklist) {
      const first = entry.problems.find((p) => p.severity === 'error') ?? entry.problems[0];
      // Named as the team knows the file, never by the server's absolute path.
      throw new DomainError('broken_checklist', { name: entry.name, line: first?.line ?? null, problem: first?.message ?? null });
    }
    return entry.checklist;
  }
}

function capProblem(problem: ChecklistProblem): ChecklistProblem {
  if (problem.message.length <= MAX_PROBLEM_CHARS) return problem;
  return { ...problem, message: `${problem.message.slice(0, MAX_PROBLEM_CHARS - 1)}…` };
}
