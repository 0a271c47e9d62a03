/**
 * Issue 9 — Nudges carry signal: overdue nudges back off (e.g. 15, 30, 60 minutes, then hourly),
 * stop at a documented cap or when the phase's day is over, group all open items of a section in
 * one message with each owner mentioned once, and skip sections behind an undecided gate.
 * "Acknowledge" snoozes nudges and defers the section's page by the grace period from the
 * acknowledgement, both audited with who.
 *
 * Fixture: nudge-drill.md — Warm-up (T-0, four tasks, all owned by the lead) closes at T+1 hour;
 * Decision (T+1 hour) holds a Go/No-Go decided by `approver`; Migration (T+2 hours) sits behind
 * it; pageGraceMinutes: 20.
 *
 * Choices assumed:
 * - Backoff: each wait between two nudges of a section is longer than the one before until it
 *   reaches an hour (15 → 30 → 60 in the example); asserted as strictly growing first
 *   three waits, none above 60 minutes. The cap itself is exercised through the rehearsal
 *   (rehearsal.test.ts), where a whole day passes in a moment.
 * - The acknowledgement's page deferral is audited as a row by the acknowledging person whose
 *   action or detail mentions "page" (e.g. `page.defer`, or `overdue.acknowledge` with
 *   `{ pageDeferredUntil }`).
 */
import { describe, expect, it } from 'vitest';
import {
  ALICE,
  BOB,
  CAROL,
  HOUR,
  MINUTE,
  audit,
  buttonsIn,
  clickButton,
  openWorld,
  pageTriggers,
  reminderMessages,
  reminders,
  waitFor,
  type World,
} from './trustWorld.js';

async function overdueRows(w: World, runId: number, sectionId: string) {
  return (await reminders(w.db, runId)).filter((r) => r.kind === 'overdue' && r.section_id === sectionId);
}

async function sentNudge(w: World, runId: number, sectionId: string, count: number) {
  return waitFor(
    async () => {
      const sent = (await overdueRows(w, runId, sectionId)).filter((r) => r.status === 'sent');
      return sent.length >= count ? sent : undefined;
    },
    { timeoutMs: 5_000, message: `overdue nudge #${count} for ${sectionId}` },
  );
}

describe('issue 9 · nudges carry signal', () => {
  it('backs off overdue nudges of a section: each wait is longer than the one before, up to an hour', async () => {
    // Nudges also stop when the closing day is over (local midnight): run the drill at 10:00 UTC so
    // the four nudges (T+1h … T+2h45m) fall on one day whatever the time the suite runs.
    const now = Date.now();
    const tenOClock = new Date(now).setUTCHours(10, 0, 0, 0) + (new Date(now).getUTCHours() >= 10 ? 24 * HOUR : 0);
    const w = await openWorld({ startOffsetMs: tenOClock - now });
    const { runId } = await w.start('nudge-drill');
    w.advance(HOUR + 30_000);
    let sent = await sentNudge(w, runId, 's0', 1);
    const dues = [sent[0]!.due_at];
    for (let n = 2; n <= 4; n += 1) {
      const next = await waitFor(async () => (await overdueRows(w, runId, 's0')).find((r) => r.status === 'pending'), {
        timeoutMs: 3_000,
        message: 'the next nudge is planned',
      });
      w.advance(next.due_at - w.now() + 10_000);
      sent = await sentNudge(w, runId, 's0', n);
      dues.push(sent[n - 1]!.due_at);
    }
    const waits = dues.slice(1).map((d, i) => Math.round((d - dues[i]!) / MINUTE));
    expect(waits[1]!, `waits between nudges ${waits.join(', ')} min`).toBeGreaterThan(waits[0]!);
    expect(waits[2]!, `waits between nudges ${waits.join(', ')} min`).toBeGreaterThan(waits[1]!);
    for (const wait of waits) expect(wait).toBeLessThanOrEqual(60);
  });

  it('lists every open item of a section in one nudge and mentions each owner once', async () => {
    const w = await openWorld();
    const { runId } = await w.start('nudge-drill');
    w.advance(HOUR + 30_000);
    await sentNudge(w, runId, 's0', 1);
    await w.bot.bot.sync.idle();
    const nudges = reminderMessages(w).filter((m) => /overdue/i.test(m.text) && m.text.includes('Warm-up'));
    expect(nudges).toHaveLength(1);
    const text = nudges[0]!.text;
    for (const item of ['Page through the runbook', 'Check the on-call rota', 'Open the dashboards', 'Mute the noisy alerts'])
      expect(text).toContain(item);
    expect(text.split(`<@${ALICE}>`).length - 1, 'the lead owns all four items and is mentioned once').toBe(1);
  });

  it('does not nudge a section that is locked behind an undecided gate', async () => {
    const w = await openWorld();
    const { runId } = await w.start('nudge-drill');
    await w.say(`role approver <@${CAROL}>`);
    w.advance(3 * HOUR + MINUTE); // Migration (behind the undecided Decision gate) closed at T+3 hours
    await w.settle(1_800);
    expect((await overdueRows(w, runId, 's2')).filter((r) => r.status === 'sent').map((r) => r.key)).toEqual([]);
    expect(reminderMessages(w).filter((m) => m.text.includes('Migration') && /overdue/i.test(m.text))).toEqual([]);
  });

  it('treats Acknowledge as someone on it: snoozes the nudges and defers the page by the grace period from the acknowledgement, audited with who', async () => {
    const w = await openWorld({ pagerDuty: true });
    const { runId } = await w.start('nudge-drill');
    w.advance(HOUR + 30_000);
    await sentNudge(w, runId, 's0', 1);
    await w.bot.bot.sync.idle();
    w.advance(10 * MINUTE); // T+1h10m: acknowledged 10 minutes after the close
    await w.settle(300);
    const ack = reminderMessages(w)
      .flatMap((m) => buttonsIn(m))
      .find((b) => b.value === `${runId}:s0`);
    expect(ack, 'the nudge offers Acknowledge').toBeDefined();
    await clickButton(w, ack!, BOB);

    w.advance(12 * MINUTE); // T+1h22m: past close + grace (T+1h20m), before acknowledgement + grace (T+1h30m)
    await w.settle(1_800);
    const warmUpPages = () => pageTriggers(w.pd!).filter((p) => p.summary.includes('Warm-up'));
    expect(
      warmUpPages().map((p) => p.summary),
      'the page waits for the grace period after the acknowledgement',
    ).toEqual([]);
    expect((await overdueRows(w, runId, 's0')).filter((r) => r.status === 'sent').length, 'nudges are snoozed').toBe(1);

    w.advance(10 * MINUTE); // T+1h32m: the deferred page is due
    await waitFor(() => warmUpPages().length > 0, { timeoutMs: 5_000, message: 'the deferred page' });

    const byBob = (await audit(w.db, runId)).filter((a) => a.actor === BOB);
    expect(
      byBob.some((a) => /ack/i.test(a.action)),
      'the acknowledgement is audited with who',
    ).toBe(true);
    expect(
      byBob.some((a) => /page/i.test(`${a.action} ${JSON.stringify(a.detail)}`)),
      'the page deferral is audited with who',
    ).toBe(true);
  });
});
