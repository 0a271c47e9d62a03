/**
 * Issue 10: paging works with nothing but a routing key. `/deploy page` in a channel with no run
 * pages with the channel as context, tells the channel, and a double submit opens one incident.
 *
 * Needs NODE_EXTRA_CA_CERTS=test/fixtures/tls/ca.crt (Node reads it only at start).
 */
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertTestCaTrusted, startFakePagerDuty, type FakePagerDuty } from '../support/fakePagerDuty.js';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack.js';
import { REPO_ROOT, startBot, type RunningBot } from '../support/startBot.js';
import { eventually, realDelay, waitFor } from '../support/waitFor.js';
import { ALICE, BOB, ackText, auditRows } from './checklistHarness.js';

const ROUTING_KEY = 'Rk7NoRunChannel00Integration42xy';
const API_TOKEN = 'u+noRunRestToken-5tq';
const QUIET_CHANNEL = 'C0NORUN';

let cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});
beforeAll(() => assertTestCaTrusted());

/** full: routing key and API token; off: no PagerDuty; token-only: look-ups but no routing key. */
async function world(
  mode: 'full' | 'off' | 'token-only' = 'full',
  extraEnv: Record<string, string> = {},
): Promise<{ fake: FakeSlack; pd: FakePagerDuty; bot: RunningBot }> {
  const fake = await startFakeSlack();
  cleanups.push(() => fake.close());
  const pd = await startFakePagerDuty({ routingKey: ROUTING_KEY, apiToken: API_TOKEN });
  cleanups.push(() => pd.close());
  const bot = await startBot({
    fake,
    checklistsDir: join(REPO_ROOT, 'test', 'fixtures', 'checklists'),
    env:
      mode === 'off'
        ? {}
        : {
            ...extraEnv,
            ...(mode === 'full' ? { PAGERDUTY_ROUTING_KEY: ROUTING_KEY, PAGERDUTY_EVENTS_URL: pd.eventsUrl } : {}),
            PAGERDUTY_API_TOKEN: API_TOKEN,
            PAGERDUTY_API_URL: pd.apiUrl,
          },
    pagerBackoff: { baseMs: 50, maxMs: 200, jitter: 0 },
    pagerIntervalMs: 100,
  });
  cleanups.push(() => bot.stop().catch(() => undefined));
  return { fake, pd, bot };
}

interface SentEvent {
  dedup_key: string;
  payload: Record<string, unknown>;
  links: unknown;
}

function triggers(pd: FakePagerDuty): SentEvent[] {
  return pd.requests.filter((r) => r.path === '/v2/enqueue').map((r) => JSON.parse(r.body) as SentEvent);
}

