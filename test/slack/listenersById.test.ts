import { App, LogLevel } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { routeListenersById } from '../../src/slack/listenersById.js';

/** A Bolt app that is never started: events are handed to processEvent directly. */
function routedApp(): App {
  const app = new App({
    token: 'xoxb-test',
    signingSecret: 'test-secret',
    botId: 'B0BOT',
    botUserId: 'U0BOT',
    logLevel: LogLevel.ERROR,
    receiver: { init() {}, start: async () => undefined, stop: async () => undefined },
  });
  routeListenersById(app);
  return app;
}

const click = (actionId: string) => ({
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
  actions: [{ type: 'button', action_id: actionId, block_id: 'block', action_ts: '1.000' }],
});

const submission = (callbackId: string) => ({
  type: 'view_submission',
  team: { id: 'T0TEAM' },
  user: { id: 'U0ALICE', team_id: 'T0TEAM' },
  api_app_id: 'A0APP',
  token: 'legacy',
  trigger_id: 'trigger',
  view: { id: 'V0VIEW', callback_id: callbackId, type: 'modal', state: { values: {} }, private_metadata: '' },
});

async function deliver(app: App, body: object): Promise<void> {
  await app.processEvent({ body, ack: async () => undefined });
}

describe('listeners routed by id', () => {
  it('hands a click to the listener of its action id only, and an id nobody routed to the RegExp listeners', async () => {
    const app = routedApp();
    const heard: string[] = [];
    app.action('dd_one', async ({ ack }) => {
      heard.push('one');
      await ack();
    });
    app.action('dd_two', async ({ ack, action }) => {
      heard.push(`two:${(action as { action_id: string }).action_id}`);
      await ack();
    });
    app.action(/^(?!(dd_one|dd_two)$)/, async ({ ack, action }) => {
      heard.push(`other:${(action as { action_id: string }).action_id}`);
      await ack();
    });
    await deliver(app, click('dd_two'));
    await deliver(app, click('dd_one'));
    await deliver(app, click('dd_unknown'));
    expect(heard).toEqual(['two:dd_two', 'one', 'other:dd_unknown']);
    // One Bolt listener for both ids, one for the RegExp: Bolt runs each of them on every request.
    expect((app as unknown as { listeners: unknown[] }).listeners).toHaveLength(2);
  });

  it('hands a modal submission to the listener of its callback id', async () => {
    const app = routedApp();
    const heard: string[] = [];
    app.view('dd_modal_a', async ({ ack }) => {
      heard.push('a');
      await ack();
    });
    app.view('dd_modal_b', async ({ ack }) => {
      heard.push('b');
      await ack();
    });
    await deliver(app, submission('dd_modal_b'));
    await deliver(app, submission('dd_modal_elsewhere'));
    expect(heard).toEqual(['b']);
  });

  it('refuses a second listener for the same id at startup, where Bolt would have run both', () => {
    const app = routedApp();
    app.action('dd_one', async ({ ack }) => ack());
    expect(() => app.action('dd_one', async ({ ack }) => ack())).toThrow(/two listeners for the action "dd_one"/);
  });

  it("passes an error of a routed listener on to Bolt's error handler", async () => {
    const app = routedApp();
    const errors: string[] = [];
    app.error(async (error) => {
      errors.push(String((error as { original?: Error }).original?.message ?? error.message));
    });
    app.action('dd_broken', async () => {
      throw new Error('the listener broke');
    });
    await deliver(app, click('dd_broken')).catch(() => undefined);
    expect(errors.join(' ')).toMatch(/the listener broke/);
  });

  it('ignores, without an error, a body whose action id or callback id is not a string', async () => {
    const app = routedApp();
    const errors: string[] = [];
    app.error(async (error) => {
      errors.push(error.message);
    });
    const heard: string[] = [];
    app.action('dd_one', async ({ ack }) => {
      heard.push('action');
      await ack();
    });
    app.view('dd_modal', async ({ ack }) => {
      heard.push('view');
      await ack();
    });
    const nullId = click('dd_one');
    (nullId.actions[0] as { action_id: unknown }).action_id = null;
    const numberCallback = submission('dd_modal');
    (numberCallback.view as { callback_id: unknown }).callback_id = 5;
    const noCallback = submission('dd_modal');
    delete (noCallback.view as { callback_id?: unknown }).callback_id;
    for (const body of [nullId, numberCallback, noCallback]) await deliver(app, body);
    expect({ heard, errors }).toEqual({ heard: [], errors: [] });
  });
});
