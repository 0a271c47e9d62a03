/** `/deploy runs`: one line per run, in the order the caller gives. */
import type { ItemTally } from '../../domain/itemTally.js';
import type { Run } from '../../domain/run.js';
import { tallyText } from './tallyText.js';
import { joinLinesWithin, truncate } from './blockKit.js';
import { checklistTitle, escapeMrkdwn } from './checklistMrkdwn.js';
import { relativeTime, runStatusLabel } from './runLabels.js';
import { progressBar } from './runState.js';
import { TEXT_REPLY_MAX } from './scheduleText.js';
import { slackDayTime } from './slackDate.js';

const TITLE_MAX = 80;
const LINE_MAX = 400;

export function renderRunListText(runs: Array<{ run: Run; tally: ItemTally }>, now: number): string {
  if (runs.length === 0) return '_No runs yet._';
  const head = '*Runs*';
  const lines = runs.map(({ run, tally }) => {
    const title = truncate(checklistTitle(run.checklist.title), TITLE_MAX);
    const when = `T-0 ${slackDayTime(run.t0)} (${relativeTime(run.t0, now)})`;
    return truncate(
      `• *#${run.id}* ${title} \`${truncate(escapeMrkdwn(run.checklistName), TITLE_MAX)}\` — ${runStatusLabel(run)} — ${progressBar(tally.done, tally.total)} ${tallyText(tally)} — ${when} — <#${run.channelId}>`,
      LINE_MAX,
    );
  });
  return `${head}\n${joinLinesWithin(lines, TEXT_REPLY_MAX - head.length - 1)}`;
}
