import { describe, expect, it } from 'vitest';
import { changeSummary, eventFromFact } from '../../src/domain/outboundEvent.js';
import { checklistOf, runOf, sectionId, T0 } from './domainFixtures.js';

const checklist = checklistOf([
  {
    title: 'Deploy',
    sections: [
      { title: 'Database', items: ['Run the migrations'] },
      { title: 'Caches', items: ['Warm the caches'] },
    ],
  },
]);
const run = runOf(checklist);
const [database, caches] = [sectionId(checklist, 'Database'), sectionId(checklist, 'Caches')];

describe('phase.opened', () => {
  it('names every section of a shared announcement, and the first on its own as for a section alone', () => {
    const event = eventFromFact({ source: 'opened', id: 7, at: T0, sectionId: database, sectionIds: [database, caches] }, run)!;
    expect(event).toMatchObject({ id: 'opened:7', type: 'phase.opened' });
    expect(event.data).toEqual({
      sectionId: database,
      section: 'Database',
      phase: 'Deploy',
      sections: [
        { sectionId: database, section: 'Database', phase: 'Deploy' },
        { sectionId: caches, section: 'Caches', phase: 'Deploy' },
      ],
    });
    expect(changeSummary(event)).toBe(`deployday run #${run.id} (${run.checklistName}): Database, Caches opened`);
  });

  it('is unchanged for a section opening alone, its list holding just that section', () => {
    const event = eventFromFact({ source: 'opened', id: 8, at: T0, sectionId: caches, sectionIds: [caches] }, run)!;
    expect(event.data).toMatchObject({ sectionId: caches, section: 'Caches', phase: 'Deploy', sections: [{ sectionId: caches }] });
    expect(changeSummary(event)).toBe(`deployday run #${run.id} (${run.checklistName}): Caches opened`);
  });
});
