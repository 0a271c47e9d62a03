/**
 * A strict, in-process fake of the Slack Web API (plus response_url hooks) for integration tests.
 *
 * It is a real HTTP server on 127.0.0.1 so the bot talks to it through its ordinary
 * @slack/web-api client (point `SLACK_API_URL` at `fake.apiUrl`). It answers like Slack does:
 * HTTP 200 with `{ok:false,error}` for API errors, 429 + Retry-After when rate limited, and it
 * rejects blocks Slack would reject (see blockKitRules.ts) instead of storing them, so a test
 * cannot pass with a payload that would fail in a real workspace.
 *
 * Like Slack it renders what it stores: blocks without a block_id or action_id get generated
 * ones, plain_text gets `emoji: true` and mrkdwn `verbatim: false` unless given. Tests should
 * therefore compare stored blocks by the fields they care about, not deep-equal to what was sent.
 *
 * The benchmarks run the same fake with `lenient: true` (compiled by tsconfig.bench.json): the
 * protocol (tokens, channels, threads, rate limits, response_urls) stays, but the per-call work a
 * benchmark must not measure — Block Kit validation, rendering, message history, call arguments —
 * is skipped.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BlockKitLimits, blocksTextLength, validateBlocks, validateView } from './blockKitRules.js';
import { FakeSlackFiles, UPLOAD_PATH } from './fakeSlackFiles.js';
import { FakeSocketMode } from './fakeSocketMode.js';
import { type FakeOAuthOptions, FakeSlackOAuth } from './fakeSlackOAuth.js';

// Captured at import so injected delays still elapse when a test later switches to fake timers.
const realSetTimeout = globalThis.setTimeout;
const realDateNow = Date.now.bind(Date);

export const FAKE_BOT_TOKEN = 'xoxb-0000000000-fake-deployday';

/** The workspace the fake pretends to be. */
export const FakeWorkspace = {
  teamId: 'T0TEST',
  teamName: 'Deploy Test',
  domain: 'deploy-test',
  url: 'https://deploy-test.slack.com/',
  botUserId: 'U0BOT',
  botId: 'B0BOT',
  botName: 'deployday',
  appId: 'A0DEPLOY',
  defaultChannelName: 'deploy-room',
} as const;

/** A Block Kit block as stored by the fake (loosely typed on purpose: tests poke at any field). */
export interface SlackBlock {
  type: string;
  block_id?: string;
  [key: string]: unknown;
}

export interface ApiCall {
  method: string;
  /** Arguments as received; JSON-valued ones (blocks, view, attachments, metadata) decoded. The token is not here. */
  args: Record<string, unknown>;
  token: string | undefined;
  /** When the call arrived (epoch ms). */
  at: number;
  /** HTTP status answered; 0 while an injected delay is still holding the call. */
  status: number;
  ok: boolean;
  error: string | undefined;
}

export interface MessageVersion {
  text: string;
  blocks: SlackBlock[];
  at: number;
  via: 'chat.postMessage' | 'chat.update' | 'response_url';
}

export interface StoredMessage {
  type: 'message';
  channel: string;
  ts: string;
  text: string;
  blocks: SlackBlock[];
  /** Set on replies only: the ts of the thread's parent. */
  thread_ts?: string;
  user: string;
  bot_id: string;
  app_id: string;
  team: string;
  edited?: { user: string; ts: string };
  /** Message metadata (event_type, event_payload) as posted; Slack returns it from conversations.history with include_all_metadata. */
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** Every version of the message, oldest first; the last one is the current state. */
  history: MessageVersion[];
  /** The files a completed upload shared with this message (files.completeUploadExternal). */
  files?: Array<{ id: string; name: string; title: string }>;
}

export interface EphemeralMessage {
  channel: string;
  user: string | undefined;
  text: string;
  blocks: SlackBlock[];
  thread_ts?: string;
  message_ts: string;
  at: number;
  via: 'chat.postEphemeral' | 'response_url';
}

/** What a response_url was issued for; decides what replace_original / delete_original act on. */
export interface ResponseUrlContext {
  channel?: string;
  user?: string;
  /** The message the interaction happened on (block actions only). */
  messageTs?: string;
}

export interface ResponsePost {
  id: string;
  url: string;
  at: number;
  status: number;
  /** The posted JSON ({} when it did not parse). */
  body: Record<string, unknown>;
  raw: string;
  outcome: 'replaced' | 'deleted' | 'in_channel' | 'ephemeral' | 'rejected';
  /** Slack's error string for a rejected post (e.g. `used_url`, `invalid_blocks`). */
  error?: string;
}

export interface OpenedView {
  id: string;
  via: 'views.open' | 'views.push' | 'views.update';
  triggerId: string | undefined;
  /** The view as Slack would return it (id, hash, state, rendered blocks, ...). */
  view: Record<string, unknown>;
  at: number;
}

/** A sliding-window limit; a call over it is answered 429 without being applied. */
export interface RateLimit {
  perMinute?: number;
  perSecond?: number;
  /** Count per `channel` argument instead of per method (Slack does this for chat.* writes). */
  perChannel?: boolean;
}

/**
 * An injected failure for the next call(s) of a method. `delayMs` alone delays then answers
 * normally; `status` answers that HTTP status (429 gets `Retry-After: retryAfter ?? 1`);
 * `error` alone answers HTTP 200 `{ok:false,error}`.
 */
export interface Fault {
  status?: number;
  retryAfter?: number;
  error?: string;
  delayMs?: number;
}

export interface FakeUser {
  id: string;
  team_id: string;
  name: string;
  real_name: string;
  tz: string;
  tz_label: string;
  tz_offset: number;
  is_bot: boolean;
  deleted: boolean;
  profile: { real_name: string; display_name: string };
}

