import { describe, expect, it } from 'vitest';
import { renderOverview } from '../../../src/slack/views/overviewMessage.js';
import { modalParts, referenceControl, referenceModal } from '../../../src/slack/views/referenceModal.js';
import { validateView } from '../../support/blockKitRules.js';
import { T0, buildChecklist, generatedChecklist, makeSnapshot, slackProblems } from './fixtures.js';

function section(body: string) {
  return { title: 'Runbook | <b>', line: 10, level: 2, body };
}

describe('the overview’s Reference control', () => {
  it('is a menu of the sections with text, and says how many it lists when their titles overflow its share', () => {
    const titles = Array.from({ length: 40 }, (_, i) => `Reference ${i} ${'with a title that goes on and on '.repeat(3)}`);
    const checklist = buildChecklist([{ title: 'Deploy', sections: [{ title: 'Ship', items: [{}] }] }], { reference: titles });
    const message = renderOverview({ snapshot: makeSnapshot(checklist), windows: [], now: T0, stateOf: () => 'open' });
    expect(slackProblems(message)).toEqual([]);
    const control = referenceControl(12, checklist)!;
    const menu = control.elements[0] as { type: string; options: Array<{ text: { text: string } }>; placeholder: { text: string } };
    expect(menu.type).toBe('static_select');
    expect(menu.options.length).toBeLessThan(40);
    expect(menu.placeholder.text).toBe(`📖 Reference (${menu.options.length} of 40; /deploy ref for all)`);
    expect(message.blocks).toContainEqual(control);
  });

  it('is absent when no reference section has text', () => {
    const checklist = generatedChecklist();
    checklist.reference = checklist.reference.map((r) => ({ ...r, body: '  ' }));
    expect(referenceControl(12, checklist)).toBeNull();
  });
});

describe('the reference modal', () => {
  it('splits a long section into valid blocks and, past a modal’s 100 blocks, says where the rest is', () => {
    const body = Array.from({ length: 6_000 }, (_, i) => `- line ${i} ${'x'.repeat(40)}`).join('\n');
    const view = referenceModal({ runId: 3, refIndex: 0, channelId: 'C0DEPLOY', section: section(body), isTemplate: false });
    expect(validateView(view)).toEqual([]);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const last = JSON.stringify(view.blocks.at(-1));
    expect(last).toContain('longer than a modal holds');
    expect(last).toContain('/deploy ref Runbook | &lt;b&gt;');
  });

  it('keeps a code fence cut by a split closed in each block', () => {
    const body = ['```', ...Array.from({ length: 200 }, (_, i) => `echo step ${i} ${'y'.repeat(30)}`), '```'].join('\n');
    const parts = modalParts(body);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(3_000);
      expect(part.split('\n').filter((l) => l.trim() === '```').length % 2).toBe(0);
    }
  });

  it('carries Post update only for a template', () => {
    const plain = referenceModal({ runId: 3, refIndex: 1, channelId: 'C0DEPLOY', section: section('text'), isTemplate: false });
    const template = referenceModal({ runId: 3, refIndex: 1, channelId: 'C0DEPLOY', section: section('```\nhi\n```'), isTemplate: true });
    expect(JSON.stringify(plain)).not.toContain('dd_post_update');
    expect(validateView(template)).toEqual([]);
    expect(JSON.stringify(template.blocks.at(-1))).toContain('dd_post_update');
  });
});
