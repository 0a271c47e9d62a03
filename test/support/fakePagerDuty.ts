import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

/**
 * A strict stand-in for PagerDuty, over HTTPS on 127.0.0.1 with the test CA's certificate
 * (test/fixtures/tls). The process under test must trust that CA through
 * NODE_EXTRA_CA_CERTS=test/fixtures/tls/ca.crt, set before Node starts.
 *
 * Events API v2: POST /v2/enqueue, validated as PagerDuty does, with its answers; POST
 * /v2/change/enqueue for change events, which never open an incident.
 * REST: GET /oncalls and GET /services (paginated as PagerDuty does: limit ≤ 100, offset, more;
 * integrations only with include[]=integrations), which need `Authorization: Token token=…`.
 */

const TLS_DIR = fileURLToPath(new URL('../fixtures/tls/', import.meta.url));

export interface FakeAlertEvent {
  action: 'trigger' | 'acknowledge' | 'resolve';
  summary?: string;
  severity?: string;
  at: number;
}

export interface FakeAlert {
  status: 'triggered' | 'acknowledged' | 'resolved';
  summary: string;
  severity: string;
  events: FakeAlertEvent[];
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  /** How the fake answered: an HTTP status, or 'refused' when it dropped the connection. */
  outcome: number | 'refused';
}

export type FakeFailure =
  | { status: number; retryAfter?: string; body?: unknown }
  | { refuse: true }
  /** Processes the request normally but answers only after this long. */
  | { delayMs: number };

export interface FakeOncall {
  /** Omitted → listed for every policy asked about. */
  escalationPolicyId?: string;
  level: number;
  userName: string;
  userEmail?: string;
  scheduleName?: string;
  /** ISO time the shift ends; omitted → permanent (null). */
  end?: string;
}

/** A service as GET /services lists it: its escalation policy and its integrations' keys. */
export interface FakeService {
  id: string;
  name: string;
  escalationPolicyId: string;
  escalationPolicyName: string;
  integrationKeys: string[];
}

export interface FakePagerDuty {
  eventsUrl: string;
  apiUrl: string;
  alerts: Map<string, FakeAlert>;
  /** Change events accepted, in order: their summary and timestamp. */
  changes: Array<{ summary: string; timestamp: string }>;
  /** Distinct incidents opened: triggers for a dedup key that was not already open. */
  readonly incidentsOpened: number;
  requests: FakeRequest[];
  /**
   * The next n requests fail this way instead of being served: any route, or only those to `path`
   * (e.g. '/v2/enqueue', so a change event sent meanwhile does not take a page's failure).
   */
  failNext(n: number, failure: FakeFailure, path?: string): void;
  /** Answers of `delayMs` failures not sent yet: a client that has its result while one is held did not wait for it. */
  readonly answersHeld: number;
  /** true: stop listening and drop every connection (clients get ECONNREFUSED); false: listen again on the same port. */
  setDown(down: boolean): Promise<void>;
  setOncalls(list: FakeOncall[]): void;
  setServices(list: FakeService[]): void;
  close(): Promise<void>;
}

export interface FakePagerDutyOptions {
  /** When set, any other (well-formed) routing key is refused with 400. */
  routingKey?: string;
  /** When set, REST calls must carry exactly this token (401 otherwise). */
  apiToken?: string;
}

const SEVERITIES = ['critical', 'error', 'warning', 'info'];
const ACTIONS = ['trigger', 'acknowledge', 'resolve'];

