import { describe, it, expect } from 'vitest';
import type { SectionWindow } from '../../../src/domain/sectionWindow.js';
import { REMINDER_TEXT_MAX, renderReminderText, type ReminderTextInput } from '../../../src/slack/views/reminderText.js';
import { at } from '../../domain/timelineFixtures.js';

const opensAt = at('2026-11-23T17:00:00Z');
const closesAt = at('2026-11-23T19:00:00Z');
const window: SectionWindow = { sectionId: 's5', phaseId: 'p1', opensAt, closesAt, explicit: true };
const token = (ms: number): string => `<!date^${ms / 1000}^`;

function input(overrides: Partial<ReminderTextInput>): ReminderTextInput {
  return {
    kind: 'opened',
    runId: 12,
    runTitle: 'Billing cutover',
    sectionTitle: 'Step 1: Hosts (12:00 PM - 2:00 PM)',
    window,
    openItems: [{ text: 'Bring up the new hosts', ownerIds: ['U111'] }, { text: 'Check **health** endpoints' }],
    timezone: 'America/New_York',
    ...overrides,
  };
}

describe('renderReminderText', () => {
  it('says a section opens soon, when, and how much there is to do', () => {
    const text = renderReminderText(input({ kind: 'opens_soon' }));
    expect(text).toContain('*#12 Billing cutover*');
    expect(text).toContain('*Step 1: Hosts (12:00 PM - 2:00 PM)* opens at');
    expect(text).toContain(`${token(opensAt)}{date_short_pretty} {time}|2026-11-23 12:00 EST>`);
    expect(text).toContain('2 items to do');
  });

  it('links the opened reminder to the checklist message', () => {
    const text = renderReminderText(input({ kind: 'opened', messageLink: 'https://example.slack.com/archives/C1/p123' }));
    expect(text).toContain('is open now, until');
    expect(text).toContain(token(closesAt));
    expect(text).toContain('<https://example.slack.com/archives/C1/p123|Open the checklist>');
  });

  it('names the owners of open items when overdue, and says when an item has none', () => {
    const text = renderReminderText(input({ kind: 'overdue' }));
    expect(text).toContain(`is overdue: it closed at ${token(closesAt)}`);
    expect(text).toContain('<@U111>:\n• Bring up the new hosts');
    expect(text).toContain('_no owner_:\n• Check *health* endpoints');
  });

  it('mentions each owner once, however many of their items are open', () => {
    const openItems = ['One', 'Two', 'Three'].map((t) => ({ text: t, ownerIds: ['U1'] }));
    const text = renderReminderText(input({ kind: 'overdue', openItems }));
    expect(text.split('<@U1>').length - 1).toBe(1);
    expect(text).toContain('<@U1>:\n• One\n• Two\n• Three');
  });

  it('lists the open items with owners when closing soon', () => {
    const text = renderReminderText(input({ kind: 'closing_soon', openItems: [{ text: 'Flip the flag', ownerIds: ['U1', 'U2'] }] }));
    expect(text).toContain(`closes at ${token(closesAt)}`);
    expect(text).toContain('<@U1>, <@U2>:\n• Flip the flag');
  });

  it('marks a late reminder with the moment the bot was offline', () => {
    const dueAt = at('2026-11-23T19:00:00Z');
    const text = renderReminderText(input({ kind: 'overdue', late: true, dueAt }));
    expect(text).toContain(`_(late: the bot was offline at ${token(dueAt)}`);
    expect(renderReminderText(input({ kind: 'overdue' }))).not.toContain('late');
  });

  it('says what a blocked section waits on, and never calls it open', () => {
    const text = renderReminderText(input({ kind: 'opened', blocked: 'Go/No-Go for the canary' }));
    expect(text).toContain(':no_entry: Waiting on: Go/No-Go for the canary');
    expect(text).toContain('stays locked until its gate passes');
    expect(text).not.toContain('is open now');
  });

  it('says which timer is up and how long it ran', () => {
    const text = renderReminderText(input({ kind: 'timer_done', itemText: 'Watch the graphs for 30 minutes', minutes: 30 }));
    expect(text).toContain('Time is up (30 min) for *Watch the graphs for 30 minutes* in *Step 1');
  });

  it('says which time box ran out', () => {
    const text = renderReminderText(input({ kind: 'timebox_expired', sectionTitle: 'Decision Point', minutes: 15 }));
    expect(text).toContain('The time box of 15 min for *Decision Point* has run out');
  });

  it('escapes titles so they cannot inject links or mentions', () => {
    const text = renderReminderText(input({ runTitle: 'A <!channel> & B', sectionTitle: '<@U999>' }));
    expect(text).toContain('*#12 A &lt;!channel&gt; &amp; B*');
    expect(text).toContain('*&lt;@U999&gt;*');
    expect(text).not.toContain('<!channel>');
  });

  it('stays within 3000 characters and counts the open items it left out', () => {
    const openItems = Array.from({ length: 200 }, (_, i) => ({
      text: `Item number ${i} with a fairly long description of the work to do`,
      ownerIds: ['U12345678'],
    }));
    const text = renderReminderText(input({ kind: 'overdue', openItems, messageLink: 'https://example.slack.com/x' }));
    expect(text.length).toBeLessThanOrEqual(REMINDER_TEXT_MAX);
    const shown = text.split('\n').filter((l) => l.startsWith('• ')).length;
    expect(text).toContain(`…and ${200 - shown} more`);
    expect(shown).toBeGreaterThan(10);
    expect(text.endsWith('<https://example.slack.com/x|Open the checklist>')).toBe(true);
  });

  it('shortens a very long item without cutting a link in half', () => {
    const long = `${'word '.repeat(38)}<https://example.com/a/very/long/path|the runbook> and more`;
    const text = renderReminderText(input({ kind: 'overdue', openItems: [{ text: long }] }));
    const line = text.split('\n').find((l) => l.startsWith('• '))!;
    expect(line).toContain('…');
    expect(line).not.toContain('<https://example.com');
  });

  it('says so when an overdue section has no open items left', () => {
    expect(renderReminderText(input({ kind: 'overdue', openItems: [] }))).toContain('every item is done');
  });
});
