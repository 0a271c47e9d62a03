import { describe, expect, it } from 'vitest';
import type { ActionsBlock, Button } from '@slack/types';
import type { SectionWindow } from '../../../src/domain/sectionWindow.js';
import { ActionIds, parseSectionsRef } from '../../../src/slack/ids.js';
import { overdueReminderBlocks } from '../../../src/slack/views/overdueReminder.js';
import { REMINDER_TEXT_MAX } from '../../../src/slack/views/reminderText.js';
import { renderSharedReminderText, type SharedReminderSection, type SharedReminderTextInput } from '../../../src/slack/views/sharedReminderText.js';
import { validateBlocks } from '../../support/blockKitRules.js';
import { at } from '../../domain/timelineFixtures.js';

const closesAt = at('2026-11-23T19:00:00Z');
const window: SectionWindow = { sectionId: 's0', phaseId: 'p0', opensAt: at('2026-11-23T17:00:00Z'), closesAt, explicit: true };

function section(title: string, items: Array<[string, string[]]>): SharedReminderSection {
  return { title, window, openItems: items.map(([text, ownerIds]) => ({ text, ownerIds })) };
}

const sections = [
  section('Code Readiness', [
    ['Security audit completed', ['ULEAD']],
    ['Code review approved', ['ULEAD']],
  ]),
  section('Infrastructure', [
    ['Dashboards created', ['ULEAD']],
    ['Sign off the infra', ['UQA']],
  ]),
  section('Docs', [['Runbook written', ['ULEAD']]]),
];

function input(overrides: Partial<SharedReminderTextInput> = {}): SharedReminderTextInput {
  return { kind: 'overdue', runId: 12, runTitle: 'Billing cutover', sections, timezone: 'UTC', ...overrides };
}

describe('renderSharedReminderText', () => {
  it('names each section in bold with its own open items under it', () => {
    const text = renderSharedReminderText(input());
    expect(text.split('\n')[0]).toMatch(/^:rotating_light: \*#12 Billing cutover\* · 3 sections are overdue: they closed at <!date\^/);
    const lines = text.split('\n');
    expect(lines.indexOf('*Code Readiness*')).toBeLessThan(lines.indexOf('• Security audit completed'));
    expect(lines.indexOf('*Infrastructure*')).toBeGreaterThan(lines.indexOf('• Code review approved'));
    expect(lines.indexOf('• Runbook written')).toBeGreaterThan(lines.indexOf('*Docs*'));
  });

  it('mentions each owner once in the message, pointing back to where a returning owner was named', () => {
    const text = renderSharedReminderText(input());
    expect(text.split('<@ULEAD>').length - 1).toBe(1);
    expect(text.split('<@UQA>').length - 1).toBe(1);
    expect(text).toContain('the owner named under *Code Readiness*:\n• Runbook written');
  });

  it('says how much there is to do per section when the sections open', () => {
    const text = renderSharedReminderText(input({ kind: 'opened' }));
    expect(text).toContain('3 sections are open now, until');
    expect(text).toContain('• *Code Readiness*: 2 items to do');
    expect(text).toContain('• *Docs*: 1 item to do');
    expect(text).not.toContain('<@ULEAD>');
  });

  it('gives each section its own close when sections that open together close apart', () => {
    const later = { ...window, closesAt: closesAt + 3_600_000 };
    const text = renderSharedReminderText(input({ kind: 'opens_soon', sections: [sections[0]!, { ...sections[2]!, window: later }] }));
    expect(text.split('\n')[0]).toMatch(/2 sections open at <!date\^\d+\^[^>]*>:$/);
    expect(text).toContain(`• *Docs*: 1 item to do, until <!date^${(closesAt + 3_600_000) / 1000}^`);
  });

  it('stays within one section block, cutting a long list with "…and N more"', () => {
    const many = Array.from({ length: 6 }, (_, s) =>
      section(
        `Section ${s}`,
        Array.from({ length: 30 }, (_, i): [string, string[]] => [`Item ${s}.${i} ${'with a rather long description '.repeat(3)}`, ['ULEAD']]),
      ),
    );
    const text = renderSharedReminderText(input({ sections: many, messageLink: 'https://example.slack.com/archives/C1/p1' }));
    expect(text.length).toBeLessThanOrEqual(REMINDER_TEXT_MAX);
    expect(text).toMatch(/\n…and \d+ more\n<https:\/\/example\.slack\.com\/archives\/C1\/p1\|Open the checklist>$/);
    expect(validateBlocks(overdueReminderBlocks(12, ['s0', 's1'], text))).toEqual([]);
  });
});

describe('the Acknowledge button of a shared nudge', () => {
  it('names every section of the nudge, and parses back to them', () => {
    const blocks = overdueReminderBlocks(12, ['s0', 's1', 's4'], 'text');
    const ack = (blocks[1] as ActionsBlock).elements[0] as Button;
    expect(ack.action_id).toBe(ActionIds.overdueAck);
    expect(ack.value).toBe('12:s0+s1+s4');
    expect(parseSectionsRef(ack.value ?? '')).toEqual({ runId: 12, sectionIds: ['s0', 's1', 's4'] });
    expect(parseSectionsRef('12:s3')).toEqual({ runId: 12, sectionIds: ['s3'] });
    for (const bad of ['12:', '12:s0+', '12:s0+x1', 'x:s0', '12:s0;s1']) expect(parseSectionsRef(bad)).toBeNull();
  });
});
