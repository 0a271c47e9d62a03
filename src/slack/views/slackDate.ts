/**
 * Slack date tokens: `<!date^SECONDS^{format}|FALLBACK>` shows each reader the moment in their own
 * timezone, which matters when a deployment team spans zones. The fallback (shown where tokens are
 * not rendered, e.g. notifications) is written in UTC unless a zone is asked for.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

interface Parts {
  date: string;
  time: string;
  zone: string;
}

// Building an Intl.DateTimeFormat costs far more than using one; every message renders dozens of dates.
const formats = new Map<string, Intl.DateTimeFormat>();

function partsIn(epochMs: number, timeZone: string): Parts {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formats.set(timeZone, format);
  }
  const get = (parts: Intl.DateTimeFormatPart[], type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  const parts = format.formatToParts(new Date(epochMs));
  return {
    date: `${get(parts, 'year')}-${get(parts, 'month')}-${get(parts, 'day')}`,
    time: `${get(parts, 'hour')}:${get(parts, 'minute')}`,
    zone: timeZone === 'UTC' ? 'UTC' : get(parts, 'timeZoneName') || timeZone,
  };
}

function fallbackParts(epochMs: number, timeZone: string): Parts {
  try {
    return partsIn(epochMs, timeZone);
  } catch {
    // An unknown zone must not break a message; UTC is always right, just less friendly.
    return partsIn(epochMs, 'UTC');
  }
}

/** "2026-11-23 16:00 UTC": how a moment reads where Slack does not render date tokens. */
export function fallbackDateTime(epochMs: number, timeZone = 'UTC'): string {
  const p = fallbackParts(epochMs, timeZone);
  return `${p.date} ${p.time} ${p.zone}`;
}

/**
 * `<!date^SECONDS^{format}|2026-11-23 16:00 UTC>`. `format` uses Slack's tokens, e.g. `{time}`,
 * `{date_short_pretty} {time}`; the fallback is written in `fallbackTz` (UTC by default).
 */
export function slackDate(epochMs: number, format: string, fallbackTz = 'UTC'): string {
  const seconds = Math.floor(epochMs / 1000);
  return `<!date^${seconds}^${format}|${fallbackDateTime(epochMs, fallbackTz)}>`;
}

/**
 * A time of day only, with a short fallback ("16:00 UTC"). Used where space is tight, such as the
 * 75-character description under a checkbox.
 */
export function slackTime(epochMs: number): string {
  const seconds = Math.floor(epochMs / 1000);
  const p = fallbackParts(epochMs, 'UTC');
  return `<!date^${seconds}^{time}|${p.time} UTC>`;
}

/** A day and time in the reader's zone: "Today 4:00 PM", "Nov 23 4:00 PM". */
export function slackDayTime(epochMs: number): string {
  return slackDate(epochMs, '{date_short_pretty} {time}');
}

/**
 * A window as "<start> – <end>": the end shows only a time when the window is shorter than a day,
 * so the common case stays short. Open-ended windows read "from <start>" or "by <end>".
 */
export function slackWindow(opensAt: number | null, closesAt: number | null): string {
  if (opensAt !== null && closesAt !== null) {
    const end = closesAt - opensAt < DAY_MS ? slackTime(closesAt) : slackDayTime(closesAt);
    return `${slackDayTime(opensAt)} – ${end}`;
  }
  if (opensAt !== null) return `from ${slackDayTime(opensAt)}`;
  if (closesAt !== null) return `by ${slackDayTime(closesAt)}`;
  return '';
}

/** A duration in words for buttons and notices: "30 min", "1 h", "1 h 30 min", "2 days". */
export function formatMinutes(minutes: number): string {
  const m = Math.max(0, Math.round(minutes));
  if (m < 60) return `${m} min`;
  if (m % 1440 === 0) return m === 1440 ? '1 day' : `${m / 1440} days`;
  const hours = Math.floor(m / 60);
  const rest = m % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
