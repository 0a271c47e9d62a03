import { allSections, type Checklist } from '../domain/checklist.js';
import { computeSchedule } from '../domain/schedule.js';
import { isUntimed } from '../domain/sectionTimelineState.js';

/** Any T-0 will do: whether a section has a time written does not depend on when the run is. */
const ANY_T0 = Date.UTC(2030, 0, 7, 12);

/**
 * `deployday lint` says which sections have no time written (issue 10): they are workable from the
 * moment the run starts (a pre-deployment list is done before T-0, not at it), and only a gate
 * holds them back. Rollback sections wait for a rollback and are not listed.
 */
export function untimedNotes(file: string, checklist: Checklist): Array<{ line: number; text: string }> {
  const windows = new Map(computeSchedule(checklist, ANY_T0, checklist.settings.timezone ?? 'UTC').map((w) => [w.sectionId, w]));
  const notes: Array<{ line: number; text: string }> = [];
  const normal = allSections(checklist).filter(({ phase }) => phase.kind !== 'rollback');
  if (normal.length > 0 && normal.every(({ section }) => windows.get(section.id)?.explicit !== true)) {
    // Nothing timed at all: one line says it for every section.
    return [
      {
        line: 1,
        text: `${file}:1: note: no section has a time written: every section is workable from the start of the run (only a gate holds one back)`,
      },
    ];
  }
  for (const { phase, section } of normal) {
    const window = windows.get(section.id) ?? null;
    if (window === null || !isUntimed(window, section)) continue;
    const title = section.implicit ? phase.title : section.title;
    const line = section.implicit ? phase.line : section.line;
    notes.push({
      line,
      text: `${file}:${line}: note: "${title}" has no time written: workable from the start of the run (only a gate holds it back)`,
    });
  }
  return notes;
}
