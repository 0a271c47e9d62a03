import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Checklist, ChecklistProblem } from '../domain/checklist.js';
import { DomainError } from '../domain/errors.js';
import { parseChecklist } from '../domain/parseChecklist.js';

export interface CatalogEntry {
  name: string;
  file: string;
  checklist: Checklist | null;
  problems: ChecklistProblem[];
}

/**
 * The checklists in CHECKLISTS_DIR. Re-read on demand (`/deploy checklists`, `/deploy start`)
 * so a team can add or fix a file without restarting the bot; a file that does not parse is
 * listed with its first problem instead of being silently skipped.
 */
export class ChecklistCatalog {
  private entries = new Map<string, CatalogEntry>();

  constructor(private readonly dir: string) {}

  load(): CatalogEntry[] {
    const files = readdirSync(this.dir)
      .filter((f) => f.endsWith('.md') && !f.startsWith('.'))
      .sort();
    const entries = new Map<string, CatalogEntry>();
    for (const file of files) {
      const name = basename(file, '.md');
      const path = join(this.dir, file);
      const result = parseChecklist(readFileSync(path, 'utf8'), { name, source: path });
      entries.set(
        name,
        result.ok
          ? { name, file: path, checklist: result.checklist, problems: result.warnings }
          : { name, file: path, checklist: null, problems: result.problems },
      );
    }
    this.entries = entries;
    return [...entries.values()];
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
