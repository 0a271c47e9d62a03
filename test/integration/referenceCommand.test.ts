import { describe, expect, it } from 'vitest';
import { sharedSamplesDir } from '../support/sharedSamples.js';
import { ackText, harnessPerTest, startRun } from './checklistHarness.js';

const open = harnessPerTest();

describe('reference material through /deploy ref', () => {
  it('shows a shared sample’s emergency contacts table to whoever asks, and a clear answer for a section that is not there', async () => {
    const h = await open({ checklistsDir: sharedSamplesDir() });
    await startRun(h, 'timed-deployment-day');
    const list = ackText(await h.bot.slack.command('ref'));
    expect(list).toContain('• Emergency Contacts');
    const contacts = ackText(await h.bot.slack.command('ref emergency contacts'));
    expect(contacts).toContain('*Emergency Contacts*');
    expect(contacts).toContain('Charlie Davis');
    expect(contacts).toContain('+1-555-0104');
    expect(ackText(await h.bot.slack.command('ref no such thing'))).toContain('No reference section matches “no such thing”');
  });
});
