import type { Logger } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { PostOutcome, ReminderPoster } from '../scheduler/reminderPoller.js';
import type { OutgoingReminder } from '../service/timelineService.js';
import type { Db } from '../store/db.js';
import { findRunMessage } from '../store/runMessages.js';
import { listClaimedReminders, markReminderSent, releaseReminder } from '../store/reminders.js';
import { findRun } from '../store/runs.js';
import { ActionIds, BlockIds } from './ids.js';
import { OVERVIEW_KEY, phaseKey } from './messageLayout.js';
import { classifySlackError } from './webClients.js';
import { renderReminderText } from './views/reminderText.js';

export const REMINDER_METADATA_TYPE = 'deployday_reminder';

/** The text and blocks of a reminder or notice, from what the timeline prepared. */
export function renderOutgoing(outgoing: OutgoingReminder, link: (runId: number, phaseId: string) => string | null): { text: string; blocks?: KnownBlock[] } {
  const c = outgoing.content;
  if (c.type === 'notice') return { text: c.text };
  const messageLink = link(c.run.id, c.phaseId);
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
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'actions',
        block_id: BlockIds.overdue(c.run.id, c.section.id),
        elements: [
          {
            type: 'button',
            action_id: ActionIds.overdueAck,
            text: { type: 'plain_text', text: 'Acknowledge: stop nudging' },
            value: `${c.run.id}:${c.section.id}`,
          },
        ],
      },
    ],
  };
}

/** How soon to look again when a reminder has to wait for the run's own messages. */
export const WAIT_FOR_RUN_MESSAGES_MS = 250;

/**
 * Whether a reminder must wait for the sync loop: the run's overview (and the phase message a
 * reminder links to) are posted a moment after the start, while a window that is already open or
 * overdue is due at once. Posting first would put "Before is overdue" above the checklist it is
 * about, without its link. A message Slack refused is not waited for: it may never be posted.
 */
export function waitsForRunMessages(db: Db, outgoing: OutgoingReminder): boolean {
  const runId = outgoing.row.runId;
  const keys = [OVERVIEW_KEY];
  if (outgoing.content.type === 'reminder') keys.push(phaseKey(outgoing.content.phaseId, 1));
  return keys.some((key) => {
    const message = findRunMessage(db, runId, key);
    return message !== null && message.ts === null && message.lastError === null;
  });
}

/** Posts reminders and notices with the background client, tagged so a restart can find them. */
export function createReminderPoster(deps: { client: WebClient; db: Db; logger: Logger; permalinkBase: () => string | null }): ReminderPoster {
  const link = (runId: number, phaseId: string): string | null => {
    const base = deps.permalinkBase();
    const message = findRunMessage(deps.db, runId, phaseKey(phaseId, 1));
    return base && message?.ts ? `${base}archives/${message.channelId}/p${message.ts.replace('.', '')}` : null;
  };
  return async (outgoing): Promise<PostOutcome> => {
    if (waitsForRunMessages(deps.db, outgoing)) {
      return { ok: false, retryInMs: WAIT_FOR_RUN_MESSAGES_MS, error: 'waiting for the run messages to be posted' };
    }
    const { text, blocks } = renderOutgoing(outgoing, link);
    try {
      const result = await deps.client.chat.postMessage({
        channel: outgoing.channelId,
        text,
        ...(blocks ? { blocks } : {}),
        unfurl_links: false,
        metadata: { event_type: REMINDER_METADATA_TYPE, event_payload: { key: outgoing.row.key } },
      });
      return { ok: true, ts: typeof result.ts === 'string' ? result.ts : null };
    } catch (error) {
      const failure = classifySlackError(error);
      if (failure.kind === 'rate_limited') return { ok: false, retryInMs: failure.retryAfterMs, error: 'rate limited' };
      if (failure.kind === 'transient') return { ok: false, retryInMs: 5_000, error: failure.detail };
      deps.logger.error(`Slack refused reminder ${outgoing.row.key}: ${failure.error} ${failure.detail}`);
      return { ok: false, retryInMs: null, error: failure.error };
    }
  };
}

/**
 * At start, rows left `claimed` by a crash may or may not have reached Slack. Each is looked
 * up in the channel's recent history by its metadata key: found → marked sent; not found →
 * released to be sent now. If the history cannot be read (missing scope, Slack down), the
 * row is released: a rare duplicate is better than a lost reminder.
 */
export async function reconcileClaimedReminders(deps: { client: WebClient; db: Db; logger: Logger; now: () => number }): Promise<{ found: number; released: number }> {
  const claimed = listClaimedReminders(deps.db);
  let found = 0;
  let released = 0;
  const byChannel = new Map<string, typeof claimed>();
  for (const row of claimed) {
    const run = findRun(deps.db, row.runId);
    if (!run) continue;
    byChannel.set(run.channelId, [...(byChannel.get(run.channelId) ?? []), row]);
  }
  for (const [channel, rows] of byChannel) {
    const oldest = Math.min(...rows.map((r) => r.claimedAt ?? r.dueAt)) - 60_000;
    const sentKeys = new Map<string, string>();
    try {
      const history = await deps.client.conversations.history({
        channel,
        oldest: (oldest / 1000).toFixed(6),
        include_all_metadata: true,
        limit: 200,
      });
      for (const message of history.messages ?? []) {
        const meta = (message as { metadata?: { event_type?: string; event_payload?: { key?: unknown } } }).metadata;
        if (meta?.event_type === REMINDER_METADATA_TYPE && typeof meta.event_payload?.key === 'string') {
          sentKeys.set(meta.event_payload.key, String(message.ts ?? ''));
        }
      }
    } catch (error) {
      deps.logger.warn(`could not read ${channel} history to reconcile reminders; resending ${rows.length}:`, error instanceof Error ? error.message : error);
    }
    for (const row of rows) {
      const ts = sentKeys.get(row.key);
      if (ts !== undefined) {
        markReminderSent(deps.db, row.id, row.claimedAt ?? deps.now(), false, ts);
        found += 1;
      } else {
        releaseReminder(deps.db, row.id, row.dueAt, 'released after restart');
        released += 1;
      }
    }
  }
  return { found, released };
}
