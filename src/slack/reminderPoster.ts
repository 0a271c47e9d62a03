import type { Logger } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { PostOutcome, ReminderPoster } from '../service/reminderDelivery.js';
import type { ClaimedReminders, ReminderRow } from '../service/claimedReminders.js';
import type { RunMessages } from '../service/runMessages.js';
import type { OutgoingReminder } from '../service/timelineService.js';
import { phaseKey } from './messageLayout.js';
import type { ChannelPostPacer } from './channelPostPacer.js';
import { findPostedMessage } from './findPostedMessage.js';
import { type ClientForChannel, classifySlackError, LATE_LANDING_MS, outcomeUnknown } from './webClients.js';
import { noticeText } from './views/noticeText.js';
import { overdueReminderBlocks } from './views/overdueReminder.js';
import { actionsBlock, button, sectionBlock } from './views/blockKit.js';
import { ActionIds } from './ids.js';
import { renderReminderText } from './views/reminderText.js';
import { renderSharedReminderText } from './views/sharedReminderText.js';
import { isTokenRefusal } from './tokenRefusals.js';
import { newErrorId } from './replyWithError.js';

export const REMINDER_METADATA_TYPE = 'deployday_reminder';

/** A page by hand's notice: its text and a Resolve button (a person's page is ended by a person). */
function pageNoticeBlocks(text: string, dedupKey: string): KnownBlock[] {
  return [sectionBlock(text), actionsBlock([button({ text: 'Resolve the page', actionId: ActionIds.pageResolve, value: dedupKey })])];
}

/** The text and blocks of a reminder or notice, from what the timeline prepared. */
export async function renderOutgoing(
  outgoing: OutgoingReminder,
  link: (runId: number, phaseId: string) => Promise<string | null>,
): Promise<{ text: string; blocks?: KnownBlock[] }> {
  const c = outgoing.content;
  if (c.type === 'notice') {
    const text = noticeText(c.notice);
    if (c.notice.kind !== 'page_sent' || c.notice.resolvableKey === undefined) return { text };
    return { text, blocks: pageNoticeBlocks(text, c.notice.resolvableKey) };
  }
  const messageLink = await link(c.run.id, c.phaseId);
  if (c.shared && (c.kind === 'opens_soon' || c.kind === 'opened' || c.kind === 'closing_soon' || c.kind === 'overdue')) {
    const text = renderSharedReminderText({
      kind: c.kind,
      runId: c.run.id,
      runTitle: c.run.checklist.title,
      sections: c.shared.map((p) => ({ title: p.section.title, window: p.window, openItems: p.openItems })),
      ...(messageLink ? { messageLink } : {}),
      late: outgoing.late,
      dueAt: outgoing.row.dueAt,
      ...(c.blockedBy ? { blocked: c.blockedBy } : {}),
      timezone: c.run.timezone,
    });
    if (c.kind !== 'overdue') return { text };
    return {
      text,
      blocks: overdueReminderBlocks(
        c.run.id,
        c.shared.map((p) => p.section.id),
        text,
      ),
    };
  }
  const text = renderReminderText({
    kind: c.kind,
    runId: c.run.id,
    runTitle: c.run.checklist.title,
    sectionTitle: c.section.title,
    window: c.window,
    openItems: c.openItems,
    ...(messageLink ? { messageLink } : {}),
    late: outgoing.late,
    dueAt: outgoing.row.dueAt,
    ...(c.blockedBy ? { blocked: c.blockedBy } : {}),
    timezone: c.run.timezone,
    ...(c.itemText ? { itemText: c.itemText } : {}),
    ...(c.minutes !== null ? { minutes: c.minutes } : {}),
  });
  if (c.kind !== 'overdue') return { text };
  return { text, blocks: overdueReminderBlocks(c.run.id, c.section.id, text) };
}

/** How soon to look again when a reminder has to wait for the run's own messages. */
export const WAIT_FOR_RUN_MESSAGES_MS = 250;

/**
 * Whether a reminder must wait for the sync loop: the run's messages (the overview and every phase
 * message) are posted a moment after the start, paced like any post to the channel, while a window
 * that is already open or overdue is due at once. Posting first would put "Before is overdue" above
 * or among the checklist it is about, without its link. A message Slack refused is not waited for:
 * it may never be posted.
 */
export async function waitsForRunMessages(messages: RunMessages, outgoing: OutgoingReminder): Promise<boolean> {
  return await messages.awaitingPosts(outgoing.row.runId);
}

