import type { AuditRecord, RunReport } from '../domain/runReport.js';
import { auditDetail, formatDuration, headline, isoUtc } from './reportFormat.js';

/**
 * The run's record as markdown, for the thread and for change tickets: the summary, planned
 * against actual per phase, gates with every vote, and the full audit table. Times are UTC.
 */

/** Table cells hold checklist and people's text: pipes and line breaks would break the row. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function reportMarkdown(report: RunReport, audit: AuditRecord[]): string {
  const lines: string[] = [
    `# Run #${report.runId} — ${cell(report.title)}`,
    '',
    `Checklist \`${cell(report.checklistName)}\`, channel ${report.channelId}, started by ${report.startedBy} at ${isoUtc(report.createdAt)}, T-0 ${isoUtc(report.t0)} (${report.timezone}), ended ${isoUtc(report.endedAt)}.`,
    '',
    '## Summary',
    '',
    '| | |',
    '|---|---|',
    ...headline(report).map(([k, v]) => `| ${k} | ${cell(v)} |`),
    '',
    '## Phases: planned against actual',
    '',
    '| Phase | Planned | Actual | Overrun |',
    '|---|---|---|---|',
    ...report.phases.map(
      (p) =>
        `| ${cell(p.title)} | ${isoUtc(p.plannedOpen)} – ${isoUtc(p.plannedClose)} | ${isoUtc(p.actualOpen)} – ${isoUtc(p.actualClose ?? p.lastMark)}${p.actualClose === null && p.lastMark !== null ? ' (unfinished)' : ''} | ${p.overrunMinutes === null ? '—' : `${p.overrunMinutes > 0 ? '+' : ''}${p.overrunMinutes} min`} |`,
    ),
    '',
    '## Gates',
    '',
    ...(report.gates.length
      ? report.gates.map(
          (g) =>
            `- ${cell(g.text)} — **${g.outcome}**${g.votes.length ? `: ${g.votes.map((v) => `${v.userId} ${v.vote === 'go' ? 'Go' : 'No-Go'} at ${isoUtc(v.at)}${v.reason ? ` (${cell(v.reason)})` : ''}`).join('; ')}` : ''}`,
        )
      : ['- none']),
    '',
    '## Sign-offs',
    '',
    ...(report.signoffs.length
      ? report.signoffs.map((s) => `- ${cell(s.role || s.text)}: ${s.by ? `${s.by} at ${isoUtc(s.at)}` : 'not signed'}`)
      : ['- none']),
    '',
    '## Waived items',
    '',
    ...(report.items.waived.length ? report.items.waived.map((w) => `- ${cell(w.text)} — ${cell(w.reason)} (${w.by ?? 'unknown'})`) : ['- none']),
    '',
    '## Slips and pages',
    '',
    ...report.slips.map((s) => `- Slip ${s.minutes >= 0 ? '+' : ''}${s.minutes} min by ${s.by} at ${isoUtc(s.at)} (${s.how})`),
    ...report.pages.map(
      (p) =>
        `- Page ${cell(p.reason)}: ${cell(p.summary)} — opened ${isoUtc(p.openedAt)}, ${p.resolvedAt ? `resolved ${isoUtc(p.resolvedAt)}` : 'never resolved'}, open ${formatDuration(p.openMs)}`,
    ),
    ...(report.slips.length + report.pages.length === 0 ? ['- none'] : []),
    '',
    `## Audit trail (${audit.length} rows)`,
    '',
    '| # | Time (UTC) | Actor | Action | Target | Detail |',
    '|---|---|---|---|---|---|',
    ...audit.map((a) => `| ${a.id} | ${isoUtc(a.at)} | ${cell(a.actor)} | ${cell(a.action)} | ${cell(a.target ?? '')} | ${cell(auditDetail(a))} |`),
    '',
  ];
  return lines.join('\n');
}
