import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { retryInBackground } from '../../src/slack/retryInBackground.js';

describe('retryInBackground', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('tries again with a doubling wait until the work succeeds, then stops', async () => {
    let calls = 0;
    const onGiveUp = vi.fn();
    retryInBackground(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('the database does not answer');
      },
      { firstDelayMs: 100, onGiveUp },
    );
    await vi.advanceTimersByTimeAsync(99);
    expect(calls).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(400);
    expect(calls).toBe(3);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(3);
    expect(onGiveUp).not.toHaveBeenCalled();
  });

  it('gives up after its tries, telling the last failure once', async () => {
    const onGiveUp = vi.fn();
    retryInBackground(
      async () => {
        throw new Error('still down');
      },
      { firstDelayMs: 10, maxDelayMs: 20, attempts: 3, onGiveUp },
    );
    await vi.advanceTimersByTimeAsync(1_000);
    expect(onGiveUp).toHaveBeenCalledTimes(1);
    expect(String(onGiveUp.mock.calls[0]![0])).toContain('still down');
  });
});
