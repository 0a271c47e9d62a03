/**
 * No secret in the logs, ever: a whole deployment day (start, clicks, a refused click, an unexpected
 * error, paging through a PagerDuty that answers 500 and then 400, a rollback, /deploy oncall, a slip,
 * the finish) at LOG_LEVEL=debug, once with the bot in this process (every log line it writes) and
 * once as its own process (everything it prints on stdout and stderr). The secrets are distinctive
 * values, so a leak cannot hide behind a common string.
 *
 * Needs NODE_EXTRA_CA_CERTS=test/fixtures/tls/ca.crt (the fake PagerDuty speaks HTTPS).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ActionIds } from '../../src/slack/ids.js';
import { startBotProcess, type BotProcess } from '../support/botProcess.js';
import { startFakePagerDuty, type FakePagerDuty } from '../support/fakePagerDuty.js';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack.js';
import { createSlackClient, type InteractionResponse, type SlackClient } from '../support/slackClient.js';
import { REPO_ROOT, startBot, tempDir } from '../support/startBot.js';
import { eventually, waitFor } from '../support/waitFor.js';
import { ALICE, BOB, CAROL, checkboxOf } from './checklistHarness.js';
import { databaseEnv } from '../support/testDatabase.js';

/** Each secret shaped as the configuration demands, and found nowhere else. */
const SECRETS = {
  'bot token': 'xoxb-7031990424-LogSecretsBot-Qz8vR2mW5nT1',
  'signing secret': '5ec7e75ec7e7abc0ffee5ec7e7d00d42',
  'routing key': 'LogSecretsRoutingKey7Qz8vR2mW5nT',
  'PagerDuty API token': 'u+LogSecretsPdApiToken-9xK3',
} as const;

const CHANNEL = 'C0SECRETS';
const PAGE_WAIT = { timeoutMs: 10_000, intervalMs: 50 };

/** Our own drill: a gate with an approver, a sign-off, a rollback branch, and an on-call policy to look up. */
const DRILL = `---
timezone: UTC
escalationPolicy: PSECRETS1
escalation:
  - Release on-call
roles:
  approver: ${CAROL}
---
# Secrets Drill

## Prepare
- [ ] Open the change record
- [ ] Tell support the window starts

## Decide
- [ ] Go/No-Go with the service owners

## Ship
- [ ] Ship the new build

## Rollback
- [ ] Put the old build back

## Sign-offs
| Role | Name | Sign-off | Date |
|------|------|----------|------|
| QA Lead | ____ | [ ] | ____ |
`;

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function checklistsDir(): string {
  const temp = tempDir('deployday-secrets-');
  cleanups.push(temp.remove);
  const dir = join(temp.dir, 'checklists');
  mkdirSync(dir);
  writeFileSync(join(dir, 'secrets-drill.md'), DRILL);
  return dir;
}

async function fakes(): Promise<{ fake: FakeSlack; pd: FakePagerDuty }> {
  const fake = await startFakeSlack({ botToken: SECRETS['bot token'] });
  cleanups.push(() => fake.close());
  const pd = await startFakePagerDuty({ routingKey: SECRETS['routing key'], apiToken: SECRETS['PagerDuty API token'] });
  cleanups.push(() => pd.close());
  return { fake, pd };
}

function env(fake: FakeSlack, pd: FakePagerDuty, checklists: string): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: SECRETS['bot token'],
    SLACK_SIGNING_SECRET: SECRETS['signing secret'],
    SLACK_API_URL: fake.apiUrl,
    CHECKLISTS_DIR: checklists,
    PAGERDUTY_ROUTING_KEY: SECRETS['routing key'],
    PAGERDUTY_EVENTS_URL: pd.eventsUrl,
    PAGERDUTY_API_TOKEN: SECRETS['PagerDuty API token'],
    PAGERDUTY_API_URL: pd.apiUrl,
    LOG_LEVEL: 'debug',
  };
}

function ephemeralText(response: InteractionResponse): string {
  expect(response.status).toBe(200);
  const body = response.body as { response_type?: string; text?: string };
  expect(body.response_type).toBe('ephemeral');
  return String(body.text);
}

/** What came back through a response_url (a refusal, an error id, a follow-up), once it has. */
async function followUp(fake: FakeSlack, responseUrl: string, pattern: RegExp): Promise<string> {
  let text = '';
  await eventually(() => {
    text = fake.responses
      .filter((r) => r.url === responseUrl)
      .map((r) => String(r.body['text'] ?? ''))
      .join('\n');
    expect(text).toMatch(pattern);
  }, PAGE_WAIT);
  return text;
}

