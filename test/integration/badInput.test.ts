/**
 * What the bot does with requests it must not act on: forged or replayed requests, malformed
 * commands, and clicks it has to refuse. Every refusal is private to the person who asked.
 */
import { describe, expect, it } from 'vitest';
import { FakeWorkspace } from '../support/fakeSlack.js';
import { LEGACY_VERIFICATION_TOKEN } from '../support/slackClient.js';
import { slackSignature } from '../support/slackSignature.js';
import { eventually } from '../support/waitFor.js';
import {
  ALICE,
  BOB,
  CAROL,
  CHANNEL,
  ackText,
  auditRows,
  checkboxOf,
  clickItem,
  isTicked,
  itemRow,
  publicPostCount,
  runStatus,
  harnessPerTest,
  startRun,
  updatesOf,
  type Harness,
} from './checklistHarness.js';
import { prepared } from '../../src/store/db.js';

const open = harnessPerTest();

/** Headers exactly as Slack would send them, but signed with a secret that is not the bot's. */
function forgedHeaders(h: Harness, body: string): Record<string, string> {
  const headers = h.bot.slack.signedHeaders(body);
  const ts = Number(headers['X-Slack-Request-Timestamp']);
  headers['X-Slack-Signature'] = slackSignature('not-the-signing-secret', ts, body);
  return headers;
}

async function runCount(h: Harness): Promise<number> {
  return ((await prepared(h.db, 'SELECT COUNT(*) AS n FROM runs').get()) as { n: number }).n;
}

/** A slash command body exactly as Slack sends it, to sign (or forge) by hand. */
function commandBody(text: string, user = ALICE): string {
  return new URLSearchParams({
    token: LEGACY_VERIFICATION_TOKEN,
    team_id: FakeWorkspace.teamId,
    team_domain: FakeWorkspace.domain,
    channel_id: CHANNEL,
    channel_name: FakeWorkspace.defaultChannelName,
    user_id: user,
    user_name: user.toLowerCase(),
    command: '/deploy',
    text,
    api_app_id: FakeWorkspace.appId,
    is_enterprise_install: 'false',
    response_url: 'https://hooks.slack.com/commands/T0TEST/1/abc',
    trigger_id: '1.2.3',
  }).toString();
}

/** The ephemeral text a click's refusal was sent back with, through its response_url. */
function refusalFor(h: Harness, responseUrl: string): string | undefined {
  const post = h.fake.responses.find((r) => r.url === responseUrl);
  if (post === undefined) return undefined;
  expect(post.outcome).toBe('ephemeral');
  return String(post.body['text']);
}

