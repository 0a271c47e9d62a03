import { describe, expect, it } from 'vitest';
import { formatOffset } from '../../src/rehearsal/formatOffset.js';
import { firstLine } from '../../src/rehearsal/formatRehearsal.js';

const T0 = Date.UTC(2026, 10, 23, 15, 0);
const MINUTE = 60_000;

describe('formatOffset', () => {
  it('names a moment relative to T-0 in days, hours and minutes, leaving out the empty parts', () => {
    expect(formatOffset(T0, T0)).toBe('T-0');
    expect(formatOffset(T0 - 15 * MINUTE, T0)).toBe('T-15m');
    expect(formatOffset(T0 + 90 * MINUTE, T0)).toBe('T+1h 30m');
    expect(formatOffset(T0 - 2 * 1440 * MINUTE - 60 * MINUTE, T0)).toBe('T-2d 1h');
    expect(formatOffset(T0 + 1440 * MINUTE + 5 * MINUTE, T0)).toBe('T+1d 5m');
  });
});

describe('firstLine', () => {
  it("reads Slack date tokens in the run's timezone and undoes Slack escapes, keeping only the first line", () => {
    const text =
      ':warning: *#3 Testing &amp; Launch* · *Canary &lt;10%&gt;* closes at <!date^1795446000^{date_short_pretty} {time}|2026-11-23 15:00 UTC>. Still open:\n• Deploy — _no owner_';
    expect(firstLine(text, 'America/New_York')).toBe(':warning: *#3 Testing & Launch* · *Canary <10%>* closes at 2026-11-23 10:00 EST. Still open:');
  });

  it('shows a date token whose fallback is UTC in the same zone as the rest of the rehearsal', () => {
    const notice = 'Rollout opens <!date^1795446000^{date_short_pretty} {time}|2026-11-23 15:00 UTC>; Sign-offs can start now.';
    expect(firstLine(notice, 'America/Los_Angeles')).toBe('Rollout opens 2026-11-23 07:00 PST; Sign-offs can start now.');
  });
});
