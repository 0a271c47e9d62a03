/**
 * Plays Slack's side of the bot's HTTP endpoint: slash commands, block actions and view
 * submissions, signed exactly as Slack signs them (v0 HMAC-SHA256 of "v0:<ts>:<raw body>").
 *
 * Payloads are built from what the fake Slack stored, so a click is always made on a message
 * the bot really posted, with the options the user could really see. Passing a stale
 * `seenMessage` reproduces two people clicking on different versions of the same message.
 */
import type { FakeSlack, SlackBlock } from './fakeSlack.js';
import { FakeWorkspace } from './fakeSlack.js';
import { slackRequestHeaders, slackSignature } from './slackSignature.js';

const realDateNow = Date.now.bind(Date);

export const DEFAULT_USER = 'U0ALICE';
export const DEFAULT_CHANNEL = 'C0DEPLOY';
/** The legacy verification token Slack still sends in every payload. Bolt ignores it. */
export const LEGACY_VERIFICATION_TOKEN = 'legacy-verification-token-0000';

export interface SlackClientOptions {
  /** The bot's HTTP root, e.g. http://127.0.0.1:PORT */
  baseUrl: string;
  signingSecret: string;
  fake: FakeSlack;
  /** Request path (default /slack/events). */
  path?: string;
  /** Clock for the signature timestamp and action_ts (default: the real clock). */
  now?: () => number;
  /**
   * How a signed body reaches the bot instead of an HTTP POST: Socket Mode sends the same
   * payloads as envelopes (socketDelivery.ts). sendRaw always uses HTTP.
   */
  deliver?: (body: string) => Promise<BotResponse>;
  /**
   * The workspace every payload comes from (OAuth tests install several); default the fake's own.
   * With `enterpriseId` and `orgWide`, the app is installed org-wide on that Enterprise Grid org.
   */
  team?: { id: string; domain: string; enterpriseId?: string; orgWide?: boolean };
}

export interface BotResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the bot answered JSON, otherwise the raw text ('' for an empty ack). */
  body: unknown;
  text: string;
}

export interface InteractionResponse extends BotResponse {
  responseUrl: string;
  triggerId: string;
}

export interface CommandOptions {
  user?: string;
  channel?: string;
  team?: string;
  command?: string;
}

/** A message as the clicking user saw it; a StoredMessage from the fake fits. */
export interface SeenMessage {
  ts: string;
  text?: string;
  blocks: SlackBlock[];
  thread_ts?: string;
  edited?: { user: string; ts: string };
}

export type StateValues = Record<string, Record<string, Record<string, unknown>>>;

export interface BlockActionOptions {
  user?: string;
  channel?: string;
  message: SeenMessage;
  actions: Record<string, unknown>[];
  /** Defaults to the state Slack would send for the seen message (its checkbox/select values). */
  state?: { values: StateValues };
  /** Overrides fields of the default message container. */
  container?: Record<string, unknown>;
}

export interface ClickCheckboxOptions {
  user?: string;
  channel?: string;
  ts: string;
  blockId: string;
  /** The option value being clicked. */
  itemValue: string;
  /** The state of the box after the click. */
  checked: boolean;
  /** A stale copy of the message to click on instead of the fake's current version. */
  seenMessage?: SeenMessage;
}

export interface ClickButtonOptions {
  user?: string;
  channel?: string;
  ts: string;
  actionId: string;
  /** Picks among buttons sharing an action_id; must match the button's value when given. */
  value?: string;
  blockId?: string;
  seenMessage?: SeenMessage;
}

export interface ViewSubmissionOptions {
  user?: string;
  callbackId: string;
  privateMetadata?: string;
  /** state.values; a plain string is shorthand for a plain_text_input value. */
  values: Record<string, Record<string, string | Record<string, unknown>>>;
  /** Defaults to the latest view the fake opened with this callback_id. */
  viewId?: string;
}