export interface FakeSlackOptions {
  /** The only token accepted (default FAKE_BOT_TOKEN). */
  botToken?: string;
  /** Channels that exist; default: any id matching /^[CGD][A-Z0-9]+$/. */
  channels?: Array<string | { id: string; name?: string }>;
  /** How long a trigger_id stays usable (Slack: 3 s). */
  triggerTtlMs?: number;
  /** Posts accepted per response_url (Slack: 5). */
  responseUrlMaxPosts?: number;
  rateLimits?: Record<string, RateLimit>;
  /** Clock for `at` fields, trigger expiry and rate windows (default: the real clock). */
  now?: () => number;
  /**
   * For benchmarks: blocks are stored as sent without Block Kit validation or rendering, messages
   * keep no history of versions, and the call log keeps only scalar arguments (no blocks/views),
   * so the fake's own cost and memory stay out of the figures. Tests keep the default (strict).
   */
  lenient?: boolean;
  /** The app-level token apps.connections.open accepts (default FAKE_APP_TOKEN). */
  appToken?: string;
  /** Scopes the bot token was granted; default: all deployday asks for. files.* and users.lookupByEmail check them. */
  scopes?: string[];
  /** OAuth distribution (fakeSlackOAuth.ts): the app's client credentials; workspaces are added with fake.oauth.addWorkspace. */
  oauth?: FakeOAuthOptions;
}

type ApiResult = { ok: boolean; error?: string; [key: string]: unknown };
type Content = { text: string | undefined; blocks: unknown[] | undefined };

const JSON_ARGS = ['blocks', 'view', 'attachments', 'metadata'];

function isObj(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(error: string, messages?: string[]): ApiResult {
  return messages && messages.length > 0 ? { ok: false, error, response_metadata: { messages } } : { ok: false, error };
}

function isFailure(value: Content | ApiResult): value is ApiResult {
  return 'ok' in value;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, ms));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function writeJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function writeText(res: ServerResponse, status: number, text: string): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

/** Calls `visit` on every object nested in `value` (depth first, parents before children). */
function walkObjects(value: unknown, visit: (obj: Record<string, unknown>) => void): void {
  if (Array.isArray(value)) {
    value.forEach((item) => walkObjects(item, visit));
  } else if (isObj(value)) {
    visit(value);
    Object.values(value).forEach((child) => walkObjects(child, visit));
  }
}

/** Every interactive element of a block, wherever Slack allows one. */
function elementsOf(block: SlackBlock): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  if (Array.isArray(block['elements']) && block.type === 'actions') {
    for (const el of block['elements']) if (isObj(el)) out.push(el);
  }
  if (isObj(block['accessory'])) out.push(block['accessory']);
  if (isObj(block['element'])) out.push(block['element']);
  return out;
}

function collectText(message: { text: string; blocks: SlackBlock[] }): string {
  const parts = [message.text];
  walkObjects(message.blocks, (obj) => {
    if (typeof obj['text'] === 'string') parts.push(obj['text']);
  });
  return parts.join('\n');
}

/** The message as Slack puts it in API answers and interaction payloads. */
function parseMetadata(raw: unknown): { event_type: string; event_payload: Record<string, unknown> } | undefined | 'invalid' {
  if (raw === undefined || raw === null || raw === '') return undefined;
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return 'invalid';
    }
  }
  const meta = value as { event_type?: unknown; event_payload?: unknown };
  if (typeof meta?.event_type !== 'string' || typeof meta.event_payload !== 'object' || meta.event_payload === null) return 'invalid';
  return { event_type: meta.event_type, event_payload: meta.event_payload as Record<string, unknown> };
}

export function toSlackMessage(message: StoredMessage): Record<string, unknown> {
  const out: Record<string, unknown> = {
    user: message.user,
    type: 'message',
    ts: message.ts,
    bot_id: message.bot_id,
    app_id: message.app_id,
    text: message.text,
    team: message.team,
    blocks: clone(message.blocks),
  };
  if (message.thread_ts !== undefined) out['thread_ts'] = message.thread_ts;
  if (message.edited !== undefined) out['edited'] = { ...message.edited };
  if (message.metadata !== undefined) out['metadata'] = clone(message.metadata);
  if (message.files !== undefined) out['files'] = clone(message.files);
  return out;
}

export class FakeSlack {
  readonly baseUrl: string;
  /** Give this to the bot as SLACK_API_URL / WebClient slackApiUrl. */
  readonly apiUrl: string;
  readonly botToken: string;

  private readonly server: Server;
  private readonly now: () => number;
  private readonly triggerTtlMs: number;
  private readonly maxResponsePosts: number;
  private readonly lenient: boolean;
  private readonly initialChannels: Map<string, string> | undefined;
  private allowedChannels: Map<string, string> | undefined;

  private readonly callLog: ApiCall[] = [];
  private readonly channelMessages = new Map<string, StoredMessage[]>();
  /** The messages that share completed uploads (see postShare). */
  private readonly shareMessages: StoredMessage[] = [];
  private readonly ephemeralLog: EphemeralMessage[] = [];
  private readonly responseLog: ResponsePost[] = [];
  private readonly viewLog: OpenedView[] = [];
  private readonly responseUrls = new Map<string, { context: ResponseUrlContext; posts: number }>();
  private readonly triggers = new Map<string, { issuedAt: number; used: boolean }>();
  private readonly users = new Map<string, Partial<FakeUser>>();
  /** Lower-cased e-mail → user id, for users.lookupByEmail (see addUserWithEmail). */
  private readonly emails = new Map<string, string>();
  private readonly scopes: Set<string>;
  private readonly rateLimits = new Map<string, RateLimit>();
  private readonly initialRateLimits: Record<string, RateLimit>;
  private readonly rateHits = new Map<string, number[]>();
  private readonly faults = new Map<string, Fault[]>();
  private down = false;
  // Never reset, so ts and ids stay unique for the fake's whole life even across reset().
  private tsCounter = 0;
  private idCounter = 0;

  private readonly methods: ReadonlyMap<string, (args: Record<string, unknown>) => ApiResult>;
  /** files.getUploadURLExternal, the upload URL and files.completeUploadExternal (fakeSlackFiles.ts). */
  readonly files: FakeSlackFiles;
  /** apps.connections.open and the Socket Mode WebSocket (fakeSocketMode.ts). */
  readonly socket: FakeSocketMode;
  /** The authorize page, oauth.v2.access and per-workspace tokens (fakeSlackOAuth.ts). */
  readonly oauth: FakeSlackOAuth;

