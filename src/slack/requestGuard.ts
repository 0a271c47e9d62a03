import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { App, Logger, ReceiverEvent } from '@slack/bolt';

/** What the guard logs about a body: its shape, never its content (it may hold anything). */
function shapeOf(body: unknown): string {
  if (body === null || typeof body !== 'object') return `a ${body === null ? 'null' : typeof body} body`;
  if (Array.isArray(body)) return 'an array body';
  const record = body as Record<string, unknown>;
  const type = typeof record.type === 'string' ? record.type.slice(0, 40) : typeof record.command === 'string' ? 'slash command' : typeof record.type;
  return `a ${JSON.stringify(type)} body`;
}

/**
 * Why Bolt's listener matching would throw on this body, or null. Its action matchers read the
 * first action's `action_id` as a string (a regex constraint calls .match on it), so an action
 * list that is empty, holds a non-object, or an id that is not a string throws in every listener.
 */
function unroutable(body: Record<string, unknown>): string | null {
  if (body.actions !== undefined) {
    const first: unknown = Array.isArray(body.actions) ? body.actions[0] : undefined;
    if (first === null || typeof first !== 'object') return 'no action in its actions';
    const { action_id: actionId, block_id: blockId } = first as { action_id?: unknown; block_id?: unknown };
    if (typeof actionId !== 'string') return 'an action without a string action_id';
    if (blockId !== undefined && typeof blockId !== 'string') return 'an action whose block_id is not a string';
  }
  if ((body.type === 'view_submission' || body.type === 'view_closed') && (body.view === null || typeof body.view !== 'object')) {
    return 'no view';
  }
  return null;
}

/**
 * Makes every signed request get a quick answer below 500, whatever its body.
 *
 * Why: Bolt routes a request by the shape of its body before any middleware of ours runs, and
 * trusts that shape. A signed body with `actions: null`, `event: 5`, no `view`, or neither user
 * nor team makes Bolt throw a TypeError, which its receiver answers with HTTP 500; and a body it
 * cannot route to a listener (an unknown `type`, a shortcut, another slash command name) is left
 * unanswered until Bolt's 3 s timer answers 404, while Slack shows the person an error. Found by
 * test/integration/fuzz.test.ts. Either way the right answer is an empty ack, at once, and a line
 * in the log: there is nothing the bot can do with such a request.
 *
 * Wraps App.processEvent (the entry point every Bolt receiver calls) because Bolt offers no
 * option for it short of replacing the receiver; installed once per app.
 */
export function guardProcessEvent(
  app: App,
  logger: Logger,
  options: {
    /** OAuth mode: a command from a workspace without an installation gets this answer instead of Bolt's silent empty ack. */
    notInstalled?: { text: string; installed(teamId: string | null, enterpriseId: string | null): Promise<boolean> };
  } = {},
): void {
  const marker = app as unknown as { deploydayGuarded?: boolean };
  if (marker.deploydayGuarded) return;
  marker.deploydayGuarded = true;
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event: ReceiverEvent): Promise<void> => {
    let acked = false;
    const ack = event.ack;
    const tracked: ReceiverEvent = {
      ...event,
      ack: async (response?: unknown) => {
        acked = true;
        return ack(response);
      },
    };
    const body: unknown = event.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      logger.warn(`ignored a signed request with ${shapeOf(body)}`);
      await tracked.ack();
      return;
    }
    const { command, team_id: teamId, enterprise_id: enterpriseId } = body as Record<string, unknown>;
    const { notInstalled } = options;
    if (notInstalled && typeof command === 'string' && !(await notInstalled.installed(stringOrNull(teamId), stringOrNull(enterpriseId)))) {
      // Bolt would fail to authorize it and ack with nothing: the person would see no answer at all.
      await tracked.ack({ response_type: 'ephemeral', text: notInstalled.text });
      return;
    }
    const problem = unroutable(body as Record<string, unknown>);
    if (problem) {
      logger.warn(`ignored ${shapeOf(body)} with ${problem}`);
      await tracked.ack();
      return;
    }
    try {
      await processEvent(tracked);
    } catch (error) {
      // An error after the ack is Bolt's to report; before it, Bolt failed to route the body.
      if (acked) throw error;
      logger.warn(`ignored ${shapeOf(body)} that Bolt could not route:`, error instanceof Error ? error.message : String(error));
      await tracked.ack();
      return;
    }
    if (!acked) {
      logger.debug(`no listener for ${shapeOf(body)}; acked and ignored`);
      await tracked.ack();
    }
  };
}

/** Bolt's own default (HTTPModuleFunctions.defaultBodyLimit): larger bodies get a 413 either way. */
const BODY_LIMIT = 4 * 1024 * 1024;