export interface SlackClient {
  /** `v0=<hex>` for a body and a unix-seconds timestamp. */
  sign(body: string, timestampSec: number): string;
  /** The two signature headers plus Slack's content type, for a body signed now (or at `timestampSec`). */
  signedHeaders(body: string, timestampSec?: number): Record<string, string>;
  /** POSTs `body` with exactly these headers (nothing added), for forged or malformed requests. */
  sendRaw(body: string, headers: Record<string, string>, path?: string): Promise<BotResponse>;
  /** POSTs a signed form body. */
  sendSigned(body: string, timestampSec?: number): Promise<BotResponse>;
  command(text: string, options?: CommandOptions): Promise<InteractionResponse>;
  blockAction(options: BlockActionOptions): Promise<InteractionResponse>;
  clickCheckbox(options: ClickCheckboxOptions): Promise<InteractionResponse>;
  clickButton(options: ClickButtonOptions): Promise<InteractionResponse>;
  viewSubmission(options: ViewSubmissionOptions): Promise<BotResponse & { triggerId: string }>;
}

function isObj(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function interactiveElements(block: SlackBlock): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  if (block.type === 'actions' && Array.isArray(block['elements'])) {
    for (const el of block['elements']) if (isObj(el)) out.push(el);
  }
  if (isObj(block['accessory'])) out.push(block['accessory']);
  if (isObj(block['element'])) out.push(block['element']);
  return out;
}

/** The state.values Slack attaches to a block action: the current value of every stateful element. */
function stateOf(blocks: SlackBlock[]): StateValues {
  const values: StateValues = {};
  for (const block of blocks) {
    for (const el of interactiveElements(block)) {
      const blockId = block.block_id;
      const actionId = el['action_id'];
      if (typeof blockId !== 'string' || typeof actionId !== 'string') continue;
      let entry: Record<string, unknown> | undefined;
      switch (el['type']) {
        case 'checkboxes':
        case 'multi_static_select':
          entry = { type: el['type'], selected_options: structuredClone(el['initial_options'] ?? []) };
          break;
        case 'radio_buttons':
        case 'static_select':
          entry = { type: el['type'], selected_option: structuredClone(el['initial_option'] ?? null) };
          break;
        default:
          break;
      }
      if (entry) values[blockId] = { ...(values[blockId] ?? {}), [actionId]: entry };
    }
  }
  return values;
}

async function readResponse(response: Response): Promise<BotResponse> {
  const text = await response.text();
  let body: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, headers: response.headers, body, text };
}

