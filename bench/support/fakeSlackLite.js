/**
 * A small fake of the Slack Web API for the benchmarks. The TypeScript fake in test/support is
 * not compiled to dist/, and it validates every block against Block Kit rules, which would put
 * its own cost into the figures. This one checks only what changes the outcome of a bench:
 * the token, the channel, that blocks are JSON, and the per-channel chat.update rate limit.
 *
 * Methods: auth.test, chat.postMessage, chat.update (rate-limited: 429 + Retry-After),
 * conversations.history (always empty), and response_url endpoints under /response/.
 */
import { createServer } from 'node:http';

export const BENCH_TEAM = { teamId: 'T0BENCH', domain: 'deploy-bench', url: 'https://deploy-bench.slack.com/', botUserId: 'U0BOT', botId: 'B0BOT', appId: 'A0BENCH' };
export const BENCH_BOT_TOKEN = 'xoxb-bench-0000-not-a-real-token';

// What @slack/web-api sends as JSON strings inside a form body.
const JSON_ARGS = ['blocks', 'metadata', 'attachments'];

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export class FakeSlackLite {
  /**
   * @param {{ updatesPerMinutePerChannel?: number }} [options] no limit when unset
   * @returns {Promise<FakeSlackLite>}
   */
  static async start(options = {}) {
    const fake = new FakeSlackLite(options);
    await new Promise((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(0, '127.0.0.1', () => resolve(undefined));
    });
    const address = fake.server.address();
    fake.baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    fake.apiUrl = `${fake.baseUrl}/api/`;
    return fake;
  }

  constructor(options) {
    this.updateLimit = options.updatesPerMinutePerChannel ?? null;
    this.baseUrl = '';
    this.apiUrl = '';
    /** @type {Map<string, Map<string, {ts: string, channel: string, text: string, blocks: any[], updates: number}>>} */
    this.channels = new Map();
    /** Calls per method, answered 200 or not. */
    this.counts = { 'auth.test': 0, 'chat.postMessage': 0, 'chat.update': 0, 'conversations.history': 0, response_url: 0 };
    this.rateLimited = 0;
    /** Every chat.update answered: which message, when, and the HTTP status. */
    this.updateLog = [];
    /** chat.update calls that changed a message (200 ok). */
    this.updatesApplied = 0;
    /** @type {Map<string, number[]>} chat.update times per channel, for the sliding minute. */
    this.updateTimes = new Map();
    this.tsCounter = 0;
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error) => sendJson(res, 500, { ok: false, error: 'fake_crashed', detail: String(error) }));
    });
    this.server.keepAliveTimeout = 30_000;
  }

  /** Changes the chat.update limit from now on (null: none). */
  setUpdateLimit(perMinute) {
    this.updateLimit = perMinute;
    this.updateTimes.clear();
  }

  /** Spends the channel's chat.update minute, so that updates are refused until `freeInMs` from now. */
  exhaustUpdates(channel, freeInMs) {
    if (this.updateLimit === null) throw new Error('exhaustUpdates needs a rate limit');
    const spentAt = Date.now() - 60_000 + freeInMs;
    this.updateTimes.set(channel, Array.from({ length: this.updateLimit }, () => spentAt));
  }

  /** The messages of a channel, oldest first (live objects: do not modify). */
  messages(channel) {
    return [...(this.channels.get(channel)?.values() ?? [])];
  }

  message(channel, ts) {
    return this.channels.get(channel)?.get(ts);
  }

  /** Drops stored message bodies (keeps counters), so a memory figure measures the bot, not the fake. */
  forgetMessages() {
    this.channels.clear();
  }

  responseUrl(id) {
    return `${this.baseUrl}/response/${encodeURIComponent(id)}`;
  }

  async close() {
    const closed = new Promise((resolve) => this.server.close(() => resolve(undefined)));
    this.server.closeAllConnections();
    await closed;
  }

  async handle(req, res) {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/response/') && req.method === 'POST') {
      this.counts.response_url += 1;
      return sendJson(res, 200, { ok: true });
    }
    if (!path.startsWith('/api/')) return sendJson(res, 404, { ok: false, error: 'not_found' });
    const method = path.slice('/api/'.length);
    const args = {};
    const type = String(req.headers['content-type'] ?? '').split(';')[0]?.trim();
    if (type === 'application/json') Object.assign(args, JSON.parse(raw || '{}'));
    else for (const [k, v] of new URLSearchParams(raw)) args[k] = v;
    for (const key of JSON_ARGS) {
      if (typeof args[key] !== 'string') continue;
      try {
        args[key] = JSON.parse(args[key]);
      } catch {
        return sendJson(res, 200, { ok: false, error: 'invalid_arguments' });
      }
    }
    const token = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1] ?? args.token;
    if (method in this.counts) this.counts[method] += 1;
    if (token !== BENCH_BOT_TOKEN) return sendJson(res, 200, { ok: false, error: token ? 'invalid_auth' : 'not_authed' });

    switch (method) {
      case 'auth.test':
        return sendJson(res, 200, { ok: true, url: BENCH_TEAM.url, team: 'Deploy Bench', user: 'deployday', team_id: BENCH_TEAM.teamId, user_id: BENCH_TEAM.botUserId, bot_id: BENCH_TEAM.botId });
      case 'conversations.history':
        return sendJson(res, 200, { ok: true, messages: [], has_more: false });
      case 'chat.postMessage': {
        const channel = String(args.channel ?? '');
        if (!/^[CGD][A-Z0-9]+$/.test(channel)) return sendJson(res, 200, { ok: false, error: 'channel_not_found' });
        if (!args.text && !(Array.isArray(args.blocks) && args.blocks.length > 0)) return sendJson(res, 200, { ok: false, error: 'no_text' });
        if (args.blocks !== undefined && !Array.isArray(args.blocks)) return sendJson(res, 200, { ok: false, error: 'invalid_blocks_format' });
        this.tsCounter += 1;
        const ts = `${1_700_000_000 + Math.floor(this.tsCounter / 10_000)}.${String(this.tsCounter % 10_000).padStart(6, '0')}`;
        let stored = this.channels.get(channel);
        if (!stored) this.channels.set(channel, (stored = new Map()));
        stored.set(ts, { ts, channel, text: String(args.text ?? ''), blocks: args.blocks ?? [], updates: 0 });
        return sendJson(res, 200, { ok: true, channel, ts, message: { ts, text: args.text ?? '' } });
      }
      case 'chat.update': {
        const channel = String(args.channel ?? '');
        const message = this.message(channel, String(args.ts ?? ''));
        const retryAfter = this.overLimit(channel);
        this.updateLog.push({ channel, ts: String(args.ts ?? ''), at: Date.now(), status: retryAfter === null ? 200 : 429 });
        if (retryAfter !== null) {
          this.rateLimited += 1;
          return sendJson(res, 429, { ok: false, error: 'ratelimited' }, { 'Retry-After': String(retryAfter) });
        }
        if (!message) return sendJson(res, 200, { ok: false, error: 'message_not_found' });
        if (args.blocks !== undefined && !Array.isArray(args.blocks)) return sendJson(res, 200, { ok: false, error: 'invalid_blocks_format' });
        message.text = String(args.text ?? message.text);
        if (args.blocks !== undefined) message.blocks = args.blocks;
        message.updates += 1;
        this.updatesApplied += 1;
        return sendJson(res, 200, { ok: true, channel, ts: message.ts, text: message.text });
      }
      default:
        return sendJson(res, 200, { ok: false, error: 'unknown_method' });
    }
  }

  /** Seconds to wait when this channel already had its chat.updates this minute; null records the call. */
  overLimit(channel) {
    if (this.updateLimit === null) return null;
    const now = Date.now();
    const times = (this.updateTimes.get(channel) ?? []).filter((t) => t > now - 60_000);
    this.updateTimes.set(channel, times);
    if (times.length >= this.updateLimit) {
      const freeAt = (times[times.length - this.updateLimit] ?? now) + 60_000;
      return Math.max(1, Math.ceil((freeAt - now) / 1000));
    }
    times.push(now);
    return null;
  }
}
