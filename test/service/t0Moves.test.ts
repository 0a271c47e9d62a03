import { afterEach, describe, expect, it } from 'vitest';
import { listReminders } from '../../src/store/reminders.js';
import { auditOf, serviceWorld, T_START, thrownBy, type ServiceWorld } from './serviceWorld.js';

const LEAD = 'U0LEAD';
const STRANGER = 'U0STRANGER';
const CHANNEL = 'C0DEPLOY';
const MINUTE = 60_000;

/** Windows relative to T-0, and one clock window, so both kinds of schedule are seen to move. */
const TIMED = `---
timezone: UTC
---
# Timed release

## Prepare (T-30 minutes)
- [ ] Freeze merges

## Ship (T+0)
- [ ] Deploy to everyone

## Watch (17:00 - 18:00)
- [ ] Watch the error budget
`;

let world: ServiceWorld | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

async function startedAt(when: string) {
  world = serviceWorld({ timed: TIMED });
  const { run } = await world.services.starting.startRun({
    checklistName: 'timed',
    when,
    timezone: null,
    channelId: CHANNEL,
    teamId: null,
    userId: LEAD,
  });
  return { w: world, run };
}

async function pendingSectionDueTimes(w: ServiceWorld, runId: number): Promise<number[]> {
  return (await listReminders(w.db, runId))
    .filter((r) => r.status === 'pending' && r.kind !== 'notice')
    .map((r) => r.dueAt)
    .sort((a, b) => a - b);
}

describe('slip', () => {
  it('moves T-0 and every pending reminder by the slip, keeps a running total, audits it and queues the notice', async () => {
    const { w, run } = await startedAt('14:00');
    const before = await pendingSectionDueTimes(w, run.id);
    expect(before.length).toBeGreaterThan(0);

    const moved = await w.services.t0.slip({ userId: LEAD, channelId: CHANNEL, runId: run.id, minutes: 45 });

    expect(moved.t0).toBe(run.t0 + 45 * MINUTE);
    expect(moved.slipMinutes).toBe(45);
    expect(await pendingSectionDueTimes(w, run.id)).toEqual(before.map((t) => t + 45 * MINUTE));
    expect(await auditOf(w.db, run.id, 'run.reschedule')).toEqual([
      { actor: LEAD, action: 'run.reschedule', target: null, detail: { from: run.t0, to: run.t0 + 45 * MINUTE, how: 'slipped +45m' } },
    ]);
    const notices = (await listReminders(w.db, run.id)).filter((r) => r.kind === 'notice').map((r) => r.payload?.['notice']);
    expect(notices).toContainEqual({ kind: 't0_moved', runId: run.id, title: 'Timed release', by: LEAD, minutes: 45, t0: moved.t0 });

    const back = await w.services.t0.slip({ userId: LEAD, channelId: CHANNEL, runId: run.id, minutes: -15 });
    expect(back.slipMinutes).toBe(30);
    expect(back.t0).toBe(run.t0 + 30 * MINUTE);
  });

  it('refuses a slip of zero minutes, and a slip by someone who is neither lead nor approver (audited)', async () => {
    const { w, run } = await startedAt('14:00');
    expect(await thrownBy(() => w.services.t0.slip({ userId: LEAD, channelId: CHANNEL, runId: run.id, minutes: 0 }))).toMatchObject({
      code: 'zero_slip',
    });

    const refusal = await thrownBy(() => w.services.t0.slip({ userId: STRANGER, channelId: CHANNEL, runId: run.id, minutes: 10 }));
    expect(refusal).toMatchObject({ code: 'not_lead_or_approver' });
    expect(await auditOf(w.db, run.id, 'denied')).toEqual([
      expect.objectContaining({ actor: STRANGER, detail: { attempted: 'run.reschedule', code: 'not_lead_or_approver' } }),
    ]);
    expect((await w.services.queries.requireRun(run.id)).t0).toBe(run.t0);
  });
});

describe('reschedule', () => {
  it('sets a new T-0 to the whole minute, resets the running slip, and plans the reminders from it', async () => {
    const { w, run } = await startedAt('14:00');
    await w.services.t0.slip({ userId: LEAD, channelId: CHANNEL, runId: run.id, minutes: 20 });
    w.clock.set(T_START + 30_500);

    const moved = await w.services.t0.reschedule({ userId: LEAD, channelId: CHANNEL, runId: run.id, when: 'tomorrow 09:00' });

    expect(new Date(moved.t0).toISOString()).toBe('2026-11-24T09:00:00.000Z');
    expect(moved.slipMinutes).toBe(0);
    expect(Math.min(...(await pendingSectionDueTimes(w, run.id)))).toBeGreaterThan(Date.parse('2026-11-24T00:00:00Z'));
    expect((await auditOf(w.db, run.id, 'run.reschedule')).at(-1)?.detail).toMatchObject({ to: moved.t0, how: 'rescheduled' });
  });

  it('refuses a time it cannot read, with the parser’s words', async () => {
    const { w, run } = await startedAt('14:00');
    const refusal = await thrownBy(() => w.services.t0.reschedule({ userId: LEAD, channelId: CHANNEL, runId: run.id, when: 'whenever' }));
    expect(refusal.code).toBe('bad_time');
    expect(String(refusal.params['message'])).toContain('Try');
  });
});
