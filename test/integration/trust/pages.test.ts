/**
 * Issue 9 — Pages are earned: severity follows the reason (a missed window is `warning`; a
 * No-Go, rollback or time box is `critical`; front matter can change it). Human pages are resolved
 * by a human (a Resolve button on the channel notice, or PagerDuty itself), never by the run
 * ending. Page text names people by name, not by user id.
 *
 * Fixtures: page-drill.md (Cut-over (T-0) closes at T+1 hour, pageGraceMinutes: 10, a rollback
 * phase) and page-severity.md (the same, with a severity override in front matter).
 *
 * Choices assumed:
 * - The front matter key is SEVERITY_KEY (`pageSeverity`) mapping a reason to a PagerDuty
 *   severity; `missedWindow: info` makes missed-window pages `info`. The checklist using it must
 *   lint without the "unknown front matter setting" warning.
 * - The human page's channel notice carries a button whose text contains "Resolve"
 *   (RESOLVE_TEXT); its action_id is the implementer's (src/slack/ids.ts). Clicking it resolves the
 *   PagerDuty alert and is audited with the clicker as actor.
 * - "By name": the Slack profile's real name (set to "Carol Danvers" here), never "U0CAROL".
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CAROL,
  HOUR,
  MINUTE,
  TRUST_FIXTURES,
  audit,
  buttonByText,
  cli,
  clickButton,
  openWorld,
  pageTriggers,
  runRow,
  waitFor,
} from './trustWorld.js';

const SEVERITY_KEY = 'pageSeverity';
const RESOLVE_TEXT = /resolve/i;

describe('issue 9 · pages are earned', () => {
  it('pages a missed window at warning severity, and a rollback at critical', async () => {
    const w = await openWorld({ pagerDuty: true });
    await w.start('page-drill');
    w.advance(HOUR + 12 * MINUTE); // Cut-over closed at T+1 hour; grace is 10 minutes
    const missed = await waitFor(() => pageTriggers(w.pd!).find((p) => p.summary.includes('Cut-over')), {
      timeoutMs: 5_000,
      message: 'the missed-window page',
    });
    expect(missed.severity, 'a missed window is a warning, not a wake-up').toBe('warning');

    await w.say('rollback latency doubled');
    const rollback = await waitFor(() => pageTriggers(w.pd!).find((p) => /roll/i.test(p.summary)), {
      timeoutMs: 5_000,
      message: 'the rollback page',
    });
    expect(rollback.severity).toBe('critical');
  });

  it('lets front matter change the severity of a missed-window page', async () => {
    const lint = cli(['lint', join(TRUST_FIXTURES, 'page-severity.md')]);
    expect(lint.out, `${SEVERITY_KEY} is a known setting`).not.toMatch(new RegExp(`unknown front matter setting "${SEVERITY_KEY}"`));

    const w = await openWorld({ pagerDuty: true });
    await w.start('page-severity');
    w.advance(HOUR + 12 * MINUTE);
    const missed = await waitFor(() => pageTriggers(w.pd!).find((p) => p.summary.includes('Cut-over')), {
      timeoutMs: 5_000,
      message: 'the missed-window page',
    });
    expect(missed.severity).toBe('info');
  });

  it('leaves a human page open when the run ends, until someone clicks Resolve on its channel notice', async () => {
    const w = await openWorld({ pagerDuty: true });
    const { runId } = await w.start('page-drill');
    await w.say('page the database replica is lagging', CAROL);
    const [page] = await waitFor(
      () => {
        const triggers = pageTriggers(w.pd!).filter((p) => p.summary.includes('replica is lagging'));
        return triggers.length ? triggers : undefined;
      },
      { timeoutMs: 5_000, message: 'the human page' },
    );

    await w.say('abort called off');
    expect((await runRow(w.db, runId)).status).toBe('aborted');
    await w.settle(800);
    expect(w.pd!.alerts.get(page!.dedupKey)?.status, 'the end of the run does not resolve a human page').toBe('triggered');

    // The notice is posted by the reminder poller, paced with every other post to the channel.
    const resolve = await waitFor(() => buttonByText(w, RESOLVE_TEXT), {
      timeoutMs: 5_000,
      message: 'the page notice in the channel has a Resolve button',
    });
    await clickButton(w, resolve!, CAROL);
    await waitFor(() => w.pd!.alerts.get(page!.dedupKey)?.status === 'resolved', { timeoutMs: 5_000, message: 'resolved by the click' });
    expect((await audit(w.db, runId)).some((a) => a.actor === CAROL && /resolve/i.test(a.action))).toBe(true);
  });

  it('names people by name, not by user id, in the page text', async () => {
    const w = await openWorld({ pagerDuty: true });
    w.fake.setUser(CAROL, { real_name: 'Carol Danvers', profile: { real_name: 'Carol Danvers', display_name: 'carol' } });
    await w.start('page-drill');
    await w.say('page the database replica is lagging', CAROL);
    const page = await waitFor(() => pageTriggers(w.pd!).find((p) => p.summary.includes('replica is lagging')), {
      timeoutMs: 5_000,
      message: 'the human page',
    });
    expect(page.summary).not.toContain(CAROL);
    expect(page.summary).toContain('Carol Danvers');
  });
});
