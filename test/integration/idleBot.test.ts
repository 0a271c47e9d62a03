/**
 * An idle bot (no run active, nothing pending) keeps no per-second node-cron beat: each beat reads
 * the time through Intl.DateTimeFormat#formatToParts, and the first such read pages in ~8 MiB of
 * the ICU data in the node binary, which then stays resident (issue 14, docs/performance.md). Once
 * a run is active the beat is back, so its reminders and paging rules are timed as before.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { harnessPerTest, startRun } from './checklistHarness.js';

const open = harnessPerTest();

afterEach(() => {
  vi.restoreAllMocks();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('an idle bot', () => {
  it('reads no time zone data while no run is active, and beats again once one is', async () => {
    const h = await open();
    // From here: loading checklists in a time zone reads Intl once at start, as it must.
    const formatToParts = vi.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
    // Longer than two beats: node-cron would have read the time through Intl at least twice.
    await sleep(2_500);
    expect(formatToParts, 'no Intl time read while idle').not.toHaveBeenCalled();

    // The spy sees what the poller's beat does once a run is active (rendering alone happens once).
    await startRun(h, 'small-release in 2h');
    formatToParts.mockClear();
    await sleep(2_500);
    expect(formatToParts.mock.calls.length, 'the beat reads the time every second again').toBeGreaterThanOrEqual(2);
  });
});
