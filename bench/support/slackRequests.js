/**
 * Slack's side of the bot's HTTP endpoint, for the benchmarks: slash commands and checkbox
 * clicks, signed as Slack signs them (v0 HMAC-SHA256 over "v0:<ts>:<raw body>"), sent with
 * Node's fetch (undici, keep-alive). A click is built from a message the bot really posted, as
 * test/support/slackClient.ts does: the whole message rides along, and selected_options is the
 * clicked block's initial_options with one box changed.
 */
import { slackRequestHeaders } from '../../dist/test-support/slackSignature.js';
import { BENCH_TEAM } from './benchSlack.js';

export const BENCH_SIGNING_SECRET = '0123456789abcdef0123456789abcdef';

/**
 * @param {{ baseUrl: string, signingSecret?: string, path?: string }} options
 */
export function createSlackSender(options) {
  const url = `${options.baseUrl.replace(/\/+$/, '')}${options.path ?? '/slack/events'}`;
  const secret = options.signingSecret ?? BENCH_SIGNING_SECRET;

  /** POSTs a signed body; resolves with the status, the answer and the round trip in ms. */
  async function post(body) {
    const started = performance.now();
    const response = await fetch(url, { method: 'POST', headers: slackRequestHeaders(secret, body), body, signal: AbortSignal.timeout(15_000) });
    const text = await response.text();
    return { status: response.status, text, ms: performance.now() - started };
  }

  /** A `/deploy …` slash command; the ephemeral answer is in `text` (JSON). */
  function command(text, { user = 'U0LEAD', channel = 'C0BENCH', responseUrl = '', command: name = '/deploy' } = {}) {
    return post(
      new URLSearchParams({
        token: 'legacy-verification-token',
        team_id: BENCH_TEAM.teamId,
        team_domain: BENCH_TEAM.domain,
        channel_id: channel,
        channel_name: 'deploy-bench',
        user_id: user,
        user_name: user.toLowerCase(),
        command: name,
        text,
        api_app_id: BENCH_TEAM.appId,
        is_enterprise_install: 'false',
        response_url: responseUrl,
        trigger_id: `${Date.now()}.bench`,
      }).toString(),
    );
  }

  return { url, post, command };
}

function checkboxesOf(block) {
  const candidates = [...(Array.isArray(block.elements) ? block.elements : []), block.accessory, block.element];
  return candidates.find((el) => el && el.type === 'checkboxes') ?? null;
}

/** Every checkbox group of a message: block id, action id and the option values it offers. */
export function checkboxGroups(message) {
  const groups = [];
  for (const block of message.blocks ?? []) {
    const element = checkboxesOf(block);
    if (element && typeof block.block_id === 'string') {
      groups.push({ ts: message.ts, blockId: block.block_id, actionId: element.action_id, values: (element.options ?? []).map((o) => o.value) });
    }
  }
  return groups;
}

/**
 * The message as a user sees it when `isDone(value)` says which boxes are ticked: a copy of
 * the posted blocks with every checkbox group's initial_options set accordingly.
 */
export function seenMessage(message, isDone) {
  const blocks = message.blocks.map((block) => {
    const element = checkboxesOf(block);
    if (!element) return block;
    const copy = { ...element, initial_options: (element.options ?? []).filter((o) => isDone(o.value)) };
    if (copy.initial_options.length === 0) delete copy.initial_options;
    if (Array.isArray(block.elements)) return { ...block, elements: block.elements.map((el) => (el === element ? copy : el)) };
    if (block.accessory === element) return { ...block, accessory: copy };
    return { ...block, element: copy };
  });
  return { ts: message.ts, text: message.text ?? '', blocks };
}

/**
 * The form body of a click on one box of a checkbox group in `seen` (as seenMessage builds it).
 * @param {{ seen: {ts: string, text: string, blocks: any[]}, blockId: string, value: string, checked: boolean, user: string, channel: string, responseUrl: string }} click
 */
export function checkboxClickBody(click) {
  const { seen, blockId, value, checked, user, channel } = click;
  const block = seen.blocks.find((b) => b.block_id === blockId);
  const element = block ? checkboxesOf(block) : null;
  if (!element) throw new Error(`no checkbox group ${blockId} in message ${seen.ts}`);
  const selectedValues = new Set((element.initial_options ?? []).map((o) => o.value));
  if (checked) selectedValues.add(value);
  else selectedValues.delete(value);
  // Slack lists the selection in the order the element shows it.
  const selected = element.options.filter((o) => selectedValues.has(o.value));
  const values = {};
  for (const b of seen.blocks) {
    const el = checkboxesOf(b);
    if (el && b.block_id)
      values[b.block_id] = {
        [el.action_id]: { type: 'checkboxes', selected_options: b.block_id === blockId ? selected : (el.initial_options ?? []) },
      };
  }
  const nowMs = Date.now();
  const payload = {
    type: 'block_actions',
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: BENCH_TEAM.teamId },
    api_app_id: BENCH_TEAM.appId,
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: seen.ts, channel_id: channel, is_ephemeral: false },
    trigger_id: `${nowMs}.${Math.floor(Math.random() * 1e9)}.bench`,
    team: { id: BENCH_TEAM.teamId, domain: BENCH_TEAM.domain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: 'deploy-bench' },
    message: {
      user: BENCH_TEAM.botUserId,
      type: 'message',
      ts: seen.ts,
      bot_id: BENCH_TEAM.botId,
      app_id: BENCH_TEAM.appId,
      text: seen.text,
      team: BENCH_TEAM.teamId,
      blocks: seen.blocks,
    },
    state: { values },
    response_url: click.responseUrl,
    actions: [
      {
        type: 'checkboxes',
        action_id: element.action_id,
        block_id: blockId,
        selected_options: selected,
        action_ts: `${Math.floor(nowMs / 1000)}.${String((nowMs % 1000) * 1000).padStart(6, '0')}`,
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
