/**
 * What Bolt's dispatch costs per registered listener (issue 14): a Bolt app with one matching
 * action listener and N that do not match, fed the same block_actions body through processEvent
 * (no HTTP, no signature), timed per event. Bolt runs every listener's middleware chain on every
 * request, so the figure grows with N; deployday registered 19 before src/slack/listenersById.ts.
 *
 *   node bench/support/listenerCost.js        (prints µs per event for 2 and 19 listeners, twice)
 */
import { App, LogLevel } from '@slack/bolt';

const body = {
  type: 'block_actions',
  team: { id: 'T0TEAM' },
  user: { id: 'U0ALICE', team_id: 'T0TEAM' },
  api_app_id: 'A0APP',
  token: 'legacy',
  container: { type: 'message' },
  trigger_id: 'trigger',
  channel: { id: 'C0DEPLOY' },
  message: { ts: '1.000', blocks: [] },
  response_url: 'https://hooks.slack.com/actions/T0TEAM/1/x',
  actions: [{ type: 'checkboxes', action_id: 'dd_item_toggle', block_id: 'block', selected_options: [], action_ts: '1.000' }],
};

function appWith(others) {
  const app = new App({
    token: 'xoxb-bench',
    signingSecret: 'bench-secret',
    botId: 'B0BOT',
    botUserId: 'U0BOT',
    logLevel: LogLevel.ERROR,
    receiver: { init() {}, start: async () => undefined, stop: async () => undefined },
  });
  app.action('dd_item_toggle', async ({ ack }) => ack());
  for (let i = 0; i < others; i += 1) app.action(`other_${i}`, async ({ ack }) => ack());
  return app;
}

for (const others of [1, 18, 1, 18]) {
  const app = appWith(others);
  const events = async (n) => {
    for (let i = 0; i < n; i += 1) await app.processEvent({ body, ack: async () => undefined });
  };
  await events(2_000);
  const started = performance.now();
  await events(20_000);
  const micros = ((performance.now() - started) * 1000) / 20_000;
  console.log(`${String(others + 1).padStart(2)} action listeners: ${micros.toFixed(1)} µs per event`);
}