  private constructor(server: Server, port: number, opts: FakeSlackOptions) {
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.apiUrl = `${this.baseUrl}/api/`;
    this.botToken = opts.botToken ?? FAKE_BOT_TOKEN;
    this.now = opts.now ?? realDateNow;
    this.triggerTtlMs = opts.triggerTtlMs ?? 3000;
    this.maxResponsePosts = opts.responseUrlMaxPosts ?? 5;
    this.lenient = opts.lenient ?? false;
    this.initialChannels = opts.channels
      ? new Map(
          opts.channels.map((c) =>
            typeof c === 'string' ? [c, FakeWorkspace.defaultChannelName] : [c.id, c.name ?? FakeWorkspace.defaultChannelName],
          ),
        )
      : undefined;
    this.allowedChannels = this.initialChannels ? new Map(this.initialChannels) : undefined;
    // users.lookupByEmail is Tier 3 in Slack's docs (50+ a minute); the rest are unlimited unless a test says.
    this.initialRateLimits = { 'users.lookupByEmail': { perMinute: 50 }, ...(opts.rateLimits ?? {}) };
    for (const [method, limit] of Object.entries(this.initialRateLimits)) this.rateLimits.set(method, limit);

    const scopes = new Set(
      opts.scopes ?? [
        'commands',
        'chat:write',
        'chat:write.public',
        'channels:history',
        'groups:history',
        'files:write',
        'users:read',
        'users:read.email',
      ],
    );
    this.scopes = scopes;
    this.files = new FakeSlackFiles({
      baseUrl: this.baseUrl,
      now: () => this.now(),
      newId: (prefix) => this.newId(prefix),
      resolveChannel: (value) => this.resolveChannel(value),
      hasMessage: (channel, ts) => this.findMessage(channel, ts) !== undefined,
      hasScope: (scope) => scopes.has(scope),
      // Slack shares completed files as a message of the uploader, in the thread when one is given. Kept
      // apart from the channel's messages (tests read shares from files.shares); conversations.replies shows them.
      postShare: (channel, threadTs, text, files) => {
        const message: StoredMessage = {
          ...this.newMessage(channel, text, []),
          ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
          files,
        };
        this.shareMessages.push(message);
      },
    });
    this.socket = new FakeSocketMode(this.baseUrl, opts.appToken);
    this.oauth = new FakeSlackOAuth(opts.oauth, () => this.now());
    this.methods = new Map<string, (args: Record<string, unknown>) => ApiResult>([
      ['files.getUploadURLExternal', (a) => this.files.getUploadURLExternal(a)],
      ['files.completeUploadExternal', (a) => this.files.completeUploadExternal(a)],
      ['auth.test', () => this.authTest()],
      ['chat.postMessage', (a) => this.postMessage(a)],
      ['chat.update', (a) => this.update(a)],
      ['chat.delete', (a) => this.deleteMessage(a)],
      ['chat.postEphemeral', (a) => this.postEphemeral(a)],
      ['chat.getPermalink', (a) => this.getPermalink(a)],
      ['views.open', (a) => this.openView(a, 'views.open')],
      ['views.push', (a) => this.openView(a, 'views.push')],
      ['views.update', (a) => this.updateView(a)],
      ['users.info', (a) => this.usersInfo(a)],
      ['users.lookupByEmail', (a) => this.lookupByEmail(a)],
      ['conversations.info', (a) => this.conversationsInfo(a)],
      ['conversations.history', (a) => this.conversationsHistory(a)],
      ['conversations.replies', (a) => this.conversationsReplies(a)],
    ]);
  }