describe('requests that are not from Slack', () => {
  it('answers 401 to a forged signature and changes nothing', async () => {
    const h = await open();
    const body = commandBody('start small-release');
    const headers = forgedHeaders(h, body);

    const response = await h.bot.slack.sendRaw(body, headers);
    expect(response.status).toBe(401);
    await h.bot.bot.sync.idle();
    expect(await runCount(h)).toBe(0);
    expect(h.fake.callsTo('chat.postMessage')).toEqual([]);

    // The same body, correctly signed, is accepted: the 401 was the signature, nothing else.
    expect((await h.bot.slack.sendSigned(body)).status).toBe(200);
    expect(await runCount(h)).toBe(1);
  });

  it('answers 401 to a correctly signed request whose timestamp is more than five minutes old', async () => {
    const h = await open();
    const body = commandBody('start small-release');
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    const response = await h.bot.slack.sendSigned(body, sixMinutesAgo);
    expect(response.status).toBe(401);
    expect(await runCount(h)).toBe(0);
  });

  it('does not run a command sent as JSON, even when signed', async () => {
    const h = await open();
    const body = commandBody('start small-release');
    const headers = { ...h.bot.slack.signedHeaders(body), 'Content-Type': 'application/json' };
    const response = await h.bot.slack.sendRaw(body, headers);
    expect(response.status).not.toBe(200);
    await h.bot.bot.sync.idle();
    expect(await runCount(h)).toBe(0);
    expect(h.fake.callsTo('chat.postMessage')).toEqual([]);
  });

  it('answers 401 to a checkbox click with a forged or a replayed signature, and ticks nothing', async () => {
    const h = await open();
    const { runId } = await startRun(h);
    const body = clickBody(h, 's0.i0', BOB);
    const audit = await auditRows(h.db, runId);
    const updates = h.fake.callsTo('chat.update').length;

    const forged = forgedHeaders(h, body);
    expect((await h.bot.slack.sendRaw(body, forged)).status).toBe(401);
    expect((await h.bot.slack.sendSigned(body, Math.floor(Date.now() / 1000) - 6 * 60)).status).toBe(401);
    await h.bot.bot.sync.idle();
    expect(await itemRow(h.db, runId, 's0.i0')).toBeUndefined();
    expect(await auditRows(h.db, runId)).toEqual(audit);
    expect(h.fake.callsTo('chat.update')).toHaveLength(updates);
    expect(h.fake.responses).toEqual([]);

    // The same click, signed now, counts: the 401s were the signatures, nothing else.
    expect((await h.bot.slack.sendSigned(body)).status).toBe(200);
    expect(await itemRow(h.db, runId, 's0.i0')).toMatchObject({ done: 1, done_by: BOB });
  });

  it('answers 401 to a No-Go submission with a forged or a replayed signature, and records no vote', async () => {
    const h = await open();
    const { runId } = await startRun(h);
    const body = noGoBody(runId, 's1.i1', ALICE, 'the canary is failing');
    const posted = publicPostCount(h.fake);

    const forged = forgedHeaders(h, body);
    expect((await h.bot.slack.sendRaw(body, forged)).status).toBe(401);
    expect((await h.bot.slack.sendSigned(body, Math.floor(Date.now() / 1000) - 6 * 60)).status).toBe(401);
    await h.bot.bot.sync.idle();
    expect(await auditRows(h.db, runId, 'gate.no_go')).toEqual([]);
    expect(await prepared(h.db, 'SELECT COUNT(*) AS n FROM gate_votes').get()).toEqual({ n: 0 });
    expect(await runStatus(h.db, runId)).toBe('active');
    expect(await prepared(h.db, 'SELECT rollback_active FROM runs WHERE id = ?').get(runId)).toEqual({ rollback_active: 0 });
    expect(publicPostCount(h.fake)).toBe(posted);

    // Signed now, the same submission is the lead's No-Go: the rollback starts.
    const accepted = await h.bot.slack.sendSigned(body);
    expect(accepted.status).toBe(200);
    expect(accepted.text).toBe('');
    expect(await auditRows(h.db, runId, 'gate.no_go')).toEqual([expect.objectContaining({ actor: ALICE, target: 's1.i1' })]);
  });

  it('answers 401 to a correctly signed request whose timestamp is years in the future, and runs nothing', async () => {
    const h = await open();
    const body = commandBody('start small-release');
    const inAHundredYears = Math.floor(Date.now() / 1000) + 100 * 365 * 24 * 3600;
    expect((await h.bot.slack.sendSigned(body, inAHundredYears)).status).toBe(401);
    expect((await h.bot.slack.sendSigned(body, Math.floor(Date.now() / 1000) + 6 * 60)).status).toBe(401);
    expect(await runCount(h)).toBe(0);
  });

  it('answers 401 to a valid signature with anything after its 64 hex digits, and runs nothing', async () => {
    const h = await open();
    const body = commandBody('start small-release');
    const headers = h.bot.slack.signedHeaders(body);
    for (const tail of ['=x', 'x', '=', '00']) {
      expect((await h.bot.slack.sendRaw(body, { ...headers, 'X-Slack-Signature': `${headers['X-Slack-Signature']}${tail}` })).status).toBe(401);
    }
    expect((await h.bot.slack.sendRaw(body, { ...headers, 'X-Slack-Request-Timestamp': `${headers['X-Slack-Request-Timestamp']}.5` })).status).toBe(
      401,
    );
    expect(await runCount(h)).toBe(0);
    // The same request with Slack's exact headers is accepted: the 401s were the headers, nothing else.
    expect((await h.bot.slack.sendRaw(body, headers)).status).toBe(200);
  });
});

