/** "T-0", "T-15m", "T+1h 30m", "T-2d 1h": a moment relative to T-0, to the minute. */
export function formatOffset(at: number, t0: number): string {
  return formatOffsetMinutes(Math.round((at - t0) / 60_000));
}

export function formatOffsetMinutes(minutes: number): string {
  if (minutes === 0) return 'T-0';
  const abs = Math.abs(minutes);
  const parts: string[] = [];
  if (abs >= 1440) parts.push(`${Math.floor(abs / 1440)}d`);
  if (abs % 1440 >= 60) parts.push(`${Math.floor((abs % 1440) / 60)}h`);
  if (abs % 60 > 0) parts.push(`${abs % 60}m`);
  return `T${minutes < 0 ? '-' : '+'}${parts.join(' ')}`;
}
