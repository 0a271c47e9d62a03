import { dirname } from 'node:path';
import type { Checklist } from '../domain/checklist.js';
import { ChecklistCatalog, type CatalogEntry } from '../service/checklistCatalog.js';

/**
 * A catalog of the one checklist being rehearsed. RunService asks its catalog for a checklist by
 * name; the rehearsal has already parsed the file (to report its errors), so it hands over that
 * parse instead of making the real catalog read a folder.
 */
export class SingleChecklistCatalog extends ChecklistCatalog {
  private readonly entry: CatalogEntry;

  constructor(private readonly checklist: Checklist) {
    super(dirname(checklist.source));
    this.entry = { name: checklist.name, file: checklist.source, checklist, problems: [] };
  }

  override load(): CatalogEntry[] {
    return [this.entry];
  }

  override list(): CatalogEntry[] {
    return [this.entry];
  }

  override get(_name: string): Checklist {
    return this.checklist;
  }
}
