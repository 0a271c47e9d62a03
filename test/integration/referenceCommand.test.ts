import { describe, expect, it } from 'vitest';
import { sharedSamplesDir } from '../support/sharedSamples.js';
import { eventually } from '../support/waitFor.js';
import { ackText, CHANNEL, harnessPerTest, startRun } from './checklistHarness.js';

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

  it('says in /deploy status and the overview that a held rollback branch exists and how many steps it has', async () => {
    const h = await open({ checklistsDir: sharedSamplesDir() });
    await startRun(h, 'timed-deployment-day');
    const line = '↩️ *Rollback branch:* Rollback Procedure — 14 steps, held until a No-Go or `/deploy rollback`';
    expect(ackText(await h.bot.slack.command('status'))).toContain(line);
    await eventually(() => {
      const overviews = h.fake.findText(CHANNEL, 'Reference* (open one below, or `/deploy ref &lt;section&gt;`): Success Criteria · Performance');
      expect(overviews.map((m) => h.fake.findText(CHANNEL, line).some((withLine) => withLine.ts === m.ts))).toEqual([true]);
    });
  });
});
