import { allSections, type Checklist } from './checklist.js';

/**
 * How big a checklist is, counted one way for every place that says it: lint, `/deploy
 * checklists`, the run's overview and the rehearsal (they once disagreed, 34 vs 28 items).
 * `items` are the items a run works through: the normal flow, not the rollback steps, which are
 * counted apart because they only come into play with a rollback. A timed section is a section of
 * the normal flow whose window comes from a heading: its own, or its phase's.
 */
export interface ChecklistCounts {
  phases: number;
  sections: number;
  items: number;
  signoffs: number;
  gates: number;
  timedSections: number;
  rollbackPhases: number;
  rollbackItems: number;
}

export function checklistCounts(checklist: Checklist): ChecklistCounts {
  const sections = allSections(checklist);
  const normal = sections.filter(({ phase }) => phase.kind !== 'rollback');
  const items = normal.flatMap(({ section }) => section.items);
  return {
    phases: checklist.phases.length,
    sections: sections.length,
    items: items.length,
    signoffs: items.filter((i) => i.kind === 'signoff').length,
    gates: items.filter((i) => i.kind === 'gate').length,
    timedSections: normal.filter(({ phase, section }) => section.timing !== null || phase.timing !== null).length,
    rollbackPhases: checklist.phases.filter((p) => p.kind === 'rollback').length,
    rollbackItems: sections.filter(({ phase }) => phase.kind === 'rollback').reduce((n, { section }) => n + section.items.length, 0),
  };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "4 phases, 9 sections, 28 items (3 sign-offs, 2 gates), 5 timed sections, 1 rollback phase (6 steps)": plain text. */
export function describeCounts(c: ChecklistCounts): string {
  return [
    plural(c.phases, 'phase'),
    plural(c.sections, 'section'),
    `${plural(c.items, 'item')} (${plural(c.signoffs, 'sign-off')}, ${plural(c.gates, 'gate')})`,
    plural(c.timedSections, 'timed section'),
    `${plural(c.rollbackPhases, 'rollback phase')}${c.rollbackPhases > 0 ? ` (${plural(c.rollbackItems, 'step')})` : ''}`,
  ].join(', ');
}