async function channelShows(fake: FakeSlack, fragment: string): Promise<void> {
  await eventually(() => expect(fake.findText(CHANNEL, fragment).length).toBeGreaterThan(0), { ...PAGE_WAIT, message: fragment });
}

/**
 * The day, through signed requests only, so it runs the same against either bot. Every step waits
 * for its visible outcome, so the log holds what each path writes.
 */
async function deploymentDay(slack: SlackClient, fake: FakeSlack, pd: FakePagerDuty): Promise<void> {
  const as = (user: string) => ({ user, channel: CHANNEL });
  const started = ephemeralText(await slack.command('start secrets-drill', as(ALICE)));
  const runId = Number(/Started run \*#(\d+)\*/.exec(started)?.[1]);
  await eventually(() => expect(() => checkboxOf(fake, 's4.i0', CHANNEL)).not.toThrow(), PAGE_WAIT);

  const click = (itemId: string, user: string) => {
    const { ts, blockId } = checkboxOf(fake, itemId, CHANNEL);
    return slack.clickCheckbox({ channel: CHANNEL, ts, blockId, itemValue: itemId, checked: true, user });
  };
  // A click that counts, and one that is refused (a sign-off behind the gate, by someone without the role).
  expect((await click('s0.i0', ALICE)).status).toBe(200);
  const refused = await click('s4.i0', BOB);
  await followUp(fake, refused.responseUrl, /blocked until the gate|Only the QA Lead/);

  // An unexpected error: Slack fails to open the No-Go modal, after the click was acked.
  fake.failNext('views.open', 1, { error: 'internal_error' });
  const gateTs = fake.messages(CHANNEL).find((m) => m.blocks.some((b) => b.block_id === `dd_gate:${runId}:s1.i0`))?.ts;
  if (!gateTs) throw new Error('no Go/No-Go buttons in the channel');
  const noGo = await slack.clickButton({ channel: CHANNEL, ts: gateTs, actionId: ActionIds.gateNoGo, value: `${runId}:s1.i0`, user: CAROL });
  await followUp(fake, noGo.responseUrl, /error id `E[0-9A-F]{8}`/);

  // A page by hand, which PagerDuty first answers with a 500.
  pd.failNext(1, { status: 500 }, '/v2/enqueue');
  expect(ephemeralText(await slack.command('page the database failover is stuck', as(BOB)))).toMatch(/^Paging on-call/);
  await eventually(
    () => expect([...pd.alerts.values()].some((a) => a.status === 'triggered' && a.summary.includes('failover is stuck'))).toBe(true),
    PAGE_WAIT,
  );

  // A rollback, whose page PagerDuty refuses with a 400.
  pd.failNext(
    1,
    {
      status: 400,
      body: { status: 'invalid event', message: 'Event object is invalid', errors: ['the routing key is not known here'] },
    },
    '/v2/enqueue',
  );
  expect(ephemeralText(await slack.command('rollback canary errors doubled', as(ALICE)))).toMatch(/Rollback declared/);
  await channelShows(fake, 'PagerDuty refused the page (400');

  // Who is on call, asked of PagerDuty with the API token.
  pd.setOncalls([{ level: 1, userName: 'Ana Lima', scheduleName: 'Release primary' }]);
  const oncall = await slack.command('oncall', as(ALICE));
  expect(ephemeralText(oncall)).toMatch(/Asking PagerDuty who is on call/);
  await followUp(fake, oncall.responseUrl, /Ana Lima/);

  expect(ephemeralText(await slack.command('slip 15m', as(ALICE)))).toMatch(/T-0 is now/);
  expect(ephemeralText(await slack.command('finish waive the drill is over', as(ALICE)))).toMatch(/finished: rolled back/);
  // The page made by hand outlives the run (issue 9): BOB resolves it from its channel notice.
  const notice = await waitFor(() => fake.messages(CHANNEL).find((m) => m.blocks.some((b) => JSON.stringify(b).includes(ActionIds.pageResolve))), {
    ...PAGE_WAIT,
    message: 'the page notice with Resolve',
  });
  const resolveButton = notice.blocks
    .flatMap((b) => (Array.isArray(b['elements']) ? (b['elements'] as Array<Record<string, unknown>>) : []))
    .find((e) => e['action_id'] === ActionIds.pageResolve)!;
  await slack.clickButton({ channel: CHANNEL, ts: notice.ts, actionId: ActionIds.pageResolve, value: String(resolveButton['value']), user: BOB });
  await eventually(
    () => expect([...pd.alerts.values()].filter((a) => a.summary.includes('failover is stuck')).map((a) => a.status)).toEqual(['resolved']),
    PAGE_WAIT,
  );
  await channelShows(fake, 'Page resolved');
}

/** Every secret, and anything shaped like a Slack token, must be absent from `text`. */
function expectNoSecrets(where: string, text: string): void {
  for (const [name, value] of Object.entries(SECRETS)) expect(text.includes(value), `${where} contains the ${name}`).toBe(false);
  expect(text.match(/xox[abposr]-[^\s"']*/g) ?? [], `${where}: Slack token shapes`).toEqual([]);
  expect(text.match(/xapp-[^\s"']*/g) ?? [], `${where}: app token shapes`).toEqual([]);
}

/** The scenario went through the paths whose logging is under test (so the check above means something). */
function expectScenarioLogged(text: string): void {
  expect(text).toMatch(/ DEBUG /);
  expect(text).toMatch(/ ERROR .*unexpected error in gate no-go \(after ack\)/);
  expect(text).toMatch(/pager outbox: send failed, will retry/);
  expect(text).toMatch(/http request (url|body)/);
}

describe('secrets and the log', () => {
  it('writes none of the secrets to any log line of a whole day at debug level, in this process', async () => {
    const { fake, pd } = await fakes();
    const checklists = checklistsDir();
    const bot = await startBot({
      fake,
      checklistsDir: checklists,
      env: env(fake, pd, checklists),
      pagerBackoff: { baseMs: 50, maxMs: 200, jitter: 0 },
      pagerIntervalMs: 100,
    });
    cleanups.push(() => bot.stop().catch(() => undefined));
    // startBot's client signs with the default test secret; this bot has its own.
    const slack = createSlackClient({ baseUrl: `http://127.0.0.1:${bot.port}`, signingSecret: SECRETS['signing secret'], fake });

    await deploymentDay(slack, fake, pd);

    // PagerDuty and Slack did get the secrets they need: the test exercised the real thing.
    expect(pd.requests.some((r) => r.body.includes(SECRETS['routing key']))).toBe(true);
    expect(pd.requests.some((r) => r.headers.authorization === `Token token=${SECRETS['PagerDuty API token']}`)).toBe(true);
    expect(fake.calls.every((c) => c.token === SECRETS['bot token'])).toBe(true);
    // Even a careless dump of the whole configuration, or of a Slack request's headers, comes out scrubbed.
    bot.bot.logger.debug('configuration:', bot.config);
    bot.bot.logger.warn('request failed', {
      headers: { Authorization: `Bearer ${SECRETS['bot token']}` },
      signature: `v0=${SECRETS['signing secret']}`,
    });
    expect(bot.logs.filter((l) => l.includes('[redacted]')).length).toBe(2);
    const log = bot.logs.join('\n');
    expectScenarioLogged(log);
    expectNoSecrets('the log', log);
  }, 60_000);

  it('prints none of the secrets on stdout or stderr of the bot run as its own process', async () => {
    const { fake, pd } = await fakes();
    const temp = tempDir('deployday-secrets-db-');
    cleanups.push(temp.remove);
    let child: BotProcess | undefined;
    cleanups.push(() => child?.stop());
    child = await startBotProcess({
      ...env(fake, pd, checklistsDir()),
      ...(await databaseEnv(join(temp.dir, 'deployday.db'))),
      // Node reads this only at start: the child needs it to trust the fake PagerDuty.
      NODE_EXTRA_CA_CERTS: join(REPO_ROOT, 'test', 'fixtures', 'tls', 'ca.crt'),
    });
    const slack = createSlackClient({ baseUrl: `http://127.0.0.1:${child.port}`, signingSecret: SECRETS['signing secret'], fake });

    await deploymentDay(slack, fake, pd);
    await child.stop();

    const output = child.output();
    expectScenarioLogged(output);
    expect(output).toMatch(/SIGTERM: stopping/);
    expectNoSecrets('the process output', output);
  }, 60_000);
});
