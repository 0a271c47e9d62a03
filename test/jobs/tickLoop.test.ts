import { afterEach, describe, expect, it } from 'vitest';
import { createTickLoop, type TickLoop } from '../../src/jobs/tickLoop.js';

/** A tick that stays running until the test lets it go, counting how many ran and how many at once. */
function gatedTick() {
  const state = { started: 0, finished: 0, running: 0, maxRunning: 0, release: [] as Array<() => void> };
  const tick = async (): Promise<void> => {
    state.started += 1;
    state.running += 1;
    state.maxRunning = Math.max(state.maxRunning, state.running);
    await new Promise<void>((resolve) => state.release.push(resolve));
    state.running -= 1;
    state.finished += 1;
  };
  const releaseAll = () => state.release.splice(0).forEach((r) => r());
  return { state, tick, releaseAll };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('tick loop', () => {
  const loops: TickLoop[] = [];
  afterEach(async () => {
    for (const loop of loops.splice(0)) await loop.stop();
  });
  const make = (options: Parameters<typeof createTickLoop>[0]) => {
    const loop = createTickLoop(options);
    loops.push(loop);
    return loop;
  };

  it('never runs two ticks at once, and runs one more after a tick asked for during one', async () => {
    const { state, tick, releaseAll } = gatedTick();
    const loop = make({ tick, onError: () => {} });
    const first = loop.tick();
    const second = loop.tick();
    const third = loop.tick();
    await flush();
    expect(state.started).toBe(1);
    releaseAll();
    await flush();
    // The two asked for during the first collapse into one more pass.
    expect(state.started).toBe(2);
    releaseAll();
    await Promise.all([first, second, third]);
    expect(state.finished).toBe(2);
    expect(state.maxRunning).toBe(1);
  });

  it('stop waits for the running tick, and nothing ticks afterwards', async () => {
    const { state, tick, releaseAll } = gatedTick();
    const loop = make({ intervalMs: 5, tick, onError: () => {} });
    loop.start();
    void loop.tick();
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await flush();
    expect(stopped).toBe(false);
    releaseAll();
    await stopping;
    expect(state.finished).toBe(1);
    loop.poke();
    await loop.tick();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(state.started).toBe(1);
  });

  it('ticks on its interval once started, skipping a beat while a tick still runs', async () => {
    const { state, tick, releaseAll } = gatedTick();
    const loop = make({ intervalMs: 5, tick, onError: () => {} });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(state.started).toBe(0);
    loop.start();
    await expect.poll(() => state.started, { timeout: 1000, interval: 5 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(state.started).toBe(1);
    releaseAll();
    await expect.poll(() => state.started, { timeout: 1000, interval: 5 }).toBeGreaterThan(1);
    releaseAll();
    expect(state.maxRunning).toBe(1);
  });

  it('ticks once for several pokes, at the earliest time asked for', async () => {
    let ticks = 0;
    const loop = make({ tick: () => void (ticks += 1), onError: () => {} });
    loop.poke(10_000);
    loop.poke(10);
    loop.poke(20);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(ticks).toBe(1);
  });

  it('reports a tick that throws and keeps ticking', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const loop = make({
      tick: () => {
        calls += 1;
        if (calls === 1) throw new Error('boom');
      },
      onError: (error) => errors.push(error),
    });
    await loop.tick();
    await loop.tick();
    expect(calls).toBe(2);
    expect(errors).toEqual([new Error('boom')]);
  });

  it('beats on a node-cron schedule once started, and no more once stopped', async () => {
    let ticks = 0;
    const loop = make({
      cron: { expression: '* * * * * *', name: 'tick-loop-test', log: () => {} },
      tick: () => void (ticks += 1),
      onError: () => {},
    });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(ticks).toBe(0);
    loop.start();
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    expect(ticks).toBeGreaterThanOrEqual(1);
    await loop.stop();
    const after = ticks;
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(ticks).toBe(after);
  });

  it('does not beat when the beat is turned off again while node-cron is still loading', async () => {
    let ticks = 0;
    const loop = make({
      cron: { expression: '* * * * * *', name: 'tick-loop-off-while-loading', log: () => {}, offAtStart: true },
      tick: () => void (ticks += 1),
      onError: () => {},
    });
    loop.start();
    loop.beat(true);
    loop.beat(false);
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    expect(ticks).toBe(0);
    loop.beat(true);
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    expect(ticks).toBeGreaterThanOrEqual(1);
    await loop.stop();
  });
});
