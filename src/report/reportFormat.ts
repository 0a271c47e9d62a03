import { itemsLeft, type AuditRecord, type RunReport } from '../domain/runReport.js';

/** Shared wording of the exported report (markdown and HTML): UTC ISO times, plain durations. */

export function isoUtc(ms: number | null): string {
  return ms === null ? '—' : new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** "2 h 14 min", "45 min", "3 days 2 h". */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts = [days ? `${days} day${days === 1 ? '' : 's'}` : '', hours ? `${hours} h` : '', rest ? `${rest} min` : ''];
  return parts.filter(Boolean).join(' ');
}

export const STATUS_WORDS: Record<RunReport['status'], string> = {
  active: 'in progress',
  completed: 'completed',
  rolled_back: 'rolled back',
  aborted: 'aborted',
};

/** One audit row's detail as short text: the reason, the text, or compact JSON. */
export function auditDetail(row: AuditRecord): string {
  if (!row.detail) return '';
  return JSON.stringify(row.detail);
}

/** The headline figures both exports and the Slack summary agree on. */
export function headline(report: RunReport): Array<[string, string]> {
  return [
    ['Outcome', STATUS_WORDS[report.status] + (report.endReason ? ` — ${report.endReason}` : '')],
    ['Duration', formatDuration(report.durationMs)],
    ['Items', `${report.items.done} done, ${report.items.waived.length} waived, of ${report.items.total} · ${itemsLeft(report)}`],
    ['Gates', report.gates.length ? report.gates.map((g) => `${g.outcome}`).join(', ') : 'none'],
    ['Slips', report.slips.length ? report.slips.map((s) => `${s.minutes >= 0 ? '+' : ''}${s.minutes}m`).join(', ') : 'none'],
    ['Pages', report.pages.length ? report.pages.map((p) => `${p.reason} (${formatDuration(p.openMs)})`).join(', ') : 'none'],
    ['Rollback', report.rollback ? `${isoUtc(report.rollback.at)} — ${report.rollback.reason}` : 'none'],
    ['Phases that overran', report.overran.length ? report.overran.map((p) => `${p.title} (+${p.overrunMinutes} min)`).join(', ') : 'none'],
  ];
}
