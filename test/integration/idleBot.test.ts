/**
 * An idle bot (no run active, nothing pending) keeps no per-second node-cron beat: each beat reads
 * the time through Intl.DateTimeFormat#formatToParts, and the first such read pages in ~8 MiB of
 * the ICU data in the node binary, which then stays resident (issue 14, docs/performance.md). Once
 * a run is active the beat is back, so its reminders and paging rules are timed as before.
 *
 * The bot runs as its own process (`node dist/main.js`) with a preload that counts its Intl time
 * reads (test/fixtures/preload/intlReads.cjs): whatever else the test worker runs cannot show here.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { botProcessPerTest } from '../support/botProcessPerTest.js';
import { REPO_ROOT } from '../support/startBot.js';
import { waitFor } from '../support/waitFor.js';

const open = botProcessPerTest();

const PRELOAD = join(REPO_ROOT, 'test', 'fixtures', 'preload', 'intlReads.cjs');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The latest count the preload printed, if it has printed one. */
function intlReads(output: string): number | undefined {
  const counts = [...output.matchAll(/^intl-reads (\d+)$/gm)];
  const last = counts.at(-1);
  return last ? Number(last[1]) : undefined;
}

describe('an idle bot', () => {
  it('reads no time zone data while no run is active, and beats again once one is', async () => {
    const bed = await open({ env: { NODE_OPTIONS: `--require ${PRELOAD}` } });
    const bot = await bed.start();
    // Loading a checklist in a time zone reads Intl at start, as it must: count from after that.
    const atReady = await waitFor(() => intlReads(bot.output()), { timeoutMs: 5_000, message: 'the preload printed a count' });
    // Longer than two beats: node-cron would have read the time through Intl at least twice.
    await sleep(2_500);
    expect(intlReads(bot.output()), 'no Intl time read while idle').toBe(atReady);

    const started = await bed.slack().command('start short-day in 2h', { channel: 'C0IDLE' });
    expect(started.status).toBe(200);
    expect(started.text).toContain('Started run');
    await sleep(500);
    const afterStart = intlReads(bot.output()) ?? 0;
    await sleep(2_500);
    expect((intlReads(bot.output()) ?? 0) - afterStart, 'the beat reads the time every second again').toBeGreaterThanOrEqual(2);
  });
});
