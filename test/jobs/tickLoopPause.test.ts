import { afterEach, describe, expect, it } from 'vitest';
import { createTickLoop, type TickLoop } from '../../src/jobs/tickLoop.js';
import { waitFor } from '../support/waitFor.js';

describe('tick loop while paused (a replica that lost its database)', () => {
  const loops: TickLoop[] = [];
  afterEach(async () => {
    for (const loop of loops.splice(0)) await loop.stop();
  });

  it('runs no tick while paused, heartbeat or poke, and keeps a poke for when the pause ends', async () => {
    let paused = true;
    let ticks = 0;
    const loop = createTickLoop({ intervalMs: 5, pausedRetryMs: 5, paused: () => paused, tick: () => void ticks++, onError: () => {} });
    loops.push(loop);
    loop.start();
    loop.poke();
    await loop.tick();
    // Several heartbeats and retries come round meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(ticks).toBe(0);
    paused = false;
    await waitFor(() => ticks > 0);
  });

  it('a poke-only loop (no heartbeat) poked while paused ticks once the pause ends', async () => {
    let paused = true;
    let ticks = 0;
    const loop = createTickLoop({ pausedRetryMs: 5, paused: () => paused, tick: () => void ticks++, onError: () => {} });
    loops.push(loop);
    loop.poke();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ticks).toBe(0);
    paused = false;
    await waitFor(() => ticks === 1);
  });

  it('does not report a tick that failed because the database went away meanwhile, and runs it again after the pause', async () => {
    let paused = false;
    let ticks = 0;
    const errors: unknown[] = [];
    const loop = createTickLoop({
      pausedRetryMs: 5,
      paused: () => paused,
      tick: async () => {
        ticks++;
        if (ticks === 1) {
          // The probe finds the database lost while this tick's query is in flight.
          paused = true;
          throw new Error('database is not currently accepting connections');
        }
      },
      onError: (error) => errors.push(error),
    });
    loops.push(loop);
    await loop.tick();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ticks).toBe(1);
    paused = false;
    await waitFor(() => ticks === 2);
    expect(errors).toEqual([]);
  });

  it('still reports a tick that fails while the database answers', async () => {
    const errors: unknown[] = [];
    const loop = createTickLoop({ paused: () => false, tick: () => Promise.reject(new Error('boom')), onError: (error) => errors.push(error) });
    loops.push(loop);
    await loop.tick();
    expect(errors).toHaveLength(1);
  });
});
