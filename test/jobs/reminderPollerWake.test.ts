/**
 * The reminder poller's wake timer (src/jobs/reminderPoller.ts): after a pass it looks again at the
 * moment the timeline says a row becomes claimable, not at its next once-a-second beat. Fake timers
 * start each test a tenth of a second past a whole second, so no beat falls inside the 50 ms the
 * tests move time on: a second pass there can only be the wake timer's.
 */
import type { Logger } from '@slack/bolt';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReminderPoller } from '../../src/jobs/reminderPoller.js';
import type { TimelineService } from '../../src/service/timelineService.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Logger;

/** A timeline with nothing to claim, whose next claimable row is `ms` away (null: none); `active.run` says whether a run is active. */
function timelineClaimableIn(ms: number | null, active = { run: false }) {
  const claimDue = vi.fn(async () => []);
  const timeline = {
    claimDue,
    msUntilClaimable: async () => ms,
    anyActiveRun: async () => active.run,
    renewClaims: async () => 0,
  } as unknown as TimelineService;
  return { timeline, claimDue };
}

describe('the reminder poller between beats', () => {
  const pollers: ReminderPoller[] = [];
  // The beat loads node-cron on its first start (tickLoop.ts). Loaded here first, so the beat starts on
  // fake time at once, instead of after a real module load that fake time outruns (the file alone failed).
  beforeAll(async () => {
    await import('node-cron');
  });
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-03-10T09:00:00.100Z') });
  });
  afterEach(async () => {
    for (const poller of pollers.splice(0)) await poller.stop();
    vi.useRealTimers();
  });
  const poller = (timeline: TimelineService, start = true) => {
    const made = new ReminderPoller(
      timeline,
      async () => ({ ok: true, ts: '1', text: '' }),
      quiet,
      () => Date.now(),
    );
    pollers.push(made);
    if (start) made.start();
    return made;
  };

  it('passes again when the next row becomes claimable, before its next beat', async () => {
    const { timeline, claimDue } = timelineClaimableIn(40);
    poller(timeline);
    await vi.advanceTimersByTimeAsync(0);
    expect(claimDue).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(30);
    expect(claimDue).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(20);
    expect(claimDue).toHaveBeenCalledTimes(2);
  });

  it('sets no timer when nothing is pending or claimed elsewhere', async () => {
    const { timeline, claimDue } = timelineClaimableIn(null);
    poller(timeline);
    await vi.advanceTimersByTimeAsync(50);
    expect(claimDue).toHaveBeenCalledTimes(1);
  });

  it('leaves a row that is claimable yet was not taken to the beat, instead of spinning on it', async () => {
    const { timeline, claimDue } = timelineClaimableIn(-5);
    poller(timeline);
    await vi.advanceTimersByTimeAsync(50);
    expect(claimDue).toHaveBeenCalledTimes(1);
  });

  it('sets no timer before it is started: a rehearsal drives its passes itself', async () => {
    const { timeline, claimDue } = timelineClaimableIn(40);
    await poller(timeline, false).tick();
    await vi.advanceTimersByTimeAsync(50);
    expect(claimDue).toHaveBeenCalledTimes(1);
  });

  it('beats every second while a run is active, though nothing is pending, and no idle look on top', async () => {
    const { timeline, claimDue } = timelineClaimableIn(null, { run: true });
    poller(timeline);
    await vi.advanceTimersByTimeAsync(10_000);
    // The first pass at start, then one a second: the 5 s idle look adds none while the beat runs.
    expect(claimDue.mock.calls.length).toBeGreaterThanOrEqual(9);
    expect(claimDue.mock.calls.length).toBeLessThanOrEqual(11);
  });

  it('keeps no per-second beat while idle, and looks every 5 s for runs started elsewhere', async () => {
    const active = { run: true };
    const { timeline, claimDue } = timelineClaimableIn(null, active);
    poller(timeline);
    await vi.advanceTimersByTimeAsync(1_000);
    active.run = false; // the last run ended: the next pass stops the beat
    await vi.advanceTimersByTimeAsync(1_000);
    const idleFrom = claimDue.mock.calls.length;
    await vi.advanceTimersByTimeAsync(2_500);
    expect(claimDue.mock.calls.length).toBe(idleFrom);
    await vi.advanceTimersByTimeAsync(2_600);
    expect(claimDue.mock.calls.length).toBe(idleFrom + 1);
  });
});