/** Posts reminders and notices with the background client, tagged so a restart can find them. */
export function createReminderPoster(deps: {
  /** The background client of the channel's workspace. */
  clientFor: ClientForChannel;
  messages: RunMessages;
  logger: Logger;
  /** A posted run message's Slack link (null until it and the workspace URL are known). */
  messageLink: (runId: number, key: string) => Promise<string | null>;
  /** The run channels' shared post pace (reminders count against Slack's per-channel limit too). */
  pacer?: ChannelPostPacer;
  lateLandingMs?: number | undefined; // LATE_LANDING_MS unless a test shortens it
}): ReminderPoster {
  const link = async (runId: number, phaseId: string): Promise<string | null> => await deps.messageLink(runId, phaseKey(phaseId, 1));
  /**
   * Reminders whose last post got no answer (a timeout, a dropped connection): it may have arrived
   * late, so the next attempt first looks for it in the channel. Without this a reminder sent during
   * a slow spell of Slack's was posted twice (found by test/integration/slackOutage.test.ts).
   */
  const unanswered = new Set<string>();
  /** Channels whose token Slack refused, already logged. */
  const tokenRefusedChannels = new Set<string>();
  return async (outgoing): Promise<PostOutcome> => {
    if (await waitsForRunMessages(deps.messages, outgoing)) {
      return { ok: false, retryInMs: WAIT_FOR_RUN_MESSAGES_MS, error: 'waiting for the run messages to be posted' };
    }
    const key = outgoing.row.key;
    const client = await deps.clientFor(outgoing.channelId);
    // A row taken over from a replica that died mid-send may have reached the channel already.
    if (unanswered.has(key) || outgoing.row.reclaimedFrom !== null) {
      const earlier = await findPostedMessage(
        client,
        outgoing.channelId,
        (m) => m.event_type === REMINDER_METADATA_TYPE && m.event_payload?.key === key,
      );
      if (earlier.kind === 'found') {
        unanswered.delete(key);
        return { ok: true, ts: earlier.ts };
      }
      if (earlier.kind === 'retry') return { ok: false, retryInMs: earlier.retryInMs, error: 'could not yet check whether the last attempt arrived' };
      // Not there, or history is unreadable (a missing scope): post again; a rare duplicate beats a lost reminder.
      unanswered.delete(key);
    }
    // Takes the post's slot in the channel's pace (shared with the other replicas), or waits for it.
    const readyAt = (await deps.pacer?.take(outgoing.channelId, Date.now())) ?? 0;
    if (readyAt > 0) return { ok: false, retryInMs: Math.max(1, readyAt - Date.now()), error: 'pacing posts to this channel' };
    const { text, blocks } = await renderOutgoing(outgoing, link);
    try {
      const result = await client.chat.postMessage({
        channel: outgoing.channelId,
        text,
        ...(blocks ? { blocks } : {}),
        unfurl_links: false,
        metadata: { event_type: REMINDER_METADATA_TYPE, event_payload: { key: outgoing.row.key } },
      });
      deps.pacer?.answered(outgoing.channelId, Date.now());
      return { ok: true, ts: typeof result.ts === 'string' ? result.ts : null, text };
    } catch (error) {
      const failure = classifySlackError(error);
      if (outcomeUnknown(error)) {
        unanswered.add(key);
        return {
          ok: false,
          retryInMs: deps.lateLandingMs ?? LATE_LANDING_MS,
          error: `no answer from Slack (${failure.kind === 'transient' ? failure.detail : failure.kind}); will check before posting again`,
        };
      }
      if (failure.kind === 'rate_limited') {
        // Every post to the channel waits, on every replica, not only this reminder.
        await deps.pacer?.rateLimited(outgoing.channelId, Date.now() + failure.retryAfterMs);
        return { ok: false, retryInMs: failure.retryAfterMs, error: 'rate limited' };
      }
      if (failure.kind === 'transient') return { ok: false, retryInMs: 5_000, error: failure.detail };
      if (!isTokenRefusal(failure.error)) deps.logger.error(`Slack refused reminder ${outgoing.row.key}: ${failure.error} ${failure.detail}`);
      else if (!tokenRefusedChannels.has(outgoing.channelId)) {
        // Every reminder to this channel fails the same way until the app is installed again: say it once.
        tokenRefusedChannels.add(outgoing.channelId);
        deps.logger.error(
          `[${newErrorId()}] Slack refuses deployday's token for channel ${outgoing.channelId} (${failure.error}): its reminders and notices are dropped, runs and pages go on; install the app again`,
        );
      }
      return { ok: false, retryInMs: null, error: failure.error };
    }
  };
}

/**
 * At start, rows left `claimed` by a process that died may or may not have reached Slack. This
 * replica takes over those no live replica holds (on SQLite, all: ClaimedReminders.takeOver) and
 * looks each up in the channel's recent history by its metadata key: found → marked sent; not
 * found → released to be sent now. If the history cannot be read (missing scope, Slack down), the
 * row is released: a rare duplicate is better than a lost reminder. Their leases are kept while
 * the look-ups run (`hold`), so no other replica takes them over meanwhile.
 */
export async function reconcileClaimedReminders(deps: {
  clientFor: ClientForChannel;
  claimed: ClaimedReminders;
  logger: Logger;
  /** Marks a row found in the channel as sent (TimelineService.recordSent, which also plans what follows it). */
  recordSent: (row: ReminderRow, ts: string) => Promise<void>;
  /** Renews the leases of the rows taken over until the returned function is called. */
  hold: (ids: number[]) => () => void;
}): Promise<{ found: number; released: number }> {
  let found = 0;
  let released = 0;
  const claimed = await deps.claimed.takeOver();
  const letGo = deps.hold(claimed.map((c) => c.row.id));
  try {
    // A crash leaves at most one poller batch claimed, so one history look-up per row is cheap.
    for (const { row, channelId } of claimed) {
      const earlier = await findPostedMessage(
        await deps.clientFor(channelId),
        channelId,
        (m) => m.event_type === REMINDER_METADATA_TYPE && m.event_payload?.key === row.key,
      );
      if (earlier.kind === 'found') {
        await deps.recordSent(row, earlier.ts);
        found += 1;
      } else {
        if (earlier.kind !== 'absent') deps.logger.warn(`could not read ${channelId} history to reconcile reminder ${row.key}; sending it again`);
        await deps.claimed.release(row, 'released after restart');
        released += 1;
      }
    }
  } finally {
    letGo();
  }
  if (found + released > 0) deps.logger.info(`after restart: ${found} reminder(s) had been sent, ${released} will be sent now`);
  return { found, released };
}
