import { describe, it, expect } from 'vitest';
import { allItems } from '../../../src/domain/checklist.js';
import type { Item } from '../../../src/domain/checklist.js';
import { partOfItem, planPhaseParts } from '../../../src/slack/views/phasePlan.js';
import { buildChecklist, canaryChecklist, generatedChecklist, textOfLength } from './fixtures.js';

const WORST_CASES: Array<[string, (index: number) => string]> = [
  ['ordinary texts', (i) => `Check subsystem ${i} is healthy`],
  ['texts of exactly 75 characters', textOfLength(75)],
  ['texts of 76 characters (long form)', textOfLength(76)],
  ['texts of 3,500 characters', textOfLength(3500)],
];

describe('planPhaseParts on the generated checklist', () => {
  it('a phase of 3,500-character items is split into several messages', () => {
    const parts = planPhaseParts(generatedChecklist(textOfLength(3500)).phases[0]!);
    expect(parts.length).toBeGreaterThan(5);
  });

  it('a plan holds every item of the phase exactly once, in checklist order', () => {
    for (const [, textOf] of WORST_CASES) {
      for (const phase of generatedChecklist(textOf).phases) {
        const parts = planPhaseParts(phase);
        expect(parts.flatMap((p) => p.itemIds)).toEqual(phase.sections.flatMap((s) => s.items.map((i) => i.id)));
        expect(parts.map((p) => `${p.part}/${p.of}`)).toEqual(parts.map((_, i) => `${i + 1}/${parts.length}`));
      }
    }
  });
});

describe('planPhaseParts', () => {
  it('is the same whether items are done or not, and is plain JSON', () => {
    const fresh = generatedChecklist(textOfLength(60));
    const doneInTemplate = generatedChecklist(textOfLength(60));
    for (const item of allItems(doneInTemplate)) item.initiallyDone = true;
    for (let p = 0; p < fresh.phases.length; p += 1) {
      const plan = planPhaseParts(fresh.phases[p]!);
      expect(planPhaseParts(doneInTemplate.phases[p]!)).toEqual(plan);
      expect(planPhaseParts(fresh.phases[p]!)).toEqual(plan);
      expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    }
  });

  it('keeps a section whole in the next message rather than splitting it when it fits one message', () => {
    const section = (title: string) => ({ title, items: Array.from({ length: 36 }, (_, i) => ({ text: `${title} step ${i} ${'x'.repeat(40)}` })) });
    const checklist = buildChecklist([{ title: 'Two big sections', sections: [section('Alpha'), section('Beta')] }]);
    const parts = planPhaseParts(checklist.phases[0]!);
    expect(parts).toHaveLength(2);
    expect(parts.map((p) => p.sectionIds)).toEqual([['s0'], ['s1']]);
  });

  it('puts small sections together in one message', () => {
    const checklist = canaryChecklist();
    const parts = planPhaseParts(checklist.phases[0]!);
    expect(parts).toHaveLength(1);
    expect(parts[0]!.sectionIds).toEqual(['s0', 's1', 's2']);
  });

  it('does not start a part with a nested item when its parent can come along', () => {
    // With 3,500-character items a parent and two children cannot share one message, so those are left out.
    const lengths = [textOfLength(40), textOfLength(75), textOfLength(76), textOfLength(1000)];
    for (const phase of lengths.flatMap((textOf) => generatedChecklist(textOf).phases)) {
      const byId = new Map(phase.sections.flatMap((s) => s.items.map((i): [string, Item] => [i.id, i])));
      for (const part of planPhaseParts(phase)) {
        const first = byId.get(part.itemIds[0]!);
        expect(first?.depth, `${part.phaseId} part ${part.part} starts with ${first?.id}`).toBe(0);
      }
    }
  });

  it('finds the part that holds an item', () => {
    const phase = generatedChecklist(textOfLength(3500)).phases[0]!;
    const parts = planPhaseParts(phase);
    const last = phase.sections.at(-1)!.items.at(-1)!;
    expect(partOfItem(parts, last.id)?.part).toBe(parts.length);
    expect(partOfItem(parts, 'nope')).toBeNull();
  });

  it('plans a phase without items as one message', () => {
    const checklist = buildChecklist([{ title: 'Only notes', sections: [{ title: 'Read me', notes: ['Just prose.'], items: [] }] }]);
    const parts = planPhaseParts(checklist.phases[0]!);
    expect(parts).toEqual([{ phaseId: 'p0', part: 1, of: 1, sectionIds: ['s0'], itemIds: [] }]);
  });
});
