/**
 * Issue 9 — Windows that were over before the run existed are "missed at start": shown as such,
 * never nudged, never paged; `start`'s reply lists them and offers `at <time>` for a later T-0.
 *
 * Fixture: late-start.md — Freeze (T-3 hours) and Dry run (T-1 hour) are over when the run starts
 * with T-0 = now; Go live (T-0) is open; Aftercare (T+2 hours) is upcoming. pageGraceMinutes: 15.
 *
 * Choices assumed:
 * - The words "missed at start" appear next to such a section in the overview and in `status`.
 * - The start reply names each missed section and shows the command for a later T-0,
 *   "/deploy start late-start at <time>".
 */
import { describe, expect, it } from 'vitest';
import { MINUTE, openWorld, overview, pageTriggers, reminders, visibleText } from './trustWorld.js';

const MISSED = ['Freeze', 'Dry run'];
const MISSED_IDS = ['s0', 's1'];

describe('issue 9 · windows over before the run existed are "missed at start"', () => {
  it('lists the windows missed at start in the start reply and offers `at <time>` for a later T-0', async () => {
    const w = await openWorld();
    const { reply } = await w.start('late-start');
    for (const title of MISSED) expect(reply, `the reply names ${title}`).toContain(title);
    expect(reply).toMatch(/missed/i);
    expect(reply).toMatch(/start late-start at /);
  });

  it('shows the windows missed at start as such in the overview and in status', async () => {
    const w = await openWorld();
    const { runId } = await w.start('late-start');
    const status = await w.say(`status #${runId}`);
    expect(visibleText(overview(w))).toMatch(/missed at start/i);
    expect(status).toMatch(/missed at start/i);
  });

  it('never nudges or pages a window missed at start', async () => {
    const w = await openWorld({ pagerDuty: true });
    const { runId } = await w.start('late-start');
    await w.settle();
    w.advance(20 * MINUTE); // past the page grace of 15 minutes, still inside Go live
    await w.settle(1_500);
    w.advance(20 * MINUTE);
    await w.settle(1_500);

    const nudged = (await reminders(w.db, runId)).filter(
      (r) => r.kind === 'overdue' && r.status === 'sent' && MISSED_IDS.includes(r.section_id ?? ''),
    );
    expect(
      nudged.map((r) => r.key),
      'no overdue nudge for a missed-at-start window',
    ).toEqual([]);
    const pages = pageTriggers(w.pd!).filter((p) => MISSED.some((t) => p.summary.includes(t)));
    expect(
      pages.map((p) => p.summary),
      'no page for a missed-at-start window',
    ).toEqual([]);
  });
});
