import { describe, it, expect } from 'vitest';
import { fallbackDateTime, formatMinutes, slackDate, slackTime, slackWindow } from '../../../src/slack/views/slackDate.js';

const AT = Date.UTC(2026, 10, 23, 16, 0, 42); // 2026-11-23 16:00:42 UTC
const SECONDS = Math.floor(AT / 1000);

describe('slackDate', () => {
  it('writes a Slack date token with whole seconds and a UTC fallback', () => {
    expect(slackDate(AT, '{date_short_pretty} {time}')).toBe(`<!date^${SECONDS}^{date_short_pretty} {time}|2026-11-23 16:00 UTC>`);
  });

  it('writes the fallback in another zone when asked', () => {
    expect(slackDate(AT, '{time}', 'America/New_York')).toBe(`<!date^${SECONDS}^{time}|2026-11-23 11:00 EST>`);
    expect(fallbackDateTime(Date.UTC(2026, 6, 1, 12, 0), 'Europe/Berlin')).toBe('2026-07-01 14:00 GMT+2');
  });

  it('falls back to UTC for an unknown zone instead of failing', () => {
    expect(fallbackDateTime(AT, 'Mars/Olympus_Mons')).toBe('2026-11-23 16:00 UTC');
  });

  it('writes a time of day with a short fallback', () => {
    expect(slackTime(AT)).toBe(`<!date^${SECONDS}^{time}|16:00 UTC>`);
  });
});

describe('slackWindow', () => {
  const open = Date.UTC(2026, 10, 23, 12, 0);
  const close = Date.UTC(2026, 10, 23, 14, 0);

  it('shows only the end time for a window shorter than a day', () => {
    expect(slackWindow(open, close)).toBe(
      `<!date^${open / 1000}^{date_short_pretty} {time}|2026-11-23 12:00 UTC> – <!date^${close / 1000}^{time}|14:00 UTC>`,
    );
  });

  it('shows the end day too for a window of a day or more', () => {
    const later = open + 2 * 86_400_000;
    expect(slackWindow(open, later)).toContain(`<!date^${later / 1000}^{date_short_pretty} {time}|2026-11-25 12:00 UTC>`);
  });

  it('reads open-ended windows as "from" and "by", and no window as nothing', () => {
    expect(slackWindow(open, null)).toMatch(/^from <!date\^/);
    expect(slackWindow(null, close)).toMatch(/^by <!date\^/);
    expect(slackWindow(null, null)).toBe('');
  });
});

describe('formatMinutes', () => {
  it('words durations the way a button would', () => {
    expect([5, 30, 60, 90, 120, 1440, 2880].map(formatMinutes)).toEqual(['5 min', '30 min', '1 h', '1 h 30 min', '2 h', '1 day', '2 days']);
  });
});