export async function startFakePagerDuty(options: FakePagerDutyOptions = {}): Promise<FakePagerDuty> {
  const alerts = new Map<string, FakeAlert>();
  const changes: Array<{ summary: string; timestamp: string }> = [];
  const requests: FakeRequest[] = [];
  const failures: Array<{ failure: FakeFailure; path: string | undefined }> = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let oncalls: FakeOncall[] = [];
  let services: FakeService[] = [];
  let incidentsOpened = 0;

  const server: Server = createServer({ cert: readFileSync(`${TLS_DIR}server.crt`), key: readFileSync(`${TLS_DIR}server.key`) }, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => handle(req, res, body));
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'https://fake.invalid');
    const record: FakeRequest = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body, outcome: 0 };
    requests.push(record);
    const index = failures.findIndex((f) => f.path === undefined || f.path === url.pathname);
    const failure = index < 0 ? undefined : failures.splice(index, 1)[0]!.failure;

    if (failure && 'refuse' in failure) {
      record.outcome = 'refused';
      req.socket.destroy();
      return;
    }
    if (failure && 'status' in failure) {
      const headers: Record<string, string> = {};
      if (failure.retryAfter !== undefined) headers['Retry-After'] = failure.retryAfter;
      const answer =
        failure.body ??
        (failure.status === 429
          ? { status: 'throttle event', message: 'Requests for this service are arriving too quickly.  Please retry later.' }
          : { status: 'error', message: 'Internal server error' });
      record.outcome = failure.status;
      sendJson(res, failure.status, answer, headers);
      return;
    }

    // Served normally; the answer is what PagerDuty would say, possibly late.
    const [status, answer] = route(req, url, body);
    record.outcome = status;
    if (failure && 'delayMs' in failure) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) sendJson(res, status, answer);
      }, failure.delayMs);
      timers.add(timer);
      return;
    }
    sendJson(res, status, answer);
  }

  function route(req: IncomingMessage, url: URL, body: string): [number, unknown] {
    if (url.pathname === '/v2/enqueue') {
      if (req.method !== 'POST') return [405, { status: 'error', message: 'Method not allowed' }];
      return enqueue(req, body);
    }
    if (url.pathname === '/v2/change/enqueue') {
      if (req.method !== 'POST') return [405, { status: 'error', message: 'Method not allowed' }];
      return enqueueChange(body);
    }
    if (url.pathname === '/services') {
      if (req.method !== 'GET') return [405, { error: { message: 'Method not allowed', code: 2000 } }];
      return listServices(req, url);
    }
    if (url.pathname === '/oncalls') {
      if (req.method !== 'GET') return [405, { error: { message: 'Method not allowed', code: 2000 } }];
      return listOncalls(req, url);
    }
    return [404, { error: { message: 'Not Found', code: 2100 } }];
  }

  function invalid(errors: string[]): [number, unknown] {
    return [400, { status: 'invalid event', message: 'Event object is invalid', errors }];
  }

  function enqueue(req: IncomingMessage, body: string): [number, unknown] {
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(type)) return invalid(['Content-Type must be application/json']);
    let event: unknown;
    try {
      event = JSON.parse(body);
    } catch {
      return [400, { status: 'invalid event', message: 'Event object is invalid', errors: ['Invalid JSON'] }];
    }
    if (!isRecord(event)) return invalid(['Event must be a JSON object']);

    const errors: string[] = [];
    const key = event.routing_key;
    if (typeof key !== 'string' || key.length !== 32) errors.push("'routing_key' must be 32 characters");
    else if (options.routingKey !== undefined && key !== options.routingKey) errors.push("'routing_key' is not a known integration key");
    const action = event.event_action;
    if (typeof action !== 'string' || !ACTIONS.includes(action))
      errors.push("'event_action' is invalid (must be one of trigger, acknowledge, resolve)");
    const dedup = event.dedup_key;
    if (dedup !== undefined && (typeof dedup !== 'string' || dedup.length === 0 || dedup.length > 255)) {
      errors.push("'dedup_key' must be a string of 1 to 255 characters");
    }
    if (action !== 'trigger' && action !== undefined && typeof dedup !== 'string') errors.push("'dedup_key' is required for acknowledge and resolve");

    let summary = '';
    let severity = '';
    if (action === 'trigger') {
      const payload = event.payload;
      if (!isRecord(payload)) {
        errors.push("'payload' is missing or not an object");
      } else {
        if (typeof payload.summary !== 'string' || payload.summary.length === 0) errors.push("'payload.summary' is missing or blank");
        else if (payload.summary.length > 1024) errors.push("'payload.summary' must be at most 1024 characters");
        else summary = payload.summary;
        if (typeof payload.source !== 'string' || payload.source.length === 0) errors.push("'payload.source' is missing or blank");
        if (typeof payload.severity !== 'string' || !SEVERITIES.includes(payload.severity))
          errors.push("'payload.severity' is invalid (must be one of critical, error, warning, info)");
        else severity = payload.severity;
      }
    }
    if (event.links !== undefined && (!Array.isArray(event.links) || !event.links.every((l) => isRecord(l) && typeof l.href === 'string'))) {
      errors.push("'links' must be an array of objects with an 'href'");
    }
    if (errors.length > 0) return invalid(errors);

    const dedupKey = typeof dedup === 'string' ? dedup : randomUUID().replace(/-/g, '');
    const at = Date.now();
    const alert = alerts.get(dedupKey);
    if (action === 'trigger') {
      if (!alert || alert.status === 'resolved') {
        incidentsOpened += 1;
        alerts.set(dedupKey, { status: 'triggered', summary, severity, events: [...(alert?.events ?? []), { action, summary, severity, at }] });
      } else {
        // An open alert absorbs a repeated trigger: same incident, one more event.
        alert.events.push({ action, summary, severity, at });
      }
    } else if (alert) {
      // A resolve or acknowledge for a key PagerDuty never saw is accepted and does nothing.
      alert.events.push({ action: action as 'acknowledge' | 'resolve', at });
      if (alert.status !== 'resolved') alert.status = action === 'resolve' ? 'resolved' : 'acknowledged';
    }
    return [202, { status: 'success', message: 'Event processed', dedup_key: dedupKey }];
  }

  function enqueueChange(body: string): [number, unknown] {
    let event: unknown;
    try {
      event = JSON.parse(body);
    } catch {
      return invalid(['Invalid JSON']);
    }
    if (!isRecord(event)) return invalid(['Event must be a JSON object']);
    const errors: string[] = [];
    const key = event.routing_key;
    if (typeof key !== 'string' || key.length !== 32) errors.push("'routing_key' must be 32 characters");
    else if (options.routingKey !== undefined && key !== options.routingKey) errors.push("'routing_key' is not a known integration key");
    const payload = isRecord(event.payload) ? event.payload : null;
    if (!payload || typeof payload.summary !== 'string' || payload.summary.length === 0) errors.push("'payload.summary' is missing or blank");
    if (payload && payload.timestamp !== undefined && (typeof payload.timestamp !== 'string' || Number.isNaN(Date.parse(payload.timestamp)))) {
      errors.push("'payload.timestamp' must be an ISO 8601 time");
    }
    if (errors.length > 0) return invalid(errors);
    changes.push({ summary: String(payload!.summary), timestamp: String(payload!.timestamp ?? '') });
    return [202, { status: 'success', message: 'Change event processed' }];
  }

  function listOncalls(req: IncomingMessage, url: URL): [number, unknown] {
    const auth = req.headers.authorization ?? '';
    const match = /^Token token=(.+)$/.exec(auth);
    if (!match || (options.apiToken !== undefined && match[1] !== options.apiToken)) {
      return [401, { error: { message: 'Authentication required', code: 2006 } }];
    }
    const policies = url.searchParams.getAll('escalation_policy_ids[]');
    const list = oncalls
      .filter((o) => policies.length === 0 || o.escalationPolicyId === undefined || policies.includes(o.escalationPolicyId))
      .map((o) => ({
        escalation_level: o.level,
        escalation_policy: { id: o.escalationPolicyId ?? policies[0] ?? 'PFAKE01', type: 'escalation_policy_reference' },
        user: { summary: o.userName, email: o.userEmail ?? null, type: 'user_reference' },
        schedule: o.scheduleName === undefined ? null : { summary: o.scheduleName, type: 'schedule_reference' },
        start: null,
        end: o.end ?? null,
      }));
    return [200, { oncalls: list, limit: 25, offset: 0, more: false, total: null }];
  }

  function listServices(req: IncomingMessage, url: URL): [number, unknown] {
    const match = /^Token token=(.+)$/.exec(req.headers.authorization ?? '');
    if (!match || (options.apiToken !== undefined && match[1] !== options.apiToken)) {
      return [401, { error: { message: 'Authentication required', code: 2006 } }];
    }
    const limit = Number(url.searchParams.get('limit') ?? '25');
    const offset = Number(url.searchParams.get('offset') ?? '0');
    if (!Number.isInteger(limit) || limit < 1 || limit > 100 || !Number.isInteger(offset) || offset < 0) {
      return [400, { error: { message: 'Invalid Input Provided', code: 2001, errors: ['limit must be 1..100 and offset ≥ 0'] } }];
    }
    const withIntegrations = url.searchParams.getAll('include[]').includes('integrations');
    const slice = services.slice(offset, offset + limit).map((svc) => ({
      id: svc.id,
      type: 'service',
      name: svc.name,
      escalation_policy: { id: svc.escalationPolicyId, type: 'escalation_policy_reference', summary: svc.escalationPolicyName },
      integrations: svc.integrationKeys.map((key, i) =>
        withIntegrations
          ? { id: `${svc.id}I${i}`, type: 'events_api_v2_inbound_integration', integration_key: key }
          : { id: `${svc.id}I${i}`, type: 'events_api_v2_inbound_integration_reference' },
      ),
    }));
    return [200, { services: slice, limit, offset, more: offset + limit < services.length, total: null }];
  }

  function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });

  const stopListening = () =>
    new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      // The short pause lets a client in this process notice its pooled keep-alive
      // connection closed, so its next request really meets a closed port (ECONNREFUSED).
      server.close(() => setTimeout(resolve, 20));
      server.closeAllConnections();
    });

  await listen(0);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fake PagerDuty: no TCP address');
  const port = address.port;
  const base = `https://127.0.0.1:${port}`;
  let down = false;

  return {
    eventsUrl: base,
    apiUrl: base,
    alerts,
    changes,
    get incidentsOpened() {
      return incidentsOpened;
    },
    get answersHeld() {
      return timers.size;
    },
    requests,
    failNext(n, failure, path) {
      for (let i = 0; i < n; i++) failures.push({ failure, path });
    },
    async setDown(value) {
      if (value === down) return;
      down = value;
      if (value) await stopListening();
      else await listen(port);
    },
    setServices(list) {
      services = list;
    },
    setOncalls(list) {
      oncalls = [...list];
    },
    async close() {
      if (!down) await stopListening();
      down = true;
    },
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Fails once, clearly, when this process does not trust the test CA, instead of every test failing
 * with a TLS error. Node reads NODE_EXTRA_CA_CERTS only at start, so the npm test script sets it.
 */
export async function assertTestCaTrusted(): Promise<void> {
  const probe = await startFakePagerDuty();
  try {
    await fetch(`${probe.eventsUrl}/probe`);
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? String(err);
    throw new Error(
      `The fake PagerDuty's certificate is not trusted (${cause}). Run with NODE_EXTRA_CA_CERTS=test/fixtures/tls/ca.crt (Node reads it only at start).`,
    );
  } finally {
    await probe.close();
  }
}
