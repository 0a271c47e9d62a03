/**
 * The message a run leaves in its channel when it ends: outcome and duration, items done and
 * waived (with reasons), gates and who voted, sign-offs, slips, pages and how long each stayed
 * open, the rollback, and the phases that overran. The timeline picture and the full record go
 * in its thread. Every figure comes from the report model, itself built from the audit rows.
 */
import type { KnownBlock } from '@slack/types';
import { itemsLeft, type RunReport } from '../../domain/runReport.js';
import { contextBlock, headerBlock, joinLinesWithin, sectionBlock, truncate, type SlackMessage } from './blockKit.js';
import { checklistInline, checklistPlain, checklistTitle, escapeMrkdwn } from './checklistMrkdwn.js';
import { SlackLimits } from './slackLimits.js';
import { formatMinutes, slackDayTime, slackTime } from './slackDate.js';

const PART_MAX = 1400;
const TEXT_MAX = 200;
const OUTCOME: Record<RunReport['status'], string> = {
  active: '🟢 still running',
  completed: '✅ completed',
  rolled_back: '↩️ rolled back',
  aborted: '⛔ aborted',
};

const minutes = (ms: number): string => formatMinutes(ms / 60_000);
const who = (userId: string | null): string => (userId && /^[UW][A-Z0-9]{1,20}$/.test(userId) ? `<@${userId}>` : 'someone');
const part = (title: string, lines: string[]): string => `*${title}*\n${joinLinesWithin(lines, PART_MAX - title.length - 3)}`;

export function renderRunSummary(report: RunReport, filesNote: string): SlackMessage {
  const reason = report.endReason ? ` — ${truncate(escapeMrkdwn(report.endReason), 300)}` : '';
  const head = [
    `*Outcome:* ${OUTCOME[report.status]}${reason}`,
    `*Duration:* ${minutes(report.durationMs)} (started ${slackDayTime(report.createdAt)}${report.endedAt !== null ? `, ended ${slackDayTime(report.endedAt)}` : ''}) · T-0 ${slackDayTime(report.t0)}`,
    `*Items:* ${report.items.done} done, ${report.items.waived.length} waived, of ${report.items.total} · ${itemsLeft(report)} · ${report.auditCount} audit rows`,
  ];
  const blocks: KnownBlock[] = [headerBlock(`Run #${report.runId} report · ${checklistPlain(report.title)}`), sectionBlock(head.join('\n'))];

  if (report.items.waived.length > 0) {
    blocks.push(
      sectionBlock(
        part(
          'Waived',
          report.items.waived.map(
            (w) => `• ${truncate(checklistInline(w.text), TEXT_MAX)} — _${truncate(escapeMrkdwn(w.reason), TEXT_MAX)}_ (${who(w.by)})`,
          ),
        ),
      ),
    );
  }
  if (report.gates.length > 0) {
    const lines = report.gates.map((g) => {
      const votes = g.votes.map(
        (v) =>
          `${who(v.userId)} ${v.vote === 'go' ? 'Go' : 'No-Go'} ${slackTime(v.at)}${v.reason ? ` (“${truncate(escapeMrkdwn(v.reason), 100)}”)` : ''}`,
      );
      return `• ${truncate(checklistInline(g.text), TEXT_MAX)} — *${g.outcome === 'passed' ? '✅ Go' : g.outcome === 'failed' ? '⛔ No-Go' : '⏳ undecided'}*${votes.length ? `: ${votes.join(', ')}` : ''}`;
    });
    blocks.push(sectionBlock(part('Gates', lines)));
  }
  if (report.signoffs.length > 0) {
    blocks.push(
      sectionBlock(
        part(
          'Sign-offs',
          report.signoffs.map(
            (s) =>
              `• ${truncate(escapeMrkdwn(s.role || s.text), 80)}: ${s.by ? `${who(s.by)} ${slackTime(s.at ?? report.endedAt ?? report.createdAt)}` : '_not signed_'}`,
          ),
        ),
      ),
    );
  }
  const events = [
    ...report.slips.map((s) => `• Slip ${s.minutes >= 0 ? '+' : ''}${s.minutes} min by ${who(s.by)} ${slackTime(s.at)}`),
    ...report.pages.map(
      (p) => `• Page: ${truncate(escapeMrkdwn(p.summary), 150)} — open ${minutes(p.openMs)}${p.resolvedAt === null ? ' (never resolved)' : ''}`,
    ),
    ...(report.rollback
      ? [`• 🚨 Rollback ${slackTime(report.rollback.at)} by ${who(report.rollback.by)}: ${truncate(escapeMrkdwn(report.rollback.reason), 300)}`]
      : []),
  ];
  if (events.length > 0) blocks.push(sectionBlock(part('Slips, pages and rollback', events)));
  const overran = report.overran.map(
    (p) =>
      `• ${truncate(checklistTitle(p.title), 80)}: closed ${slackTime(p.actualClose!)}, planned ${slackTime(p.plannedClose!)} (+${p.overrunMinutes} min)`,
  );
  blocks.push(sectionBlock(part('Phases that overran', overran.length ? overran : ['_none: every phase closed within its window_'])));
  blocks.push(contextBlock([filesNote]));

  const fallback = `Run #${report.runId} ${OUTCOME[report.status]} in ${minutes(report.durationMs)}: ${report.items.done} done, ${report.items.waived.length} waived`;
  return { text: truncate(fallback, SlackLimits.fallbackText), blocks };
}

export const FILES_IN_THREAD = '🧵 The timeline picture and the full audit record (markdown and HTML) are in the thread.';

/** Said in the thread when Slack refused the files for want of a scope. */
export function missingFilesScopeText(runId: number, scope: string): string {
  return [
    `⚠️ I could not attach the timeline picture and the audit record of run #${runId}: this app lacks the \`${scope}\` scope.`,
    `To get them next time, add \`${scope}\` under *OAuth & Permissions → Bot Token Scopes* (it is in deployday’s manifest.yml) and reinstall the app.`,
    `For this run: \`npx deployday export ${runId} --format html\` (or \`--format png\`, \`--format md\`) on the bot’s host writes the same files.`,
  ].join('\n');
}
