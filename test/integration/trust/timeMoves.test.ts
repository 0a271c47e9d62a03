/**
 * Issue 9 — No silent surprises in time: `reschedule` and `slip` into the past, or by more than a
 * week, ask for confirmation; a clock window that falls in a DST gap or overlap is a lint warning
 * and is placed by a documented rule (never a zero-length window).
 *
 * Fixtures: gate-drill.md (any run will do), dst-window.md — Europe/Berlin, "Switch-over (2:30 AM -
 * 3:00 AM)", which on 2027-03-28 (clocks go 02:00 → 03:00) lies wholly in the gap, and on
 * 2027-10-31 (03:00 → 02:00) in the overlap.
 *
 * Choices assumed:
 * - An unconfirmed move answers ephemerally with a reason mentioning "confirm" and writes an audit
 *   row `denied`, or one whose action mentions "confirm"; T-0 is unchanged. How the move is then
 *   confirmed (a button, or repeating the command with `confirm`) is left to the implementer.
 * - The lint warning is on the heading's line and mentions DST / daylight saving / the clock change.
 * - Placement: whatever the documented rule, the window keeps a positive length, read from the two
 *   Slack date tokens on its line in `/deploy schedule`.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_CHECKLISTS, HOUR, TRUST_FIXTURES, audit, cli, openWorld, runRow, type World } from './trustWorld.js';

async function confirmations(w: World, runId: number) {
  return (await audit(w.db, runId)).filter((a) => a.action === 'denied' || /confirm/.test(a.action));
}

async function expectAskedToConfirm(w: World, runId: number, command: string): Promise<void> {
  const t0 = (await runRow(w.db, runId)).t0;
  const reply = await w.say(command);
  expect((await runRow(w.db, runId)).t0, `\`${command}\` left T-0 where it was`).toBe(t0);
  expect(reply, 'the reply asks for confirmation').toMatch(/confirm/i);
  expect((await confirmations(w, runId)).length, 'a denied or confirm audit row').toBeGreaterThanOrEqual(1);
}

describe('issue 9 · no silent surprises in time', () => {
  it('asks for confirmation before rescheduling T-0 into the past, and leaves T-0 unchanged', async () => {
    const w = await openWorld();
    const { runId } = await w.start('gate-drill in 2h');
    await expectAskedToConfirm(w, runId, 'reschedule 2025-01-01 10:00');
  });

  it('asks for confirmation before a slip that puts T-0 in the past', async () => {
    const w = await openWorld();
    const { runId } = await w.start('gate-drill in 1h');
    await expectAskedToConfirm(w, runId, 'slip -3h');
  });

  it('asks for confirmation before moving T-0 by more than a week', async () => {
    const w = await openWorld();
    const { runId } = await w.start('gate-drill in 1h');
    await expectAskedToConfirm(w, runId, 'slip 200h');
    const farAway = new Date(w.now() + 30 * 24 * HOUR).toISOString().slice(0, 10);
    const t0 = (await runRow(w.db, runId)).t0;
    await w.say(`reschedule ${farAway} 10:00`);
    expect((await runRow(w.db, runId)).t0, 'a reschedule 30 days out also asks first').toBe(t0);
  });

  it('warns in lint about a clock window that falls in a DST gap or overlap, on the heading’s line', () => {
    const lint = cli(['lint', join(TRUST_FIXTURES, 'dst-window.md'), join(EXAMPLE_CHECKLISTS, 'hotfix.md')]);
    expect(lint.code, 'a warning does not fail lint').toBe(0);
    expect(lint.out).toMatch(/dst-window\.md:8: warning: .*(DST|daylight|clock change|clocks? (go|change|jump))/i);
    // A checklist without such a window gets no such warning.
    expect(lint.out).not.toMatch(/hotfix\.md:\d+: warning: .*(DST|daylight)/i);
  });

  it('places a clock window that falls in a DST gap with a positive length', async () => {
    const w = await openWorld();
    const { runId } = await w.start('dst-window at 2027-03-28 10:00');
    const schedule = await w.say(`schedule #${runId}`);
    const line = schedule.split('\n').find((l) => l.includes('Switch-over'));
    expect(line, 'the schedule lists the Switch-over').toBeDefined();
    const stamps = [...line!.matchAll(/<!date\^(\d+)\^/g)].map((m) => Number(m[1]));
    expect(stamps.length, `two times on: ${line}`).toBeGreaterThanOrEqual(2);
    expect(stamps[1]! - stamps[0]!, `the window on 2027-03-28 has a length: ${line}`).toBeGreaterThan(0);
  });
});
