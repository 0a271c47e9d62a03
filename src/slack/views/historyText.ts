/**
 * `/deploy history <checklist>`: the checklist's past runs, newest first, each with when it ran,
 * how long it took, the phases that overran and how it ended.
 */
import type { PastRun } from '../../service/reportService.js';
import { joinLinesWithin, truncate } from './blockKit.js';
import { checklistTitle, escapeMrkdwn } from './checklistMrkdwn.js';
import { runStatusLabel } from './runLabels.js';
import { formatMinutes, slackDate } from './slackDate.js';
import { TEXT_REPLY_MAX } from './scheduleText.js';

export function renderHistoryText(checklistName: string, past: PastRun[]): string {
  const name = truncate(escapeMrkdwn(checklistName), 100);
  if (past.length === 0) return `No run of \`${name}\` has ended yet. Once one has, its duration and overruns show here and feed the forecast.`;
  const lines = past.map((p) => {
    const overran = p.overran.length === 0 ? 'no phase overran' : `overran: ${p.overran.map((t) => truncate(checklistTitle(t), 40)).join(', ')}`;
    return `• *#${p.run.id}* ${slackDate(p.run.createdAt, '{date_short_pretty}')} — ${runStatusLabel(p.run)} in ${formatMinutes(p.durationMs / 60_000)}; ${overran}`;
  });
  const head = `*Past runs of \`${name}\`* (newest first; the forecast uses the completed ones)`;
  return truncate(`${head}\n${joinLinesWithin(lines, TEXT_REPLY_MAX - head.length - 1)}`, TEXT_REPLY_MAX);
}
