import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintCommand } from '../../src/cli/lintCommand.js';
import type { Checklist } from '../../src/domain/checklist.js';
import { namesTriggers, triggerConditions } from '../../src/domain/parse/triggerHeading.js';
import { parseChecklist } from '../../src/domain/parseChecklist.js';
import { sharedSamplesDir } from '../support/sharedSamples.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/checklists');
const fixtureText = readFileSync(path.join(fixtures, 'abort-triggers.md'), 'utf8');

function load(text: string): Checklist {
  const result = parseChecklist(text, { name: 'abort-triggers', source: 'abort-triggers.md' });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.checklist;
}

describe('which headings name rollback triggers', () => {
  it.each([
    'Abort Triggers',
    'Rollback Triggers',
    'Immediate Rollback Triggers',
    'Triggers',
    'No-Go criteria',
    'Abort criteria',
    'Rollback conditions',
    'When to stop: halt thresholds',
  ])('"%s" names triggers', (title) => {
    expect(namesTriggers(title)).toBe(true);
  });

  it.each(['Trigger the deploy pipeline', 'Go/No-Go Criteria', 'Go / No-Go criteria', 'Success Criteria', 'Rollback Procedure', 'Verification'])(
    '"%s" does not',
    (title) => {
      expect(namesTriggers(title)).toBe(false);
    },
  );
});

describe('a trigger heading’s conditions', () => {
  it('takes each outermost entry, with or without a checkbox, as a condition and deeper entries as its details', () => {
    const lines = ['Watch these:', '- [ ] Error rate > 1%', '- p95 doubled', '  - on the main dashboard', '* Orders stuck'].map((text, i) => ({
      text,
      line: i + 1,
    }));
    expect(triggerConditions(lines)).toEqual({
      conditions: [
        { text: 'Error rate > 1%', line: 2, details: [] },
        { text: 'p95 doubled', line: 3, details: ['on the main dashboard'] },
        { text: 'Orders stuck', line: 5, details: [] },
      ],
      notes: ['Watch these:'],
    });
  });
});

describe('trigger lists in a checklist', () => {
  it('lifts trigger sections out of the run, even out of a held rollback phase, and places them after the phase they guard', () => {
    const checklist = load(fixtureText);
    expect(checklist.triggers!.map((t) => [t.title, t.afterPhaseId, t.conditions.map((c) => c.text)])).toEqual([
      [
        'Abort Triggers',
        'p1',
        ['5xx rate above 2% for five minutes', 'p95 latency doubled against last week', 'Checkout failures reported by support'],
      ],
      ['Rollback triggers', 'p1', ['Payment provider errors climbing', 'Orders stuck in pending']],
    ]);
    const sections = checklist.phases.flatMap((p) => p.sections.map((s) => s.title));
    expect(sections).toEqual(['Go/No-Go Criteria', 'Trigger the deploy pipeline', 'Verification', 'Steps']);
    expect(checklist.triggers![0]!.conditions[1]!.details).toEqual(['measured on the checkout dashboard']);
    expect(checklist.triggers![0]!.notes).toEqual(['Any one of these means we stop and roll back:']);
  });

  it('lets front matter override per heading: "run" keeps the heading as written, "triggers" makes one a trigger list', () => {
    const text = `---\ntriggerHeadings:\n  abort triggers: run\n  Verification: triggers\n---\n${fixtureText}`;
    const checklist = load(text);
    expect(checklist.triggers!.map((t) => t.title)).toEqual(['Verification', 'Rollback triggers']);
    // Without checkboxes, the overridden "Abort Triggers" is reference material, as before.
    expect(checklist.reference.map((r) => r.title)).toContain('Abort Triggers');
  });

  it('refuses an override that is neither "triggers" nor "run", naming the line', () => {
    const result = parseChecklist(`---\ntriggerHeadings:\n  Abort Triggers: maybe\n---\n${fixtureText}`, { name: 'x', source: 'x.md' });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems.map((p) => [p.line, p.message])).toContainEqual([3, expect.stringContaining('must be "triggers" or "run"')]);
  });

  it('keeps a trigger-sounding heading that holds a Go/No-Go as work to do', () => {
    const checklist = load('# R\n\n## Ship\n\n### Abort criteria\n\n- [ ] Go/No-Go on the abort criteria\n- [ ] Error rate checked\n');
    expect(checklist.triggers).toEqual([]);
    expect(checklist.phases[0]!.sections[0]!.items.map((i) => i.kind)).toEqual(['gate', 'task']);
  });

  it('reads a `##` that names triggers but holds a Go/No-Go as work, keeping every item', () => {
    const checklist = load('# R\n\n## Abort criteria\n\n- [ ] Go/No-Go on the abort criteria\n- [ ] Error rate checked\n');
    expect(checklist.triggers).toEqual([]);
    expect(checklist.phases.map((p) => [p.title, p.sections.flatMap((s) => s.items.map((i) => i.kind))])).toEqual([
      ['Abort criteria', ['gate', 'task']],
    ]);
  });

  it('makes the sections of a `##` that names triggers trigger lists too', () => {
    const checklist = load('# R\n\n## Ship\n\n- [ ] Deploy\n\n## Abort Triggers\n\n### Errors\n\n- 5xx above 2%\n\n### Latency\n\n- p95 doubled\n');
    expect(checklist.triggers!.map((t) => [t.title, t.afterPhaseId])).toEqual([
      ['Errors', 'p0'],
      ['Latency', 'p0'],
    ]);
    expect(checklist.reference).toEqual([]);
  });

  it('is printed by lint with the reason, beside the rollback notes, in line order', () => {
    const out = lintCommand([path.join(fixtures, 'abort-triggers.md')], (f) => readFileSync(f, 'utf8'));
    const notes = out.output.split('\n').filter((l) => l.includes(': note: '));
    expect(notes.map((l) => l.replace(/^.*abort-triggers\.md:/, ''))).toEqual([
      expect.stringMatching(
        /^15: note: "Abort Triggers" is a list of rollback triggers: names triggers or abort\/No-Go criteria: its 3 entries are conditions/,
      ),
      expect.stringMatching(/^28: note: "Roll back checkout" is held back for a rollback/),
      expect.stringMatching(/^30: note: "Rollback triggers" is a list of rollback triggers/),
    ]);
    expect(out.output).toMatch(/ok — .*, 2 trigger lists$/m);
  });

  it('reads the sample canary checklist’s "Immediate Rollback Triggers" as a trigger list watched during the run', () => {
    const sample = readFileSync(path.join(sharedSamplesDir(), 'canary-rollout.md'), 'utf8');
    const checklist = load(sample);
    expect(checklist.triggers!.map((t) => [t.title, t.conditions.length])).toEqual([['Immediate Rollback Triggers', 5]]);
    const rollback = checklist.phases.filter((p) => p.kind === 'rollback');
    expect(rollback.flatMap((p) => p.sections.map((s) => s.title))).toEqual(['Rollback Procedure']);
  });
});
