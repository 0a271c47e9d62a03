/**
 * Quiet on the day: sections that share a window share one reminder and one page. An idle team
 * with three readiness sections closing together gets one "overdue" nudge naming the three (each
 * with its open items, the owner mentioned once) instead of three, one Acknowledge for all of
 * them, and one PagerDuty incident instead of three.
 *
 * Fixture: shared-window.md — Readiness (T-0) holds Code, Infrastructure and Documentation, which
 * inherit its window (closing at T+1 hour); every item is the lead's; pageGraceMinutes: 20.
 */
import { describe, expect, it } from 'vitest';
import {
  ALICE,
  BOB,
  HOUR,
  MINUTE,
  audit,
  buttonsIn,
  clickButton,
  openWorld,
  pageTriggers,
  reminderMessages,
  reminders,
  tick,
  waitFor,
  type World,
} from './trustWorld.js';

/** Overdue nudges about the readiness sections (Wrap-up's own come later and name only Wrap-up). */
const overdueNudges = (w: World) => reminderMessages(w).filter((m) => /overdue/i.test(m.text) && m.text.includes('Code'));

async function firstNudge(w: World, runId: number) {
  w.advance(HOUR + 30_000);
  await waitFor(async () => (await reminders(w.db, runId)).some((r) => r.kind === 'overdue' && r.status === 'sent'), {
    timeoutMs: 5_000,
    message: 'the first overdue nudge',
  });
  await w.bot.bot.sync.idle();
}

describe('sections that share a window', () => {
  it('get one overdue nudge naming each section with its own open items, the owner mentioned once', async () => {
    const w = await openWorld();
    const { runId } = await w.start('shared-window');
    await firstNudge(w, runId);
    const nudges = overdueNudges(w);
    expect(nudges).toHaveLength(1);
    const text = nudges[0]!.text;
    expect(text).toContain('3 sections are overdue');
    for (const title of ['*Code*', '*Infrastructure*', '*Documentation*']) expect(text).toContain(title);
    expect(text.indexOf('Security audit completed')).toBeGreaterThan(text.indexOf('*Code*'));
    expect(text.indexOf('Database backup completed')).toBeGreaterThan(text.indexOf('*Infrastructure*'));
    expect(text.indexOf('Runbook written')).toBeGreaterThan(text.indexOf('*Documentation*'));
    expect(text.split(`<@${ALICE}>`).length - 1, 'the lead owns every item and is mentioned once').toBe(1);
  });

  it('drop a section that has been settled from the next nudge', async () => {
    const w = await openWorld();
    const { runId } = await w.start('shared-window');
    await firstNudge(w, runId);
    await tick(w, runId, 's2.i0'); // Documentation's only item
    w.advance(16 * MINUTE);
    await waitFor(() => overdueNudges(w).length === 2, { timeoutMs: 5_000, message: 'the second nudge' });
    const second = overdueNudges(w)[1]!.text;
    expect(second).toContain('2 sections are overdue');
    expect(second).not.toContain('Documentation');
    expect(second).toContain('*Code*');
  });

  it('are acknowledged together: one click snoozes the shared nudges and audits each section with who', async () => {
    const w = await openWorld();
    const { runId } = await w.start('shared-window');
    await firstNudge(w, runId);
    const ack = buttonsIn(overdueNudges(w)[0]!).find((b) => /acknowledge/i.test(b.text));
    expect(ack?.value).toBe(`${runId}:s0+s1+s2`);
    await clickButton(w, ack!, BOB);
    w.advance(50 * MINUTE); // three nudges' worth, before Wrap-up closes
    await w.settle(600);
    w.advance(1);
    await w.settle(600);
    expect(overdueNudges(w), 'no nudge after the acknowledgement').toHaveLength(1);
    const acks = (await audit(w.db, runId)).filter((a) => a.action === 'overdue.acknowledge');
    expect(acks.map((a) => [a.actor, a.target])).toEqual([
      [BOB, 's0'],
      [BOB, 's1'],
      [BOB, 's2'],
    ]);
  });

  it('raise one page naming the sections, resolved once every one of them is settled', async () => {
    const w = await openWorld({ pagerDuty: true });
    const { runId } = await w.start('shared-window');
    w.advance(HOUR + 21 * MINUTE); // closed at T+1 hour; grace is 20 minutes
    const page = await waitFor(() => pageTriggers(w.pd!)[0], { timeoutMs: 5_000, message: 'the overdue page' });
    await w.settle(300);
    expect(pageTriggers(w.pd!), 'one incident for the three sections').toHaveLength(1);
    expect(page.dedupKey).toBe(`deployday:run-${runId}:overdue:s0_s1_s2`);
    expect(page.summary).toMatch(/3 sections are \d+ min overdue/);
    for (const title of ['Code', 'Infrastructure', 'Documentation']) expect(page.summary).toContain(`“${title}”`);

    for (const item of ['s0.i0', 's0.i1', 's1.i0', 's1.i1']) await tick(w, runId, item);
    await w.settle(300);
    expect(w.pd!.alerts.get(page.dedupKey)?.status, 'still open while Documentation is').toBe('triggered');
    await tick(w, runId, 's2.i0');
    await waitFor(() => w.pd!.alerts.get(page.dedupKey)?.status === 'resolved', { timeoutMs: 5_000, message: 'the page resolves' });
    expect(pageTriggers(w.pd!)).toHaveLength(1);
  });
});