describe('/deploy page in a channel with no run (issue 10)', () => {
  it('pages with the channel as context, tells the channel, and folds a double submit into the same incident', async () => {
    const { pd, bot } = await world();
    const first = await bot.slack.command('page checkout is returning 500s <!channel>', { user: ALICE, channel: QUIET_CHANNEL });
    expect(first.status).toBe(200);
    const body = first.body as { response_type?: string; text?: string };
    // The channel is told (there are no run notices here), with the typed text escaped: no mass mention.
    expect(body.response_type).toBe('in_channel');
    expect(body.text).toBe(
      `🚨 <@${ALICE}> paged on-call from this channel: “checkout is returning 500s &lt;!channel&gt;”. PagerDuty has the channel as its context.`,
    );

    const second = ackText(await bot.slack.command('page still broken', { user: BOB, channel: QUIET_CHANNEL }));
    expect(second).toContain(`On-call is already paged for this channel: <@${ALICE}>’s page “checkout is returning 500s &lt;!channel&gt;”`);

    await eventually(() => expect(pd.incidentsOpened).toBe(1), { timeoutMs: 6_000, intervalMs: 25 });
    await realDelay(300);
    const sent = triggers(pd);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.dedup_key).toMatch(new RegExp(`^deployday:channel:${QUIET_CHANNEL}:\\d+$`));
    expect(sent[0]!.payload).toMatchObject({
      summary: `Paged from Slack by Test alice in channel ${QUIET_CHANNEL}: checkout is returning 500s <!channel>`,
      source: `deployday in Slack channel ${QUIET_CHANNEL}`,
      severity: 'critical',
      custom_details: { channel: QUIET_CHANNEL, requested_by: ALICE },
    });
    expect(sent[0]!.links).toEqual([{ href: `https://slack.com/app_redirect?channel=${QUIET_CHANNEL}`, text: `Slack channel ${QUIET_CHANNEL}` }]);
    const requests = await auditRows(bot.bot.db, null, 'page.request');
    expect(requests.map((r) => [r.actor, r.detail?.['outcome']])).toEqual([
      [ALICE, 'sent'],
      [BOB, 'folded'],
    ]);
  });

  it('says what to set when paging is not configured, and pages nobody', async () => {
    const { pd, bot } = await world('off');
    const text = ackText(await bot.slack.command('page anyone there', { user: ALICE, channel: QUIET_CHANNEL }));
    expect(text).toContain('Paging is off: set PAGERDUTY_ROUTING_KEY');
    await realDelay(300);
    expect(pd.requests).toHaveLength(0);
  });

  it('answers /deploy oncall without a run for PAGERDUTY_ESCALATION_POLICY, saying which policy the answer is for', async () => {
    const { fake, pd, bot } = await world('full', { PAGERDUTY_ESCALATION_POLICY: 'PTEAM42' });
    pd.setOncalls([
      { escalationPolicyId: 'PTEAM42', level: 1, userName: 'Tomás Oyelaran', scheduleName: 'Platform primary' },
      { escalationPolicyId: 'POTHER99', level: 1, userName: 'Somebody Else' },
    ]);
    const asked = await bot.slack.command('oncall', { user: ALICE, channel: QUIET_CHANNEL });
    expect(ackText(asked)).toBe('Asking PagerDuty who is on call for policy `PTEAM42`…');
    const post = await waitFor(() => fake.responses.find((r) => r.url === asked.responseUrl), {
      timeoutMs: 6_000,
      message: 'response_url follow-up',
    });
    const answer = String(post.body['text']);
    expect(answer).toBe('*On call now* (policy `PTEAM42`, from PAGERDUTY_ESCALATION_POLICY)\n• Level 1: *Tomás Oyelaran* (Platform primary)');
  });

  it('says what to set when there is no run, no default escalation policy and no routing key to find one by', async () => {
    const { pd, bot } = await world('token-only');
    const text = ackText(await bot.slack.command('oncall', { user: ALICE, channel: QUIET_CHANNEL }));
    expect(text).toMatch(/^There is no run here and no default escalation policy: set PAGERDUTY_ESCALATION_POLICY/);
    expect(pd.requests).toHaveLength(0);
  });

  it('finds the escalation policy behind the routing key through PagerDuty’s services, page by page, and asks it only once while cached', async () => {
    const { fake, pd, bot } = await world();
    // 130 services: ours is on the second page of 100.
    pd.setServices([
      ...Array.from({ length: 120 }, (_, i) => ({
        id: `PSVC${i}`,
        name: `Other ${i}`,
        escalationPolicyId: 'POTHER99',
        escalationPolicyName: 'Someone else',
        integrationKeys: [`k${i}`],
      })),
      {
        id: 'PCHECKOUT',
        name: 'Checkout',
        escalationPolicyId: 'PCHK001',
        escalationPolicyName: 'Checkout on-call',
        integrationKeys: ['unrelated', ROUTING_KEY],
      },
      ...Array.from({ length: 9 }, (_, i) => ({
        id: `PLATE${i}`,
        name: `Late ${i}`,
        escalationPolicyId: 'POTHER99',
        escalationPolicyName: 'Someone else',
        integrationKeys: [],
      })),
    ]);
    pd.setOncalls([
      { escalationPolicyId: 'PCHK001', level: 1, userName: 'Priya Natarajan', scheduleName: 'Checkout primary' },
      { escalationPolicyId: 'POTHER99', level: 1, userName: 'Somebody Else' },
    ]);
    for (const round of [1, 2]) {
      const asked = await bot.slack.command('oncall', { user: ALICE, channel: QUIET_CHANNEL });
      expect(ackText(asked)).toBe('Asking PagerDuty which escalation policy is behind PAGERDUTY_ROUTING_KEY, and who is on call for it…');
      const post = await waitFor(() => fake.responses.find((r) => r.url === asked.responseUrl), { timeoutMs: 6_000, message: `follow-up ${round}` });
      expect(String(post.body['text'])).toBe(
        '*On call now* (policy `PCHK001` (Checkout on-call), of service “Checkout”, found through the routing key)\n• Level 1: *Priya Natarajan* (Checkout primary)',
      );
    }
    const lookups = pd.requests.filter((r) => r.path === '/services');
    expect(lookups.map((r) => [r.query.get('offset'), r.query.get('limit'), r.query.getAll('include[]').join()])).toEqual([
      ['0', '100', 'integrations'],
      ['100', '100', 'integrations'],
    ]);
    expect(pd.requests.filter((r) => r.path === '/oncalls')).toHaveLength(2);
  });

  it('says what to set when no service carries the routing key', async () => {
    const { fake, pd, bot } = await world();
    pd.setServices([{ id: 'PSVC1', name: 'Other', escalationPolicyId: 'POTHER99', escalationPolicyName: 'Other', integrationKeys: ['nope'] }]);
    const asked = await bot.slack.command('oncall', { user: ALICE, channel: QUIET_CHANNEL });
    const post = await waitFor(() => fake.responses.find((r) => r.url === asked.responseUrl), { timeoutMs: 6_000, message: 'follow-up' });
    expect(String(post.body['text'])).toMatch(
      /^I could not find the escalation policy behind PAGERDUTY_ROUTING_KEY: no PagerDuty service .*Set PAGERDUTY_ESCALATION_POLICY/,
    );
  });
});
