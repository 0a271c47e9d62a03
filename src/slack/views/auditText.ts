import type { ItemTally } from '../../domain/itemTally.js';
import type { Run } from '../../domain/run.js';
import { tallyText } from './tallyText.js';
import type { AuditEntry } from '../../domain/auditEntry.js';
import { joinLinesWithin } from './blockKit.js';
import { checklistTitle, escapeMrkdwn } from './checklistMrkdwn.js';
import { slackDayTime } from './slackDate.js';

const REPLY_MAX = 2_900;

/** `/deploy export`: the audit trail as a readable list, newest last, cut to fit one reply. */
export function renderAuditText(run: Run, entries: AuditEntry[], tally?: ItemTally): string {
  const items = tally ? ` · items: ${tallyText(tally)}` : '';
  const head = `*Audit record of run #${run.id}* · ${checklistTitle(run.checklist.title)}${items} · ${entries.length} entries. The full record (JSON or markdown) comes from \`npx deployday export ${run.id}\` on the bot's host.`;
  const lines = entries.map((e) => {
    const target = e.target ? ` \`${escapeMrkdwn(e.target)}\`` : '';
    const reason = typeof e.detail?.reason === 'string' && e.detail.reason ? ` — ${escapeMrkdwn(e.detail.reason)}` : '';
    const actor = /^[UW][A-Z0-9]+$/.test(e.actor) ? `<@${e.actor}>` : escapeMrkdwn(e.actor);
    return `${slackDayTime(e.at)} ${actor} ${e.action}${target}${reason}`;
  });
  return `${head}\n${joinLinesWithin(lines, REPLY_MAX - head.length)}`;
}
