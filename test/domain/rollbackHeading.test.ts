import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Checklist } from '../../src/domain/checklist.js';
import { readsAsOutcome } from '../../src/domain/parse/rollbackHeading.js';
import { parseChecklist } from '../../src/domain/parseChecklist.js';
import { lintCommand } from '../../src/cli/lintCommand.js';
import { sharedSamplesDir } from '../support/sharedSamples.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/checklists');
const fixtureText = readFileSync(path.join(fixtures, 'rollback-plan.md'), 'utf8');

function load(text: string): Checklist {
  const result = parseChecklist(text, { name: 'rollback-plan', source: 'rollback-plan.md' });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.checklist;
}

/** Phase title → kind and section titles, the shape a run gets. */
function outline(checklist: Checklist) {
  return checklist.phases.map((p) => ({ phase: p.title, kind: p.kind, sections: p.sections.map((s) => s.title) }));
}

describe('rollback plan versus rollback procedure', () => {
  it('keeps readiness sections in the normal run and holds back the steps and the procedure', () => {
    expect(outline(load(fixtureText))).toEqual([
      { phase: 'Release (T-0)', kind: 'normal', sections: ['Release (T-0)'] },
      { phase: 'Contingency', kind: 'normal', sections: ['Rollback Plan', 'Rollback Readiness Checks'] },
      { phase: 'Roll back the release', kind: 'rollback', sections: ['Roll back the release'] },
      { phase: 'Rollback Procedure', kind: 'rollback', sections: ['Rollback Procedure'] },
    ]);
  });

  it('lets front matter override the decision per heading, either way', () => {
    const text = `---\nrollbackHeadings:\n  Rollback Plan: rollback\n  roll back the release: run\n---\n${fixtureText}`;
    const phases = outline(load(text));
    expect(phases.find((p) => p.phase === 'Rollback Plan')).toEqual({ phase: 'Rollback Plan', kind: 'rollback', sections: ['Rollback Plan'] });
    expect(phases.find((p) => p.phase === 'Contingency')!.sections).toEqual(['Rollback Readiness Checks', 'Roll back the release']);
  });

  it('refuses an override that is neither "run" nor "rollback", naming the line', () => {
    const result = parseChecklist(`---\nrollbackHeadings:\n  Rollback Plan: later\n---\n${fixtureText}`, { name: 'x', source: 'x.md' });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems.map((p) => [p.line, p.message])).toContainEqual([3, expect.stringContaining('must be "run" or "rollback"')]);
  });

  it('still holds back a numbered procedure under a "Rollback plan" heading', () => {
    const text =
      '# Hotfix\n\n## Deploy\n\n- [ ] Ship it\n\n### Rollback plan\n\n1. **Redeploy the previous tag** (5 minutes)\n2. Tell the incident channel\n';
    expect(outline(load(text)).map((p) => [p.phase, p.kind])).toEqual([
      ['Deploy', 'normal'],
      ['Rollback plan', 'rollback'],
    ]);
  });

  it.each([
    ['Rollback runbook reviewed and rehearsed', true],
    ['Restore time estimated', true],
    ['Owner for the rollback call named', true],
    ['Previous build artifact available', true],
    ['Verify rollback completed', false],
    ['Revert the load balancer to the blue pool', false],
    ['Initiate code rollback', false],
  ])('reads "%s" as an outcome: %s', (text, outcome) => {
    expect(readsAsOutcome(text)).toBe(outcome);
  });

  it('has deployday lint print how it classified every rollback heading and why', () => {
    const lint = lintCommand(['checklists/rollback-plan.md'], () => fixtureText);
    // Notes on sections with no time written are another subject (test/cli/lintCommand.test.ts).
    expect(lint.output.split('\n').filter((l) => l.includes(': note: ') && !l.includes('no time written'))).toEqual([
      'checklists/rollback-plan.md:10: note: "Rollback Plan" stays in the normal run: "Plan" in the heading: preparation, kept in the normal run',
      'checklists/rollback-plan.md:16: note: "Rollback Readiness Checks" stays in the normal run: "Readiness" in the heading: preparation, kept in the normal run',
      'checklists/rollback-plan.md:20: note: "Roll back the release" is held back for a rollback: its items are steps to carry out: held until a No-Go or `/deploy rollback`',
      'checklists/rollback-plan.md:25: note: "Rollback Procedure" is held back for a rollback: numbered steps without checkboxes: a procedure, held until a No-Go or `/deploy rollback`',
    ]);
  });

  it.each(['canary-rollout.md', 'timed-deployment-day.md'])('holds back the rollback of the shared sample %s as before', (file) => {
    const checklist = load(readFileSync(path.join(sharedSamplesDir(), file), 'utf8'));
    const rollback = checklist.phases.filter((p) => p.kind === 'rollback');
    expect(rollback.map((p) => p.title)).toEqual([file === 'canary-rollout.md' ? 'Rollback Checklist' : 'Rollback Procedure']);
    expect(rollback[0]!.sections.flatMap((s) => s.items).length).toBeGreaterThan(3);
  });
});