/** A checkbox click on the item's current message, as Slack would send it, to sign (or forge) by hand. */
function clickBody(h: Harness, itemId: string, user: string): string {
  const { ts, blockId, message } = checkboxOf(h.fake, itemId);
  const block = message.blocks.find((b) => b.block_id === blockId)!;
  const boxes = (block['elements'] as Array<Record<string, unknown>>).find((e) => e['type'] === 'checkboxes')!;
  const options = boxes['options'] as Array<{ value: string }>;
  const initial = (boxes['initial_options'] as Array<{ value: string }> | undefined) ?? [];
  const selected = options.filter((o) => o.value === itemId || initial.some((i) => i.value === o.value));
  const payload = {
    type: 'block_actions',
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: FakeWorkspace.teamId },
    api_app_id: FakeWorkspace.appId,
    token: LEGACY_VERIFICATION_TOKEN,
    container: { type: 'message', message_ts: ts, channel_id: CHANNEL, is_ephemeral: false },
    trigger_id: h.fake.issueTriggerId(),
    team: { id: FakeWorkspace.teamId, domain: FakeWorkspace.domain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: CHANNEL, name: FakeWorkspace.defaultChannelName },
    message: { type: 'message', ts, text: message.text, blocks: message.blocks, user: FakeWorkspace.botUserId, bot_id: FakeWorkspace.botId },
    state: { values: {} },
    response_url: h.fake.responseUrl(undefined, { channel: CHANNEL, user, messageTs: ts }),
    actions: [
      {
        type: 'checkboxes',
        action_id: boxes['action_id'],
        block_id: blockId,
        selected_options: selected,
        action_ts: `${Math.floor(Date.now() / 1000)}.000100`,
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** The No-Go modal's submission for a gate, as Slack would send it. */
function noGoBody(runId: number, itemId: string, user: string, reason: string): string {
  const payload = {
    type: 'view_submission',
    team: { id: FakeWorkspace.teamId, domain: FakeWorkspace.domain },
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: FakeWorkspace.teamId },
    api_app_id: FakeWorkspace.appId,
    token: LEGACY_VERIFICATION_TOKEN,
    trigger_id: '1.2.3',
    view: {
      id: 'V0NOGO',
      team_id: FakeWorkspace.teamId,
      type: 'modal',
      callback_id: 'dd_nogo_modal',
      private_metadata: `${runId}:${itemId}:${CHANNEL}`,
      state: { values: { dd_nogo_reason: { dd_nogo_reason_input: { type: 'plain_text_input', value: reason } } } },
      hash: '1.nogo',
      app_id: FakeWorkspace.appId,
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

describe('malformed commands', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['an unknown subcommand', 'deploy-everything now', /I don’t know `deploy-everything`\. Try `\/deploy help`/],
    ['start without a checklist', 'start', /Which checklist\?/],
    ['an unknown checklist', 'start no-such-list', /There is no checklist called “no-such-list”/],
    ['a checklist that has errors', 'start broken', /Checklist `broken` has errors and cannot start/],
    ['an impossible time', 'start small-release at 25:99', /Couldn't read "25:99" as a start time/],
    ['an unknown time zone', 'start small-release tz Mars/Base', /“Mars\/Base” is not a time zone I know/],
    ['status with no active run', 'status', /There is no active run in this channel/],
  ];
  it.each(cases)('answers %s privately and posts nothing', async (_what, text, expected) => {
    const h = await open();
    const response = await h.bot.slack.command(text);
    expect(ackText(response)).toMatch(expected);
    await h.bot.bot.sync.idle();
    expect(await runCount(h)).toBe(0);
    expect(publicPostCount(h.fake)).toBe(0);
    expect(h.fake.responses).toEqual([]);
  });

  it('asks which run is meant when two are active, and answers for the one named', async () => {
    const h = await open();
    await startRun(h);
    await startRun(h, 'big-phase');
    const posted = publicPostCount(h.fake);

    const ambiguous = ackText(await h.bot.slack.command('status'));
    expect(ambiguous).toMatch(/There are 2 active runs here \(#1 small-release, #2 big-phase\); say which/);
    const named = ackText(await h.bot.slack.command('status #2'));
    expect(named).toContain('*#2 · Big Phase*');
    const unknown = ackText(await h.bot.slack.command('status #9'));
    expect(unknown).toBe('There is no run #9 in this channel.');
    expect(publicPostCount(h.fake)).toBe(posted);
  });
});

describe('clicks the bot refuses', () => {
  it('refuses a click on a run from another channel, says why privately, and audits it', async () => {
    const h = await open();
    const { runId } = await startRun(h);
    const { ts, blockId, message } = checkboxOf(h.fake, 's0.i0');
    const posted = publicPostCount(h.fake);

    // A copy of the message shown in another channel (e.g. forwarded), clicked there.
    const click = await h.bot.slack.clickCheckbox({
      channel: 'C0ELSEWHERE',
      ts,
      blockId,
      itemValue: 's0.i0',
      checked: true,
      user: BOB,
      seenMessage: message,
    });
    expect(click.status).toBe(200);
    expect(await itemRow(h.db, runId, 's0.i0')).toBeUndefined();
    expect(await auditRows(h.db, runId, 'denied')).toEqual([
      expect.objectContaining({ actor: BOB, detail: expect.objectContaining({ code: 'wrong_channel' }) }),
    ]);
    await eventually(() => expect(refusalFor(h, click.responseUrl)).toBe(`Run #${runId} belongs to another channel.`));
    await h.bot.bot.sync.idle();
    expect(publicPostCount(h.fake)).toBe(posted);
  });

  it.each([
    ['aborted', ['abort rehearsal over'], /#\d+ aborted at /],
    // The undecided Go/No-Go is waived as a gate first: `finish waive` waives items, never a decision (issue 9).
    ['completed', ['waive gate rehearsal over', 'finish waive rehearsal over'], /#\d+ finished at /],
  ])('refuses a click on a run that has been %s and changes nothing', async (status, commands, reason) => {
    const h = await open();
    const { runId } = await startRun(h);
    // A late click comes from a copy of the message seen before the end: the run's messages have no checkbox left since.
    const { message, ts, blockId } = checkboxOf(h.fake, 's0.i0');
    for (const command of commands) ackText(await h.bot.slack.command(command));
    expect(await runStatus(h.db, runId)).toBe(status);
    await eventually(() => expect(h.fake.findText(CHANNEL, `${status === 'aborted' ? 'aborted' : 'completed'} by <@${ALICE}>`)).toHaveLength(1), {
      timeoutMs: 4_000,
    });
    await h.bot.bot.sync.idle();
    const before = await itemRow(h.db, runId, 's0.i0');
    const shown = h.fake.messages(CHANNEL).map((m) => ({ text: m.text, ticked: h.fake.checkboxesState(CHANNEL, m.ts) }));
    const posted = publicPostCount(h.fake);

    const click = await h.bot.slack.clickCheckbox({ ts, blockId, itemValue: 's0.i0', checked: true, user: BOB, seenMessage: message });
    expect(click.status).toBe(200);
    expect(await itemRow(h.db, runId, 's0.i0')).toEqual(before);
    expect(await auditRows(h.db, runId, 'item.tick')).toEqual([]);
    expect(await auditRows(h.db, runId, 'denied')).toEqual([
      expect.objectContaining({ actor: BOB, detail: expect.objectContaining({ code: 'run_ended' }) }),
    ]);
    await eventually(() => expect(refusalFor(h, click.responseUrl)).toMatch(reason));
    await h.bot.bot.sync.idle();
    // Re-rendered at most (to undo the local tick), never changed.
    expect(h.fake.messages(CHANNEL).map((m) => ({ text: m.text, ticked: h.fake.checkboxesState(CHANNEL, m.ts) }))).toEqual(shown);
    expect(await runStatus(h.db, runId)).toBe(status);
    expect(publicPostCount(h.fake)).toBe(posted);
  });

  it('refuses a sign-off by someone without its role, audits it, and unticks the box again', async () => {
    const h = await open();
    const { runId } = await startRun(h);
    // The sign-offs sit behind the Go/No-Go gate: the lead passes it first, once the canary is done.
    expect((await clickItem(h, 's1.i0', { user: ALICE })).status).toBe(200);
    const gate = checkboxOf(h.fake, 's1.i0').ts;
    expect((await h.bot.slack.clickButton({ ts: gate, actionId: 'dd_gate_go', user: ALICE })).status).toBe(200);
    await eventually(() => expect(h.fake.findText(CHANNEL, 'Gate passed')).toHaveLength(1), { timeoutMs: 4_000 });
    await h.bot.bot.sync.idle();
    const posted = publicPostCount(h.fake);

    const { ts } = checkboxOf(h.fake, 's4.i0');
    const updates = updatesOf(h.fake, ts);
    const click = await clickItem(h, 's4.i0', { user: BOB });
    expect(click.status).toBe(200);
    expect(await itemRow(h.db, runId, 's4.i0')).toBeUndefined();
    expect(await auditRows(h.db, runId, 'denied')).toEqual([
      expect.objectContaining({ actor: BOB, target: 's4.i0', detail: expect.objectContaining({ attempted: 'item.tick', code: 'not_role_holder' }) }),
    ]);
    await eventually(() => expect(refusalFor(h, click.responseUrl)).toMatch(/Only the QA Lead can sign this off/));
    // Bob's Slack ticked the box locally: the message is rendered again, with the box empty.
    await eventually(() => expect(updatesOf(h.fake, ts)).toBeGreaterThan(updates));
    await h.bot.bot.sync.idle();
    expect(isTicked(h.fake, 's4.i0')).toBe(false);
    expect(publicPostCount(h.fake)).toBe(posted);

    // Once the lead gives Carol the role, her sign-off counts.
    ackText(await h.bot.slack.command(`role "QA Lead" <@${CAROL}|carol>`, { user: ALICE }));
    expect((await clickItem(h, 's4.i0', { user: CAROL })).status).toBe(200);
    expect(await itemRow(h.db, runId, 's4.i0')).toMatchObject({ done: 1, done_by: CAROL });
  });

  it('refuses a tick behind a gate that has not passed, and unticks the box again', async () => {
    const h = await open();
    const { runId } = await startRun(h);
    const { ts } = checkboxOf(h.fake, 's2.i0');
    const updates = updatesOf(h.fake, ts);
    const posted = publicPostCount(h.fake);

    const click = await clickItem(h, 's2.i0', { user: ALICE });
    expect(click.status).toBe(200);
    expect(await itemRow(h.db, runId, 's2.i0')).toBeUndefined();
    expect(await auditRows(h.db, runId, 'denied')).toEqual([
      expect.objectContaining({ actor: ALICE, target: 's2.i0', detail: expect.objectContaining({ code: 'blocked' }) }),
    ]);
    await eventually(() => expect(refusalFor(h, click.responseUrl)).toMatch(/is blocked until the gate “Go\/No-Go decision recorded” passes/));
    await eventually(() => expect(updatesOf(h.fake, ts)).toBeGreaterThan(updates));
    await h.bot.bot.sync.idle();
    expect(isTicked(h.fake, 's2.i0')).toBe(false);
    expect(publicPostCount(h.fake)).toBe(posted);
  });

  it('refuses to start a watch timer behind a gate that has not passed', async () => {
    const h = await open();
    const { runId } = await startRun(h);
    const watch = h.fake.messages(CHANNEL).find((m) => m.blocks.some((b) => b.block_id === `dd_timer:${runId}:s2.i1`))!;

    const click = await h.bot.slack.clickButton({ ts: watch.ts, actionId: 'dd_timer_start', user: BOB });
    expect(click.status).toBe(200);
    expect(await itemRow(h.db, runId, 's2.i1')).toBeUndefined();
    expect(await auditRows(h.db, runId, 'timer.start')).toEqual([]);
    expect(await auditRows(h.db, runId, 'denied')).toEqual([
      expect.objectContaining({ actor: BOB, target: 's2.i1', detail: expect.objectContaining({ attempted: 'timer.start', code: 'blocked' }) }),
    ]);
    await eventually(() => expect(refusalFor(h, click.responseUrl)).toMatch(/is blocked until the gate/));
    const timers = (await prepared(h.db, `SELECT COUNT(*) AS n FROM reminders WHERE run_id = ? AND kind = 'timer_done'`).get(runId)) as { n: number };
    expect(timers.n).toBe(0);
  });

  it('acks a click on an action it does not know and ignores it', async () => {
    const h = await open();
    const { runId } = await startRun(h);
    const { ts, message } = checkboxOf(h.fake, 's0.i0');
    const audit = await auditRows(h.db, runId);
    const updates = h.fake.callsTo('chat.update').length;

    const click = await h.bot.slack.blockAction({
      message,
      user: BOB,
      actions: [
        {
          type: 'button',
          action_id: 'retired_feature_button',
          block_id: 'legacy_block',
          value: `${runId}:s0.i0`,
          action_ts: `${Math.floor(Date.now() / 1000)}.000100`,
          text: { type: 'plain_text', text: 'Old' },
        },
      ],
    });
    expect(click.status).toBe(200);
    await h.bot.bot.sync.idle();
    expect(await auditRows(h.db, runId)).toEqual(audit);
    expect(await itemRow(h.db, runId, 's0.i0')).toBeUndefined();
    expect(h.fake.responses).toEqual([]);
    expect(h.fake.callsTo('chat.update')).toHaveLength(updates);
    expect(h.fake.message(CHANNEL, ts)!.history).toHaveLength(1);
  });
});