export function createSlackClient(options: SlackClientOptions): SlackClient {
  const { fake, signingSecret } = options;
  const team = options.team ?? { id: FakeWorkspace.teamId, domain: FakeWorkspace.domain };
  const path = options.path ?? '/slack/events';
  const now = options.now ?? realDateNow;
  const base = options.baseUrl.replace(/\/+$/, '');

  const sign = (body: string, timestampSec: number): string => slackSignature(signingSecret, timestampSec, body);

  const signedHeaders = (body: string, timestampSec: number = Math.floor(now() / 1000)): Record<string, string> => ({
    ...slackRequestHeaders(signingSecret, body, timestampSec),
    Accept: 'application/json,*/*',
  });

  const sendRaw = async (body: string, headers: Record<string, string>, requestPath: string = path): Promise<BotResponse> => {
    const response = await fetch(`${base}${requestPath}`, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(10_000),
    });
    return readResponse(response);
  };

  const sendSigned = (body: string, timestampSec?: number): Promise<BotResponse> =>
    options.deliver ? options.deliver(body) : sendRaw(body, signedHeaders(body, timestampSec));

  const userObject = (id: string): Record<string, unknown> => {
    const info = fake.userInfo(id);
    return { id, username: info.name, name: info.name, team_id: team.id };
  };

  const channelName = (id: string): string => fake.channelInfo(id)?.name ?? FakeWorkspace.defaultChannelName;

  const actionTs = (): string => {
    const ms = now();
    return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`;
  };

  const sendPayload = (payload: Record<string, unknown>): Promise<BotResponse> =>
    sendSigned(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());

  const seenOrStored = (channel: string, ts: string, seen: SeenMessage | undefined): SeenMessage => {
    const message = seen ?? fake.message(channel, ts);
    if (!message) throw new Error(`slack client: no message ${ts} in ${channel} to click on`);
    return message;
  };

  const command = async (text: string, opts: CommandOptions = {}): Promise<InteractionResponse> => {
    const user = opts.user ?? DEFAULT_USER;
    const channel = opts.channel ?? DEFAULT_CHANNEL;
    const responseUrl = fake.responseUrl(undefined, { channel, user });
    const triggerId = fake.issueTriggerId();
    // Field order and names as in a real slash command request.
    const body = new URLSearchParams({
      token: LEGACY_VERIFICATION_TOKEN,
      team_id: opts.team ?? team.id,
      team_domain: team.domain,
      channel_id: channel,
      channel_name: channelName(channel),
      user_id: user,
      user_name: fake.userInfo(user).name,
      command: opts.command ?? '/deploy',
      text,
      api_app_id: FakeWorkspace.appId,
      ...(team.enterpriseId ? { enterprise_id: team.enterpriseId } : {}),
      is_enterprise_install: team.orgWide ? 'true' : 'false',
      response_url: responseUrl,
      trigger_id: triggerId,
    }).toString();
    const response = await sendSigned(body);
    return { ...response, responseUrl, triggerId };
  };

  const blockAction = async (opts: BlockActionOptions): Promise<InteractionResponse> => {
    const user = opts.user ?? DEFAULT_USER;
    const channel = opts.channel ?? DEFAULT_CHANNEL;
    const seen = opts.message;
    const responseUrl = fake.responseUrl(undefined, { channel, user, messageTs: seen.ts });
    const triggerId = fake.issueTriggerId();
    const container: Record<string, unknown> = {
      type: 'message',
      message_ts: seen.ts,
      channel_id: channel,
      is_ephemeral: false,
      ...(seen.thread_ts !== undefined ? { thread_ts: seen.thread_ts } : {}),
      ...(opts.container ?? {}),
    };
    const message: Record<string, unknown> = {
      user: FakeWorkspace.botUserId,
      type: 'message',
      ts: seen.ts,
      bot_id: FakeWorkspace.botId,
      app_id: FakeWorkspace.appId,
      text: seen.text ?? '',
      team: team.id,
      blocks: structuredClone(seen.blocks),
      ...(seen.thread_ts !== undefined ? { thread_ts: seen.thread_ts } : {}),
      ...(seen.edited !== undefined ? { edited: { ...seen.edited } } : {}),
    };
    const payload: Record<string, unknown> = {
      type: 'block_actions',
      user: userObject(user),
      api_app_id: FakeWorkspace.appId,
      token: LEGACY_VERIFICATION_TOKEN,
      container,
      trigger_id: triggerId,
      team: { id: team.id, domain: team.domain },
      enterprise: team.enterpriseId ? { id: team.enterpriseId, name: team.enterpriseId } : null,
      is_enterprise_install: team.orgWide === true,
      channel: { id: channel, name: channelName(channel) },
      message,
      state: opts.state ?? { values: stateOf(seen.blocks) },
      response_url: responseUrl,
      actions: opts.actions,
    };
    const response = await sendPayload(payload);
    return { ...response, responseUrl, triggerId };
  };

  const clickCheckbox = async (opts: ClickCheckboxOptions): Promise<InteractionResponse> => {
    const channel = opts.channel ?? DEFAULT_CHANNEL;
    const seen = seenOrStored(channel, opts.ts, opts.seenMessage);
    const block = seen.blocks.find((b) => b.block_id === opts.blockId);
    if (!block) throw new Error(`slack client: no block ${opts.blockId} in message ${opts.ts}`);
    const element = interactiveElements(block).find((el) => el['type'] === 'checkboxes');
    if (!element) throw new Error(`slack client: block ${opts.blockId} has no checkboxes`);
    const options = Array.isArray(element['options']) ? element['options'].filter(isObj) : [];
    const clicked = options.find((o) => o['value'] === opts.itemValue);
    if (!clicked) throw new Error(`slack client: block ${opts.blockId} has no option ${opts.itemValue}`);
    const initial = Array.isArray(element['initial_options']) ? element['initial_options'].filter(isObj) : [];
    const selectedValues = new Set(initial.map((o) => o['value']));
    if (opts.checked) selectedValues.add(opts.itemValue);
    else selectedValues.delete(opts.itemValue);
    // Slack lists the selected options in the order the element shows them.
    const selected = options.filter((o) => selectedValues.has(o['value'])).map((o) => structuredClone(o));
    const actionId = String(element['action_id']);
    const state = stateOf(seen.blocks);
    state[opts.blockId] = {
      ...(state[opts.blockId] ?? {}),
      [actionId]: { type: 'checkboxes', selected_options: structuredClone(selected) },
    };
    return blockAction({
      user: opts.user ?? DEFAULT_USER,
      channel,
      message: seen,
      state: { values: state },
      actions: [
        {
          type: 'checkboxes',
          action_id: actionId,
          block_id: opts.blockId,
          selected_options: selected,
          action_ts: actionTs(),
        },
      ],
    });
  };

  const clickButton = async (opts: ClickButtonOptions): Promise<InteractionResponse> => {
    const channel = opts.channel ?? DEFAULT_CHANNEL;
    const seen = seenOrStored(channel, opts.ts, opts.seenMessage);
    let found: { block: SlackBlock; button: Record<string, unknown> } | undefined;
    for (const block of seen.blocks) {
      if (opts.blockId !== undefined && block.block_id !== opts.blockId) continue;
      for (const el of interactiveElements(block)) {
        if (el['type'] !== 'button' || el['action_id'] !== opts.actionId) continue;
        if (opts.value !== undefined && el['value'] !== opts.value) continue;
        found ??= { block, button: el };
      }
    }
    if (!found) {
      throw new Error(`slack client: no button ${opts.actionId}${opts.value !== undefined ? ` with value ${opts.value}` : ''} in message ${opts.ts}`);
    }
    const { block, button } = found;
    const action: Record<string, unknown> = {
      action_id: opts.actionId,
      block_id: block.block_id,
      text: structuredClone(button['text']),
      type: 'button',
      action_ts: actionTs(),
    };
    if (button['value'] !== undefined) action['value'] = button['value'];
    if (button['style'] !== undefined) action['style'] = button['style'];
    return blockAction({ user: opts.user ?? DEFAULT_USER, channel, message: seen, actions: [action] });
  };

  const viewSubmission = async (opts: ViewSubmissionOptions): Promise<BotResponse & { triggerId: string }> => {
    const user = opts.user ?? DEFAULT_USER;
    const opened = [...fake.views]
      .reverse()
      .find((v) => (opts.viewId !== undefined ? v.id === opts.viewId : v.view['callback_id'] === opts.callbackId));
    const values: StateValues = {};
    for (const [blockId, actions] of Object.entries(opts.values)) {
      values[blockId] = {};
      for (const [actionId, value] of Object.entries(actions)) {
        values[blockId]![actionId] = typeof value === 'string' ? { type: 'plain_text_input', value } : value;
      }
    }
    const viewId = opened?.id ?? opts.viewId ?? 'V0SUBMITTED';
    const view: Record<string, unknown> = {
      ...(opened ? structuredClone(opened.view) : {}),
      id: viewId,
      team_id: team.id,
      type: 'modal',
      callback_id: opts.callbackId,
      private_metadata: opts.privateMetadata ?? (typeof opened?.view['private_metadata'] === 'string' ? opened.view['private_metadata'] : ''),
      state: { values },
      app_id: FakeWorkspace.appId,
      bot_id: FakeWorkspace.botId,
    };
    if (!opened) {
      view['blocks'] = [];
      view['title'] = { type: 'plain_text', text: 'Modal', emoji: true };
      view['hash'] = `${Math.floor(now() / 1000)}.fake`;
      view['root_view_id'] = viewId;
      view['previous_view_id'] = null;
    }
    const triggerId = fake.issueTriggerId();
    const payload: Record<string, unknown> = {
      type: 'view_submission',
      team: { id: team.id, domain: team.domain },
      user: userObject(user),
      api_app_id: FakeWorkspace.appId,
      token: LEGACY_VERIFICATION_TOKEN,
      trigger_id: triggerId,
      view,
      response_urls: [],
      is_enterprise_install: team.orgWide === true,
      enterprise: team.enterpriseId ? { id: team.enterpriseId, name: team.enterpriseId } : null,
    };
    const response = await sendPayload(payload);
    return { ...response, triggerId };
  };

  return {
    sign,
    signedHeaders,
    sendRaw,
    sendSigned,
    command,
    blockAction,
    clickCheckbox,
    clickButton,
    viewSubmission,
  };
}
