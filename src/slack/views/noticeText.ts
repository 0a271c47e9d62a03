import type { RunNotice } from '../../domain/runNotice.js';
import { checklistTitle, escapeMrkdwn } from './checklistMrkdwn.js';
import { githubCode as code } from './githubText.js';
import { slackDate } from './slackDate.js';

/**
 * The one place a run's channel notices are worded. Strings that came from a person (reasons,
 * page summaries) go through `escapeMrkdwn`; checklist text (markdown) through `checklistTitle`
 * (its plain words, as it is quoted in bold). So a typed or written `<!channel>` or disguised link
 * is shown as text and never becomes a mention or a link (see checklistMrkdwn.ts).
 * Mentions are produced only here, for ids the bot itself recorded.
 */
export function noticeText(notice: RunNotice): string {
  switch (notice.kind) {
    case 'gate_passed':
      return gatePassedText(notice);
    case 'rollback': {
      const seen =
        notice.trigger === undefined
          ? ''
          : `\nTrigger seen (${escapeMrkdwn(notice.trigger.list)}): ${notice.trigger.conditions.map((c) => `*${escapeMrkdwn(c)}*`).join(', ')}`;
      return `⏪ *Rollback declared on run #${notice.runId}* by ${mention(notice.by)}: ${escapeMrkdwn(notice.reason)}${seen}\n${notice.branch === false ? 'The checklist has no rollback steps.' : 'The rollback steps posted on standby above are now live: work them there.'} The remaining deployment phases are stopped.`;
    }
    case 'run_ended': {
      const label = notice.status === 'completed' ? '🏁 completed' : notice.status === 'rolled_back' ? '⏪ ended as rolled back' : '🛑 aborted';
      return `Run #${notice.runId} (${checklistTitle(notice.title)}) ${label} by ${mention(notice.by)}: ${escapeMrkdwn(notice.reason)}`;
    }
    case 't0_moved': {
      const shift = `${notice.minutes >= 0 ? '+' : '−'}${formatShift(Math.abs(notice.minutes))}`;
      return `🕑 ${mention(notice.by)} moved run #${notice.runId} (${checklistTitle(notice.title)}) by ${shift}: T-0 is now ${slackDate(notice.t0, '{date_short_pretty} {time}')}. Every later window and reminder moved with it; \`/deploy schedule\` shows the new timeline.`;
    }
    case 'page_sent':
      return notice.action === 'trigger'
        ? `📟 Paged on-call through PagerDuty at ${slackDate(notice.at, '{time}')}: ${escapeMrkdwn(notice.summary)}`
        : `✅ Page resolved at ${slackDate(notice.at, '{time}')}: ${escapeMrkdwn(notice.summary)}`;
    case 'page_refused':
      return `⚠️ PagerDuty refused the ${notice.action === 'trigger' ? 'page' : 'resolve'} (${notice.status ?? 'no status'}: ${escapeMrkdwn(notice.error)}). It will not be retried: check the PagerDuty integration. Page was: ${escapeMrkdwn(notice.summary)}`;
    case 'update_posted':
      return `📣 *${checklistTitle(notice.title)}* (run #${notice.runId}) — posted by ${mention(notice.by)}\n${escapeMrkdwn(notice.text)}`;
    case 'page_delayed':
      return `⏳ PagerDuty is not answering (${escapeMrkdwn(notice.error)}); still trying to deliver: ${escapeMrkdwn(notice.summary)}`;
    case 'github_waiting': {
      const from = [notice.ref ? `ref ${code(notice.ref)}` : null, notice.sender ? `started by ${escapeMrkdwn(notice.sender)}` : null].filter(
        Boolean,
      );
      return `🚦 GitHub is waiting for this gate to deploy ${code(notice.environment)} (${escapeMrkdwn(notice.repository)}${from.length ? `, ${from.join(', ')}` : ''}): *${checklistTitle(notice.gateText)}* on run #${notice.runId}. Go approves the deployment; No-Go rejects it with the reason.`;
    }
    case 'github_answered':
      return notice.decision === 'approved'
        ? `🚀 GitHub was told to deploy ${code(notice.environment)} (${escapeMrkdwn(notice.repository)}): approved by run #${notice.runId}'s Go.`
        : `🛑 GitHub was told not to deploy ${code(notice.environment)} (${escapeMrkdwn(notice.repository)}): rejected by run #${notice.runId}.`;
    case 'github_refused':
      return `⚠️ GitHub refused deployday's ${notice.decision === 'approved' ? 'approval' : 'rejection'} of the ${code(notice.environment)} deployment (${escapeMrkdwn(notice.repository)}): ${escapeMrkdwn(notice.error)}. Check the deployment on GitHub.`;
  }
}

const UNLOCKED_SHOWN = 5;

/**
 * Says exactly what the Go let through: a section whose window has opened is open now, one still
 * ahead is named with its opening time; nothing is called open before it is.
 */
function gatePassedText(notice: Extract<RunNotice, { kind: 'gate_passed' }>): string {
  const head = `✅ Gate passed on run #${notice.runId}: *${checklistTitle(notice.gateText)}* (${checklistTitle(notice.sectionTitle)})${notice.openItems ? `, Go with ${notice.openItems} open` : ''}.`;
  if (notice.unlocked === undefined) return head;
  if (notice.unlocked.length === 0) return `${head} Nothing else was waiting on it.`;
  const at = notice.at ?? 0;
  const parts = notice.unlocked.slice(0, UNLOCKED_SHOWN).map((s) => {
    const title = `*${checklistTitle(s.title)}*`;
    if (s.opensAt !== null && s.opensAt > at) return `${title} opens ${slackDate(s.opensAt, '{date_short_pretty} {time}')}`;
    return s.closesAt === null ? `${title} can start now` : `${title} can start now, until ${slackDate(s.closesAt, '{time}')}`;
  });
  if (notice.unlocked.length > UNLOCKED_SHOWN) parts.push(`${notice.unlocked.length - UNLOCKED_SHOWN} more sections after them`);
  return `${head} No longer blocked by it: ${parts.join('; ')}.`;
}

/** A mention of a user id the bot recorded itself (never of text a person typed). */
export function mention(userId: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

function formatShift(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h}h${m ? ` ${m}m` : ''}` : `${m}m`;
}
