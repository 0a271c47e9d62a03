import { afterEach, describe, expect, it, vi } from 'vitest';
import { acceleratedClock, realMsUntil, systemClock } from '../../src/service/clock.js';

const EPOCH = Date.UTC(2026, 2, 10, 9, 0);

describe('real time until a clock reads a moment', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is the difference on the system clock, and that difference divided by the scale on an accelerated one', () => {
    vi.useFakeTimers({ now: EPOCH + 10_000 });
    expect(realMsUntil(systemClock, EPOCH + 25_000)).toBe(15_000);
    const fast = acceleratedClock(30, EPOCH);
    // Ten real seconds after the epoch, the x30 clock reads five minutes after it.
    expect(fast.now()).toBe(EPOCH + 300_000);
    expect(realMsUntil(fast, EPOCH + 330_000)).toBe(1_000);
    expect(realMsUntil(fast, EPOCH + 270_000)).toBe(-1_000);
  });

  it('takes a clock that cannot say to run at real speed', () => {
    const standing = { now: () => EPOCH };
    expect(realMsUntil(standing, EPOCH + 4_000)).toBe(4_000);
  });
});
