/**
 * The Slack-side last line of defence behind leases: a reminder taken over from a replica whose
 * lease ran out (reclaimedFrom) may have been posted by that replica before it died, so the poster
 * looks for it in the channel by its metadata before posting, against the strict fake Slack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingReminder } from '../../src/service/reminderDelivery.js';
import type { RunMessages } from '../../src/service/runMessages.js';
import { createReminderPoster, REMINDER_METADATA_TYPE } from '../../src/slack/reminderPoster.js';
import { createBackgroundClient } from '../../src/slack/webClients.js';
import type { ReminderRow } from '../../src/store/reminders.js';
import { FAKE_BOT_TOKEN, type FakeSlack, startFakeSlack } from '../support/fakeSlack.js';
import { quietLogger } from '../support/quietLogger.js';

const CHANNEL = 'C0DEPLOY';

const row = (key: string, reclaimedFrom: string | null): ReminderRow => ({
  id: 1,
  runId: 1,
  key,
  kind: 'notice',
  sectionId: null,
  itemId: null,
  repeat: 0,
  dueAt: 0,
  status: 'claimed',
  claimedAt: 0,
  sentAt: null,
  late: false,
  outcome: null,
  payload: null,
  leasedBy: 'replica-b',
  leaseUntil: 0,
  reclaimedFrom,
});

const notice = (key: string, reclaimedFrom: string | null): OutgoingReminder => ({
  row: row(key, reclaimedFrom),
  channelId: CHANNEL,
  late: false,
  content: { type: 'notice', notice: { kind: 'page_delayed', error: 'PagerDuty is slow', summary: 'Canary is overdue' } },
});

describe('posting a reminder taken over from a replica that died', () => {
  let fake: FakeSlack;
  let post: ReturnType<typeof createReminderPoster>;
  beforeAll(async () => {
    fake = await startFakeSlack();
    const client = createBackgroundClient(FAKE_BOT_TOKEN, fake.apiUrl, quietLogger);
    post = createReminderPoster({
      clientFor: async () => client,
      messages: { awaitingPosts: async () => false } as unknown as RunMessages,
      logger: quietLogger,
      messageLink: async () => null,
    });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('finds the post the dead replica made and does not post it again', async () => {
    const client = createBackgroundClient(FAKE_BOT_TOKEN, fake.apiUrl, quietLogger);
    const earlier = await client.chat.postMessage({
      channel: CHANNEL,
      text: 'Paging is delayed',
      metadata: { event_type: REMINDER_METADATA_TYPE, event_payload: { key: 'notice:posted' } },
    });
    const posts = fake.callsTo('chat.postMessage').length;
    const outcome = await post(notice('notice:posted', 'replica-a'));
    expect(outcome).toEqual({ ok: true, ts: earlier.ts });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(posts);
  });

  it('posts it when the dead replica never did', async () => {
    const outcome = await post(notice('notice:never-posted', 'replica-a'));
    expect(outcome.ok).toBe(true);
    const posted = fake.messages(CHANNEL).filter((m) => m.metadata?.event_payload['key'] === 'notice:never-posted');
    expect(posted).toHaveLength(1);
  });

  it('does not look in the channel first for a plain claim', async () => {
    const reads = fake.callsTo('conversations.history').length;
    expect((await post(notice('notice:plain', null))).ok).toBe(true);
    expect(fake.callsTo('conversations.history')).toHaveLength(reads);
  });
});