const OBJECT_PAYLOAD_ONLY = /^payload=%7[bB]/;

/**
 * Whether Bolt's body parser would turn this body into `null`, exactly as it parses: a form body's
 * `payload` field as JSON, any other content type as JSON.
 */
function parsesToNull(raw: string, contentType: string | undefined): boolean {
  try {
    if (contentType === 'application/x-www-form-urlencoded') {
      // Every real interaction: one field whose value opens with an encoded `{`. That decodes to an
      // object or fails to parse, never to null, so the body need not be parsed twice (issue 14).
      if (OBJECT_PAYLOAD_ONLY.test(raw) && !raw.includes('&')) return false;
      const payload = parseQuery(raw).payload;
      return typeof payload === 'string' && JSON.parse(payload) === null;
    }
    return JSON.parse(raw) === null;
  } catch {
    return false; // Bolt answers a body it cannot parse with 400 itself.
  }
}

interface BoltHttpReceiver {
  requestListener?: (req: IncomingMessage, res: ServerResponse) => void;
  endpoints?: string[];
  bodyLimit?: number;
}

/**
 * Answers 400 to a POST whose body parses to JSON `null`, before Bolt's HTTP receiver sees it.
 *
 * Why: the receiver reads `body.ssl_check` straight after parsing, outside any try, in a promise
 * nobody awaits; for a `null` body (`null` as JSON, or `payload=null` in a form) that is an
 * unhandled rejection, which ends the Node process: one signed request took the bot down (found by
 * test/integration/fuzz.test.ts). The body is read here once and handed on as `rawBody`, which
 * Bolt reuses instead of reading the stream again. Socket Mode has no HTTP receiver: nothing to do.
 */
export function guardHttpBodies(app: App, logger: Logger): void {
  const receiver = (app as unknown as { receiver?: BoltHttpReceiver & { deploydayGuarded?: boolean } }).receiver;
  const listener = receiver?.requestListener;
  if (!receiver || typeof listener !== 'function' || !Array.isArray(receiver.endpoints) || receiver.deploydayGuarded) return;
  receiver.deploydayGuarded = true;
  const endpoints = receiver.endpoints;
  const limit = receiver.bodyLimit ?? BODY_LIMIT;
  receiver.requestListener = (req, res) => {
    let path: string | null = null;
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      // Bolt parses the URL the same way and answers what it cannot read; leave that to it.
    }
    // Anything else (health checks, unknown paths) goes through untouched and synchronously, as
    // Bolt's server expects: it turns a synchronous throw into its 404.
    if (req.method?.toUpperCase() !== 'POST' || path === null || !endpoints.includes(path)) {
      listener(req, res);
      return;
    }
    const refused = badSignatureHeaders(req.headers['x-slack-request-timestamp'], req.headers['x-slack-signature'], Date.now());
    if (refused) {
      // Bolt checks only that a timestamp is not too old, and splits the signature at '=' (so
      // `v0=<sig>=x` passes); Slack's own rule is a timestamp within five minutes either way and a
      // signature that is exactly `v0=` and 64 hex digits. The body is never read for such a request.
      logger.warn(`refused a request to ${path}: ${refused}`);
      req.resume();
      res.writeHead(401);
      res.end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (size > limit) {
        logger.warn(`Request body exceeded the maximum allowed size (limit: ${limit} bytes)`);
        res.writeHead(413);
        res.end();
        return;
      }
      const raw = Buffer.concat(chunks);
      const contentType = req.headers['content-type'];
      if (parsesToNull(raw.toString(), typeof contentType === 'string' ? contentType : undefined)) {
        logger.warn('refused a request whose body is JSON null');
        res.writeHead(400);
        res.end();
        return;
      }
      (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
      listener(req, res);
    });
  };
}

/** Slack signs with its clock; five minutes either way is the replay window its docs give. */
const MAX_CLOCK_SKEW_SEC = 5 * 60;
const SIGNATURE = /^v0=[0-9a-f]{64}$/;

/** Why the signing headers cannot be Slack's (before any HMAC is computed), or null. Exported for tests. */
export function badSignatureHeaders(timestamp: unknown, signature: unknown, nowMs: number): string | null {
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return 'no valid X-Slack-Request-Timestamp';
  if (Math.abs(Number(timestamp) - Math.floor(nowMs / 1000)) > MAX_CLOCK_SKEW_SEC) return 'a timestamp more than five minutes from now';
  if (typeof signature !== 'string' || !SIGNATURE.test(signature)) return 'a signature that is not v0= and 64 hex digits';
  return null;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
