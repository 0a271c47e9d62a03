import { describe, expect, it } from 'vitest';
import { UNTIMED_NOTE } from '../../src/slack/views/scheduleText.js';
import { sharedSamplesDir } from '../support/sharedSamples.js';
import { eventually } from '../support/waitFor.js';
import { ackText, clickItem, harnessPerTest, itemRow, startRun } from './checklistHarness.js';

const open = harnessPerTest();

/** The schedule line of a section, by its title. */
function lineOf(schedule: string, title: string): string {
  const line = schedule.split('\n').find((l) => l.includes(title));
  if (!line) throw new Error(`no line for ${title} in:\n${schedule}`);
  return line;
}

describe('sections with no time written in /deploy schedule', () => {
  it('shows a pre-deployment list with no time as open from the start, hours before T-0, and a timed section as upcoming', async () => {
    const h = await open({ checklistsDir: sharedSamplesDir() });
    await startRun(h, 'canary-rollout in 5h');
    const schedule = ackText(await h.bot.slack.command('schedule'));

    const readiness = lineOf(schedule, 'Code Readiness');
    expect(readiness).toContain('🟢 open');
    expect(readiness).toContain(UNTIMED_NOTE);
    const timed = lineOf(schedule, 'Pre-Deployment (T-2 hours)');
    expect(timed).toContain('🕒 upcoming');
    expect(timed).not.toContain(UNTIMED_NOTE);
  });

  it('lets someone tick an item of a section with no time written before T-0', async () => {
    const h = await open({ checklistsDir: sharedSamplesDir() });
    const { runId } = await startRun(h, 'canary-rollout in 5h');
    // "Security audit completed", unticked in the sample, under "Code Readiness" (no time written).
    expect((await clickItem(h, 's0.i5')).status).toBe(200);
    await eventually(async () => expect((await itemRow(h.db, runId, 's0.i5'))?.done).toBe(1));
  });
});