  static async start(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
    let fake: FakeSlack | undefined;
    const server = createServer((req, res) => {
      if (!fake) {
        writeText(res, 503, 'starting');
        return;
      }
      fake.handle(req, res).catch((err: unknown) => {
        writeText(res, 500, `fake slack crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      });
    });
    server.on('upgrade', (req, socket, head) => {
      if (fake) fake.socket.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    fake = new FakeSlack(server, port, opts);
    return fake;
  }

  // ---------------------------------------------------------------- inspection

  /** Every API call received, in arrival order (live array). */
  get calls(): readonly ApiCall[] {
    return this.callLog;
  }

  callsTo(method: string): ApiCall[] {
    return this.callLog.filter((c) => c.method === method);
  }

  get ephemerals(): readonly EphemeralMessage[] {
    return this.ephemeralLog;
  }

  get responses(): readonly ResponsePost[] {
    return this.responseLog;
  }

  get views(): readonly OpenedView[] {
    return this.viewLog;
  }

  /** Current state of every message in a channel (replies included; file shares are in files.shares), oldest first. Copies. */
  messages(channel: string): StoredMessage[] {
    return clone(this.channelMessages.get(channel) ?? []);
  }

  /** One message's current state (a copy: it will not change when the message is updated). */
  message(channel: string, ts: string): StoredMessage | undefined {
    const found = this.findMessage(channel, ts);
    return found ? clone(found) : undefined;
  }

  /** Messages whose text or any block text contains `substring`. */
  findText(channel: string, substring: string): StoredMessage[] {
    return this.messages(channel).filter((m) => collectText(m).includes(substring));
  }

  /** block_id → values of the checked options (initial_options) of every checkboxes element in a message. */
  checkboxesState(channel: string, ts: string): Record<string, string[]> {
    const message = this.findMessage(channel, ts);
    if (!message) throw new Error(`fake slack: no message ${ts} in ${channel}`);
    const state: Record<string, string[]> = {};
    for (const block of message.blocks) {
      for (const el of elementsOf(block)) {
        if (el['type'] !== 'checkboxes') continue;
        const key = block.block_id ?? '';
        const selected = Array.isArray(el['initial_options']) ? el['initial_options'] : [];
        const values = selected.filter(isObj).map((o) => String(o['value']));
        state[key] = [...(state[key] ?? []), ...values];
      }
    }
    return state;
  }

  /** The profile users.info answers for `id` (overridable with setUser). */
  userInfo(id: string): FakeUser {
    const name = id === FakeWorkspace.botUserId ? FakeWorkspace.botName : id.toLowerCase().replace(/^[uw]0?/, '');
    const base: FakeUser = {
      id,
      team_id: FakeWorkspace.teamId,
      name,
      real_name: `Test ${name}`,
      tz: 'America/New_York',
      tz_label: 'Eastern Standard Time',
      tz_offset: -18000,
      is_bot: id === FakeWorkspace.botUserId,
      deleted: false,
      profile: { real_name: `Test ${name}`, display_name: name },
    };
    return { ...base, ...(this.users.get(id) ?? {}) };
  }

  /** A workspace member users.lookupByEmail finds by `email` (any case). */
  addUserWithEmail(id: string, email: string, info: Partial<FakeUser> = {}): void {
    this.emails.set(email.toLowerCase(), id);
    this.setUser(id, info);
  }

  setUser(id: string, info: Partial<FakeUser>): void {
    this.users.set(id, { ...(this.users.get(id) ?? {}), ...info });
  }

  /** What conversations.info answers for `id`, or undefined if the channel does not exist. */
  channelInfo(id: string): { id: string; name: string; is_member: boolean; is_channel: boolean; is_private: boolean; is_im: boolean } | undefined {
    const resolved = this.resolveChannel(id);
    if (!resolved) return undefined;
    const isIm = resolved.startsWith('D');
    return {
      id: resolved,
      name: isIm ? 'directmessage' : (this.allowedChannels?.get(resolved) ?? FakeWorkspace.defaultChannelName),
      is_member: true,
      is_channel: resolved.startsWith('C'),
      is_private: resolved.startsWith('G'),
      is_im: isIm,
    };
  }

  /** Makes a channel exist (needed only when the fake was started with an explicit channel list). */
  addChannel(id: string, name: string = FakeWorkspace.defaultChannelName): void {
    if (!this.allowedChannels) this.allowedChannels = new Map();
    this.allowedChannels.set(id, name);
  }

  // ---------------------------------------------------------------- control

  /** Limits a method from now on; `null` removes the limit. */
  setRateLimit(method: string, limit: RateLimit | null): void {
    if (limit) this.rateLimits.set(method, limit);
    else this.rateLimits.delete(method);
  }

  /** The next `n` calls of `method` (or of any method with '*') get `fault`. */
  failNext(method: string, n: number, fault: Fault): void {
    const queue = this.faults.get(method) ?? [];
    for (let i = 0; i < n; i++) queue.push(fault);
    this.faults.set(method, queue);
  }

  /**
   * Spends a rate-limited method's minute (per channel when its limit is per channel), so calls
   * are answered 429 until `freeInMs` from now: Slack's state after another client used the budget.
   */
  exhaustRateLimit(method: string, channel: string | undefined, freeInMs: number): void {
    const limit = this.rateLimits.get(method);
    if (limit?.perMinute === undefined) throw new Error(`fake slack: ${method} has no per-minute limit to exhaust`);
    const key = limit.perChannel ? `${method}|${channel ?? ''}` : method;
    const spentAt = this.now() - 60_000 + freeInMs;
    this.rateHits.set(
      key,
      Array.from({ length: limit.perMinute }, () => spentAt),
    );
  }

  /** While down, every API call and response_url post answers 503, as in a Slack outage. */
  setDown(down: boolean): void {
    this.down = down;
  }

  /** A fresh trigger_id that views.open / views.push accept once, within triggerTtlMs. */
  issueTriggerId(): string {
    this.idCounter += 1;
    // Shaped like Slack's: "<digits>.<digits>.<hex>".
    const id = `${10_000_000_000 + this.idCounter}.${700_000_000 + this.idCounter}.${((this.idCounter * 2654435761) >>> 0).toString(16)}`;
    this.triggers.set(id, { issuedAt: this.now(), used: false });
    return id;
  }

  /**
   * A response_url the fake accepts up to 5 posts on. With `context.messageTs`, replace_original
   * and delete_original act on that message; otherwise posts become ephemerals (or, with
   * response_type in_channel, new messages in context.channel).
   */
  responseUrl(id?: string, context: ResponseUrlContext = {}): string {
    const key = id ?? this.newId('R');
    const existing = this.responseUrls.get(key);
    if (existing) existing.context = { ...existing.context, ...context };
    else this.responseUrls.set(key, { context: { ...context }, posts: 0 });
    return `${this.baseUrl}/response/${encodeURIComponent(key)}`;
  }

  /** Forgets all messages, calls, faults, limits and outages; ts values keep increasing. */
  reset(): void {
    this.callLog.length = 0;
    this.channelMessages.clear();
    this.shareMessages.length = 0;
    this.ephemeralLog.length = 0;
    this.responseLog.length = 0;
    this.viewLog.length = 0;
    this.responseUrls.clear();
    this.triggers.clear();
    this.users.clear();
    this.emails.clear();
    this.rateLimits.clear();
    for (const [method, limit] of Object.entries(this.initialRateLimits)) this.rateLimits.set(method, limit);
    this.rateHits.clear();
    this.faults.clear();
    this.allowedChannels = this.initialChannels ? new Map(this.initialChannels) : undefined;
    this.down = false;
    this.files.reset();
  }

  async close(): Promise<void> {
    this.socket.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  // ---------------------------------------------------------------- HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    if (url.pathname.startsWith(UPLOAD_PATH)) return this.files.handleUpload(url.pathname.slice(UPLOAD_PATH.length), req, res);
    const raw = await readBody(req);
    if (url.pathname.startsWith('/api/')) {
      await this.handleApi(url.pathname.slice('/api/'.length), url, req, raw, res);
    } else if (url.pathname.startsWith('/response/') && req.method === 'POST') {
      this.handleResponseUrl(decodeURIComponent(url.pathname.slice('/response/'.length)), req, raw, res);
    } else {
      writeText(res, 404, 'not_found');
    }
  }

  private parseApiArgs(req: IncomingMessage, url: URL, raw: string): { args: Record<string, unknown>; parseError?: string } {
    const args: Record<string, unknown> = {};
    for (const [k, v] of url.searchParams) args[k] = v;
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (raw.length > 0) {
      if (contentType === 'application/json') {
        try {
          const parsed: unknown = JSON.parse(raw);
          if (!isObj(parsed)) return { args, parseError: 'invalid_json' };
          Object.assign(args, parsed);
        } catch {
          return { args, parseError: 'invalid_json' };
        }
      } else {
        for (const [k, v] of new URLSearchParams(raw)) args[k] = v;
      }
    }
    for (const key of JSON_ARGS) {
      const value = args[key];
      if (typeof value === 'string' && value.length > 0) {
        try {
          args[key] = JSON.parse(value);
        } catch {
          // left as a string: the method answers invalid_blocks_format / invalid_arguments
        }
      }
    }
    return { args };
  }

  private async handleApi(method: string, url: URL, req: IncomingMessage, raw: string, res: ServerResponse): Promise<void> {
    const { args, parseError } = this.parseApiArgs(req, url, raw);
    const authorization = req.headers.authorization ?? '';
    const headerToken = /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim();
    const bodyToken = typeof args['token'] === 'string' ? args['token'] : undefined;
    delete args['token'];
    const token = headerToken ?? bodyToken;
    const logged = this.lenient ? Object.fromEntries(Object.entries(args).filter(([, v]) => typeof v !== 'object' || v === null)) : args;
    const call: ApiCall = { method, args: logged, token, at: this.now(), status: 0, ok: false, error: undefined };
    this.callLog.push(call);
    const reply = (status: number, body: ApiResult, headers: Record<string, string> = {}): void => {
      call.status = status;
      call.ok = body.ok === true;
      call.error = body.error;
      writeJson(res, status, body, headers);
    };

    if (this.down) return reply(503, fail('service_unavailable'));
    const fault = this.takeFault(method);
    if (fault?.delayMs !== undefined) await sleep(fault.delayMs);
    if (fault && (fault.status !== undefined || fault.error !== undefined)) {
      const status = fault.status ?? 200;
      const headers: Record<string, string> = status === 429 ? { 'Retry-After': String(fault.retryAfter ?? 1) } : {};
      const error = fault.error ?? (status === 429 ? 'ratelimited' : 'internal_error');
      return reply(status, fail(error), headers);
    }
    // The one method that takes the app-level token, not the bot token.
    if (method === 'apps.connections.open') return reply(200, this.socket.connectionsOpen(token));
    // oauth.v2.access authenticates with the app's client id and secret, not a token.
    if (method === 'oauth.v2.access') return reply(200, parseError ? fail(parseError) : this.oauth.access(args, req.headers.authorization));
    const handler = this.methods.get(method);
    if (!handler) return reply(200, fail('unknown_method'));
    if (parseError) return reply(200, fail(parseError));
    if (!token) return reply(200, fail('not_authed'));
    const installed = token === this.botToken ? null : this.oauth.check(token);
    if (token !== this.botToken && !installed) return reply(200, fail('invalid_auth'));
    if (installed && 'error' in installed) return reply(200, fail(installed.error));
    if (installed && 'tenant' in installed) {
      const refused = this.oauth.refuseChannel(installed.tenant, args['channel']);
      if (refused) return reply(200, refused);
      if (method === 'auth.test') return reply(200, this.oauth.authTest(installed.tenant));
    }
    const retryAfter = this.checkRateLimit(method, args);
    if (retryAfter !== undefined) return reply(429, fail('ratelimited'), { 'Retry-After': String(retryAfter) });
    reply(200, handler(args));
  }

  private takeFault(method: string): Fault | undefined {
    for (const key of [method, '*']) {
      const queue = this.faults.get(key);
      if (queue && queue.length > 0) return queue.shift();
    }
    return undefined;
  }

  /** Seconds to wait if the call is over its limit; otherwise records it and returns undefined. */
  private checkRateLimit(method: string, args: Record<string, unknown>): number | undefined {
    const limit = this.rateLimits.get(method);
    if (!limit) return undefined;
    const key = limit.perChannel ? `${method}|${String(args['channel'] ?? '')}` : method;
    const now = this.now();
    const hits = (this.rateHits.get(key) ?? []).filter((t) => t > now - 60_000);
    this.rateHits.set(key, hits);
    let waitMs = 0;
    const windows: Array<[number, number | undefined]> = [
      [60_000, limit.perMinute],
      [1_000, limit.perSecond],
    ];
    for (const [windowMs, max] of windows) {
      if (max === undefined) continue;
      const inWindow = hits.filter((t) => t > now - windowMs);
      if (inWindow.length < max) continue;
      // The window frees a slot when the max-th most recent call leaves it.
      const blocking = max > 0 ? inWindow[inWindow.length - max]! : now;
      waitMs = Math.max(waitMs, blocking + windowMs - now);
    }
    if (waitMs > 0) return Math.max(1, Math.ceil(waitMs / 1000));
    hits.push(now);
    return undefined;
  }

  // ---------------------------------------------------------------- helpers

  private newId(prefix: string): string {
    this.idCounter += 1;
    return `${prefix}0${this.idCounter.toString(36).toUpperCase().padStart(8, '0')}`;
  }

  private nextTs(): string {
    this.tsCounter += 1;
    const micros = this.tsCounter * 100;
    return `${1_700_000_000 + Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  private resolveChannel(value: unknown): string | undefined {
    if (typeof value !== 'string') return undefined;
    // chat.postMessage to a user id posts in the app's DM with that user.
    if (/^[UW][A-Z0-9]+$/.test(value)) return `D${value.slice(1)}`;
    if (this.allowedChannels) return this.allowedChannels.has(value) ? value : undefined;
    return /^[CGD][A-Z0-9]+$/.test(value) ? value : undefined;
  }

  private findMessage(channel: string, ts: string): StoredMessage | undefined {
    return this.channelMessages.get(channel)?.find((m) => m.ts === ts);
  }

  /** Validates text/blocks the way chat.postMessage does. */
  private readContent(args: Record<string, unknown>, required: boolean): Content | ApiResult {
    const text = args['text'] === undefined || args['text'] === null ? undefined : String(args['text']);
    let blocks: unknown[] | undefined;
    const rawBlocks = args['blocks'];
    if (rawBlocks !== undefined && rawBlocks !== null && rawBlocks !== '') {
      if (!Array.isArray(rawBlocks)) return fail('invalid_blocks_format');
      blocks = rawBlocks;
    }
    if (required && !(text && text.length > 0) && !(blocks && blocks.length > 0)) return fail('no_text');
    if (text !== undefined && text.length > BlockKitLimits.messageText) return fail('msg_too_long');
    if (blocks && !this.lenient) {
      const problems = validateBlocks(blocks, { surface: 'message' });
      if (problems.length > 0) return fail('invalid_blocks', problems);
      if (blocksTextLength(blocks) > BlockKitLimits.messageBlocksText) return fail('msg_blocks_too_long');
    }
    return { text, blocks };
  }

  /** Slack's rendering of stored blocks: generated ids and default text flags. */
  private renderBlocks(blocks: unknown[]): SlackBlock[] {
    if (this.lenient) return blocks as SlackBlock[];
    const rendered = clone(blocks) as SlackBlock[];
    const used = new Set(rendered.map((b) => b.block_id).filter((id): id is string => typeof id === 'string'));
    const generate = (): string => {
      let id: string;
      do {
        this.idCounter += 1;
        id = ((this.idCounter * 2654435761) >>> 0).toString(36).slice(0, 5);
      } while (used.has(id));
      used.add(id);
      return id;
    };
    for (const block of rendered) {
      if (block.block_id === undefined) block.block_id = generate();
      for (const el of elementsOf(block)) {
        if (el['type'] !== 'image' && el['action_id'] === undefined) el['action_id'] = generate();
      }
    }
    walkObjects(rendered, (obj) => {
      if (obj['type'] === 'plain_text' && typeof obj['text'] === 'string' && obj['emoji'] === undefined) obj['emoji'] = true;
      if (obj['type'] === 'mrkdwn' && typeof obj['text'] === 'string' && obj['verbatim'] === undefined) obj['verbatim'] = false;
    });
    return rendered;
  }

  /** A message of the bot's, with the next ts. */
  private newMessage(channel: string, text: string, blocks: SlackBlock[]): StoredMessage {
    return {
      type: 'message',
      channel,
      ts: this.nextTs(),
      text,
      blocks,
      user: FakeWorkspace.botUserId,
      bot_id: FakeWorkspace.botId,
      app_id: FakeWorkspace.appId,
      team: FakeWorkspace.teamId,
      history: [],
    };
  }

  private storeMessage(channel: string, content: Content, threadTs: string | undefined, via: MessageVersion['via']): StoredMessage {
    const blocks = this.renderBlocks(content.blocks ?? []);
    const text = content.text ?? '';
    const message = this.newMessage(channel, text, blocks);
    if (!this.lenient) message.history.push({ text, blocks: clone(blocks), at: this.now(), via });
    if (threadTs !== undefined) message.thread_ts = threadTs;
    const list = this.channelMessages.get(channel) ?? [];
    list.push(message);
    this.channelMessages.set(channel, list);
    return message;
  }

  private replaceMessage(message: StoredMessage, text: string, blocks: SlackBlock[], via: MessageVersion['via']): void {
    message.text = text;
    message.blocks = blocks;
    message.edited = { user: FakeWorkspace.botUserId, ts: this.nextTs() };
    if (!this.lenient) message.history.push({ text, blocks: clone(blocks), at: this.now(), via });
  }

  private removeMessage(message: StoredMessage): void {
    const list = this.channelMessages.get(message.channel) ?? [];
    this.channelMessages.set(
      message.channel,
      list.filter((m) => m !== message),
    );
  }

  // ---------------------------------------------------------------- methods

  private authTest(): ApiResult {
    return {
      ok: true,
      url: FakeWorkspace.url,
      team: FakeWorkspace.teamName,
      user: FakeWorkspace.botName,
      team_id: FakeWorkspace.teamId,
      user_id: FakeWorkspace.botUserId,
      bot_id: FakeWorkspace.botId,
      is_enterprise_install: false,
    };
  }

  private postMessage(args: Record<string, unknown>): ApiResult {
    const channel = this.resolveChannel(args['channel']);
    if (!channel) return fail('channel_not_found');
    const content = this.readContent(args, true);
    if (isFailure(content)) return content;
    let threadTs: string | undefined;
    const wanted = args['thread_ts'];
    if (wanted !== undefined && wanted !== null && wanted !== '') {
      const parent = this.findMessage(channel, String(wanted));
      // Strict on purpose: replying to a ts that is not in the channel is a bot bug worth failing on.
      if (!parent) return fail('invalid_thread_ts');
      threadTs = parent.thread_ts ?? parent.ts;
    }
    const message = this.storeMessage(channel, content, threadTs, 'chat.postMessage');
    const metadata = parseMetadata(args['metadata']);
    if (metadata === 'invalid') return fail('invalid_metadata_format');
    if (metadata) message.metadata = metadata;
    return { ok: true, channel, ts: message.ts, message: toSlackMessage(message) };
  }

  /** Newest first, top-level messages only, like Slack; metadata only with include_all_metadata. */
  private conversationsHistory(args: Record<string, unknown>): ApiResult {
    const refused = this.refuseWithoutHistory();
    if (refused) return refused;
    const channel = this.resolveChannel(args['channel']);
    if (!channel) return fail('channel_not_found');
    const oldest = Number(args['oldest'] ?? 0);
    const limit = Math.min(999, Number(args['limit'] ?? 100) || 100);
    const withMetadata = args['include_all_metadata'] === true || args['include_all_metadata'] === 'true';
    const messages = (this.channelMessages.get(channel) ?? [])
      .filter((m) => m.thread_ts === undefined && Number(m.ts) >= oldest)
      .slice()
      .reverse()
      .slice(0, limit)
      .map((m) => {
        const out = toSlackMessage(m);
        if (!withMetadata) delete out['metadata'];
        return out;
      });
    return { ok: true, messages, has_more: false };
  }

  /** Reading a channel's messages needs its type's history scope (public channels: channels:history). */
  private refuseWithoutHistory(): ApiResult | undefined {
    if (this.scopes.has('channels:history') || this.scopes.has('groups:history')) return undefined;
    return { ok: false, error: 'missing_scope', needed: 'channels:history', provided: [...this.scopes].join(',') };
  }

  /**
   * A thread, the parent first, then its replies oldest first, like Slack; `thread_not_found` for a
   * ts not in the channel. Like every history read, it needs the channel type's history scope.
   */
  private conversationsReplies(args: Record<string, unknown>): ApiResult {
    const refused = this.refuseWithoutHistory();
    if (refused) return refused;
    const channel = this.resolveChannel(args['channel']);
    if (!channel) return fail('channel_not_found');
    const ts = typeof args['ts'] === 'string' ? args['ts'] : '';
    if (ts === '') return fail('invalid_arguments');
    const parent = this.findMessage(channel, ts);
    if (!parent) return fail('thread_not_found');
    const limit = Math.min(1000, Number(args['limit'] ?? 1000) || 1000);
    const thread = [...(this.channelMessages.get(channel) ?? []), ...this.shareMessages.filter((m) => m.channel === channel)]
      .filter((m) => m === parent || m.thread_ts === parent.ts)
      .sort((a, b) => Number(a.ts) - Number(b.ts));
    return { ok: true, messages: thread.slice(0, limit).map(toSlackMessage), has_more: thread.length > limit };
  }

  private update(args: Record<string, unknown>): ApiResult {
    const channel = this.resolveChannel(args['channel']);
    if (!channel) return fail('channel_not_found');
    const message = this.findMessage(channel, String(args['ts'] ?? ''));
    if (!message) return fail('message_not_found');
    if (args['text'] === undefined && args['blocks'] === undefined) return fail('no_text');
    const content = this.readContent(args, false);
    if (isFailure(content)) return content;
    // Slack keeps the previous blocks when `blocks` is omitted (an empty array removes them).
    const blocks = content.blocks !== undefined ? this.renderBlocks(content.blocks) : message.blocks;
    const text = content.text ?? message.text;
    if (text.length === 0 && blocks.length === 0) return fail('no_text');
    this.replaceMessage(message, text, blocks, 'chat.update');
    return { ok: true, channel, ts: message.ts, text: message.text, message: toSlackMessage(message) };
  }

  private deleteMessage(args: Record<string, unknown>): ApiResult {
    const channel = this.resolveChannel(args['channel']);
    if (!channel) return fail('channel_not_found');
    const message = this.findMessage(channel, String(args['ts'] ?? ''));
    if (!message) return fail('message_not_found');
    this.removeMessage(message);
    return { ok: true, channel, ts: message.ts };
  }

  private postEphemeral(args: Record<string, unknown>): ApiResult {
    const channel = this.resolveChannel(args['channel']);
    if (!channel) return fail('channel_not_found');
    const user = args['user'];
    if (typeof user !== 'string' || !/^[UW][A-Z0-9]+$/.test(user)) return fail('user_not_found');
    const content = this.readContent(args, true);
    if (isFailure(content)) return content;
    const messageTs = this.nextTs();
    const ephemeral: EphemeralMessage = {
      channel,
      user,
      text: content.text ?? '',
      blocks: this.renderBlocks(content.blocks ?? []),
      message_ts: messageTs,
      at: this.now(),
      via: 'chat.postEphemeral',
    };
    if (typeof args['thread_ts'] === 'string' && args['thread_ts'] !== '') ephemeral.thread_ts = args['thread_ts'];
    this.ephemeralLog.push(ephemeral);
    return { ok: true, message_ts: messageTs };
  }

  private getPermalink(args: Record<string, unknown>): ApiResult {
    const channel = this.resolveChannel(args['channel']);
    if (!channel) return fail('channel_not_found');
    const message = this.findMessage(channel, String(args['message_ts'] ?? ''));
    if (!message) return fail('message_not_found');
    let permalink = `${FakeWorkspace.url}archives/${channel}/p${message.ts.replace('.', '')}`;
    if (message.thread_ts !== undefined) permalink += `?thread_ts=${message.thread_ts}&cid=${channel}`;
    return { ok: true, channel, permalink };
  }

  private renderView(id: string, view: Record<string, unknown>, previous: Record<string, unknown> | undefined): Record<string, unknown> {
    return {
      id,
      team_id: FakeWorkspace.teamId,
      type: view['type'],
      title: clone(view['title']),
      blocks: this.renderBlocks(Array.isArray(view['blocks']) ? view['blocks'] : []),
      close: view['close'] !== undefined ? clone(view['close']) : null,
      submit: view['submit'] !== undefined ? clone(view['submit']) : null,
      private_metadata: typeof view['private_metadata'] === 'string' ? view['private_metadata'] : '',
      callback_id: typeof view['callback_id'] === 'string' ? view['callback_id'] : '',
      external_id: typeof view['external_id'] === 'string' ? view['external_id'] : '',
      state: { values: {} },
      hash: `${this.now()}.${this.newId('h')}`,
      clear_on_close: view['clear_on_close'] === true,
      notify_on_close: view['notify_on_close'] === true,
      submit_disabled: view['submit_disabled'] === true,
      previous_view_id: previous ? (previous['previous_view_id'] ?? null) : null,
      root_view_id: previous ? (previous['root_view_id'] ?? id) : id,
      app_id: FakeWorkspace.appId,
      app_installed_team_id: FakeWorkspace.teamId,
      bot_id: FakeWorkspace.botId,
    };
  }

  private checkViewArg(view: unknown): ApiResult | undefined {
    if (view === undefined || view === null || view === '') {
      return fail('invalid_arguments', ['[ERROR] missing required field: view [json-pointer:/view]']);
    }
    const problems = validateView(view);
    return problems.length > 0 ? fail('invalid_arguments', problems) : undefined;
  }

  private openView(args: Record<string, unknown>, via: 'views.open' | 'views.push'): ApiResult {
    const triggerId = typeof args['trigger_id'] === 'string' ? args['trigger_id'] : '';
    if (triggerId === '') return fail('invalid_arguments', ['[ERROR] missing required field: trigger_id']);
    const viewError = this.checkViewArg(args['view']);
    if (viewError) return viewError;
    const trigger = this.triggers.get(triggerId);
    if (!trigger) return fail('invalid_trigger_id');
    if (trigger.used) return fail('trigger_exchanged');
    if (this.now() - trigger.issuedAt > this.triggerTtlMs) return fail('expired_trigger_id');
    trigger.used = true;
    const id = this.newId('V');
    const view = this.renderView(id, args['view'] as Record<string, unknown>, undefined);
    this.viewLog.push({ id, via, triggerId, view, at: this.now() });
    return { ok: true, view: clone(view) };
  }

  private updateView(args: Record<string, unknown>): ApiResult {
    const viewId = typeof args['view_id'] === 'string' ? args['view_id'] : undefined;
    const externalId = typeof args['external_id'] === 'string' ? args['external_id'] : undefined;
    const current = [...this.viewLog]
      .reverse()
      .find((v) => (viewId !== undefined && v.id === viewId) || (externalId !== undefined && v.view['external_id'] === externalId));
    if (!current) return fail('not_found');
    if (typeof args['hash'] === 'string' && args['hash'] !== current.view['hash']) return fail('hash_conflict');
    const viewError = this.checkViewArg(args['view']);
    if (viewError) return viewError;
    const view = this.renderView(current.id, args['view'] as Record<string, unknown>, current.view);
    this.viewLog.push({ id: current.id, via: 'views.update', triggerId: undefined, view, at: this.now() });
    return { ok: true, view: clone(view) };
  }

  private usersInfo(args: Record<string, unknown>): ApiResult {
    const user = args['user'];
    if (typeof user !== 'string' || !/^[UW][A-Z0-9]+$/.test(user)) return fail('user_not_found');
    return { ok: true, user: this.userInfo(user) };
  }

  /** As Slack: needs users:read.email, an `email` argument, and answers users_not_found for anyone else. */
  private lookupByEmail(args: Record<string, unknown>): ApiResult {
    if (!this.scopes.has('users:read.email')) {
      return { ok: false, error: 'missing_scope', needed: 'users:read.email', provided: [...this.scopes].join(',') };
    }
    const email = args['email'];
    if (typeof email !== 'string' || email.trim() === '') return fail('invalid_arguments', ['[ERROR] missing required field: email']);
    const id = this.emails.get(email.trim().toLowerCase());
    if (!id) return fail('users_not_found');
    const user = this.userInfo(id);
    return { ok: true, user: { ...user, profile: { ...user.profile, email: email.trim().toLowerCase() } } };
  }

  private conversationsInfo(args: Record<string, unknown>): ApiResult {
    const info = typeof args['channel'] === 'string' && !/^[UW]/.test(args['channel']) ? this.channelInfo(args['channel']) : undefined;
    if (!info) return fail('channel_not_found');
    return { ok: true, channel: info };
  }

  // ---------------------------------------------------------------- response_url

  private handleResponseUrl(id: string, req: IncomingMessage, raw: string, res: ServerResponse): void {
    const post: ResponsePost = {
      id,
      url: `${this.baseUrl}/response/${encodeURIComponent(id)}`,
      at: this.now(),
      status: 0,
      body: {},
      raw,
      outcome: 'rejected',
    };
    this.responseLog.push(post);
    const reject = (status: number, error: string): void => {
      post.status = status;
      post.error = error;
      writeText(res, status, error);
    };
    if (this.down) return void reject(503, 'service_unavailable');
    const entry = this.responseUrls.get(id);
    if (!entry) return void reject(404, 'expired_url');
    if (entry.posts >= this.maxResponsePosts) return void reject(404, 'used_url');

    let body: unknown;
    try {
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      body = contentType === 'application/x-www-form-urlencoded' ? JSON.parse(new URLSearchParams(raw).get('payload') ?? '') : JSON.parse(raw);
    } catch {
      return void reject(400, 'invalid_payload');
    }
    if (!isObj(body)) return void reject(400, 'invalid_payload');
    post.body = body;

    const isTrue = (v: unknown): boolean => v === true || v === 'true';
    const { context } = entry;
    const original = context.channel && context.messageTs ? this.findMessage(context.channel, context.messageTs) : undefined;

    if (isTrue(body['delete_original'])) {
      entry.posts += 1;
      if (original) this.removeMessage(original);
      post.status = 200;
      post.outcome = 'deleted';
      writeJson(res, 200, { ok: true });
      return;
    }
    const content = this.readContent(body, true);
    if (isFailure(content)) return void reject(400, content.error ?? 'invalid_payload');
    entry.posts += 1;

    if (isTrue(body['replace_original']) && original) {
      const blocks = content.blocks !== undefined ? this.renderBlocks(content.blocks) : original.blocks;
      this.replaceMessage(original, content.text ?? '', blocks, 'response_url');
      post.outcome = 'replaced';
    } else if (body['response_type'] === 'in_channel' && context.channel) {
      const threadTs = typeof body['thread_ts'] === 'string' ? body['thread_ts'] : undefined;
      this.storeMessage(context.channel, content, threadTs, 'response_url');
      post.outcome = 'in_channel';
    } else {
      this.ephemeralLog.push({
        channel: context.channel ?? '',
        user: context.user,
        text: content.text ?? '',
        blocks: this.renderBlocks(content.blocks ?? []),
        message_ts: this.nextTs(),
        at: this.now(),
        via: 'response_url',
      });
      post.outcome = 'ephemeral';
    }
    post.status = 200;
    writeJson(res, 200, { ok: true });
  }
}

export function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  return FakeSlack.start(opts);
}
