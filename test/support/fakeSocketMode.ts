/**
 * The Socket Mode side of the fake Slack, strict where Slack is strict:
 *
 * - `apps.connections.open` takes only the app-level token (xapp-…) and hands out a single-use
 *   `ws://` URL on the fake's own port;
 * - a connection is greeted with `hello`, then carries `slash_commands` and `interactive`
 *   envelopes; each must be acked with its envelope_id within 3 s (late or missing acks are
 *   recorded as such, and an ack for an unknown or already-acked envelope is recorded too);
 * - the fake pings every few seconds, as Slack does (the client drops a silent server after 30 s);
 * - a test can send `disconnect` (refresh_requested, link_disabled) or drop connections abruptly.
 *
 * Slack spreads an app's envelopes across its open connections (up to 10: one per replica in
 * Socket Mode, plus the fresh one a refreshing client opens). So does the fake: new envelopes go
 * round-robin over the open connections that have not been told to disconnect, and a test can still
 * count that nothing is lost or acked twice while a bot moves to a fresh connection. A test that must
 * reach one replica (a warm-up) names its connection.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';

export const FAKE_APP_TOKEN = 'xapp-1-A0DEPLOYDAY-1234567890-fakeappleveltoken';
const ACK_WINDOW_MS = 3000;
const PING_EVERY_MS = 5000;

export type EnvelopeType = 'slash_commands' | 'interactive';

export interface SentEnvelope {
  envelopeId: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  connection: number;
  sentAt: number;
  /** Set when the first ack arrived. */
  ackedAt: number | null;
}

export interface SocketAck {
  envelopeId: string;
  /** What the bot answered (a command's response, a view's response_action), or undefined. */
  payload: unknown;
  connection: number;
  at: number;
  /** 'ok' | 'late' (after 3 s) | 'duplicate' | 'unknown' (no such envelope). */
  outcome: 'ok' | 'late' | 'duplicate' | 'unknown';
}

interface Connection {
  id: number;
  ws: WebSocket;
  /** Told to disconnect: gets no new envelopes. */
  retiring: boolean;
}

type ApiResult = { ok: boolean; error?: string; [key: string]: unknown };

export class FakeSocketMode {
  readonly appToken: string;
  readonly envelopes: SentEnvelope[] = [];
  readonly acks: SocketAck[] = [];
  /** Every connection ever opened, by id, with when it said hello and when it closed. */
  readonly connectionLog: Array<{ id: number; helloAt: number; closedAt: number | null }> = [];

  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly open = new Map<number, Connection>();
  private readonly waiters = new Map<string, { resolve: (payload: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  private counter = 0;
  /** The connection the last envelope went on: the next one goes on the next live connection after it. */
  private lastSentOn = 0;
  private readonly pinger: NodeJS.Timeout;

  constructor(
    private readonly baseUrl: string,
    appToken: string = FAKE_APP_TOKEN,
  ) {
    this.appToken = appToken;
    this.pinger = setInterval(() => {
      for (const c of this.open.values()) if (c.ws.readyState === WebSocket.OPEN) c.ws.ping();
    }, PING_EVERY_MS);
    this.pinger.unref();
  }

  /** apps.connections.open: only the app-level token opens a socket (a bot token is not_allowed_token_type). */
  connectionsOpen(token: string | undefined): ApiResult {
    if (!token) return { ok: false, error: 'not_authed' };
    if (!token.startsWith('xapp-')) return { ok: false, error: 'not_allowed_token_type' };
    if (token !== this.appToken) return { ok: false, error: 'invalid_auth' };
    this.counter += 1;
    const ticket = `t${this.counter}-${Math.random().toString(36).slice(2, 10)}`;
    this.tickets.add(ticket);
    return { ok: true, url: `${this.baseUrl.replace(/^http/, 'ws')}/link/?ticket=${ticket}&app_id=A0DEPLOYDAY` };
  }

  /** The fake's HTTP server hands every upgrade request here. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/link/' || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.counter += 1;
      const connection: Connection = { id: this.counter, ws, retiring: false };
      this.open.set(connection.id, connection);
      const logEntry = { id: connection.id, helloAt: Date.now(), closedAt: null as number | null };
      this.connectionLog.push(logEntry);
      ws.on('message', (data) => this.onMessage(connection, String(data)));
      ws.on('close', () => {
        logEntry.closedAt = Date.now();
        this.open.delete(connection.id);
      });
      ws.on('error', () => undefined);
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: this.open.size,
          debug_info: { host: 'fake-slack', approximate_connection_time: 18060 },
          connection_info: { app_id: 'A0DEPLOYDAY' },
        }),
      );
    });
  }

  /** Open connections that still get envelopes. */
  get liveConnections(): number {
    return this.live().length;
  }

  /** The ids of the open connections that still get envelopes, oldest first. */
  liveConnectionIds(): number[] {
    return this.live().map((c) => c.id);
  }

  /** Resolves once a connection that gets envelopes is open (and said hello) after `afterId`. */
  async waitForConnection(timeoutMs = 15_000, afterId = 0): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const newest = this.live().at(-1);
      if (newest && newest.id > afterId) return newest.id;
      if (Date.now() > deadline) throw new Error('fake socket mode: no connection from the bot');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /**
   * Sends an envelope on the next live connection in turn (or on `options.connection`, which must
   * be live) and resolves with the ack's payload; rejects when no ack comes within 3 s (Slack then
   * shows the user an error).
   */
  send(type: EnvelopeType, payload: Record<string, unknown>, options: { connection?: number } = {}): Promise<unknown> {
    const connection = options.connection === undefined ? this.nextLive() : this.live().find((c) => c.id === options.connection);
    if (!connection) {
      const which = options.connection === undefined ? 'no live connection' : `connection ${options.connection} is not live`;
      return Promise.reject(new Error(`fake socket mode: ${which} to send on`));
    }
    this.counter += 1;
    const envelopeId = `${this.counter.toString(16).padStart(8, '0')}-fake-4c8a-9f1e-envelope`;
    const envelope: SentEnvelope = { envelopeId, type, payload, connection: connection.id, sentAt: Date.now(), ackedAt: null };
    this.envelopes.push(envelope);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(envelopeId);
        reject(new Error(`fake socket mode: ${type} envelope ${envelopeId} was not acked within 3 s`));
      }, ACK_WINDOW_MS);
      this.waiters.set(envelopeId, { resolve, reject, timer });
      connection.ws.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: true }));
    });
  }

  /** Slack's `disconnect` message; the connection stays open until the client closes it. */
  disconnect(reason: 'refresh_requested' | 'link_disabled' | 'warning' = 'refresh_requested'): void {
    for (const c of this.open.values()) {
      if (c.retiring) continue;
      c.retiring = true;
      c.ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-slack' } }));
    }
  }

  /** Drops every connection without a close frame, as a network cut or a dead Slack host does. */
  dropAll(): void {
    for (const c of this.open.values()) c.ws.terminate();
  }

  envelopeCount(): number {
    return this.envelopes.length;
  }

  close(): void {
    clearInterval(this.pinger);
    for (const w of this.waiters.values()) clearTimeout(w.timer);
    this.waiters.clear();
    for (const c of this.open.values()) c.ws.terminate();
    this.wss.close();
  }

  /** Open and not told to disconnect, oldest first (ids only grow, and the map keeps insertion order). */
  private live(): Connection[] {
    return [...this.open.values()].filter((c) => !c.retiring && c.ws.readyState === WebSocket.OPEN);
  }

  /** Round-robin: the first live connection after the one used last, else the oldest. */
  private nextLive(): Connection | undefined {
    const live = this.live();
    const next = live.find((c) => c.id > this.lastSentOn) ?? live[0];
    if (next) this.lastSentOn = next.id;
    return next;
  }

  private onMessage(connection: Connection, raw: string): void {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(raw) as typeof message;
    } catch {
      return;
    }
    const envelopeId = typeof message.envelope_id === 'string' ? message.envelope_id : '';
    const envelope = this.envelopes.find((e) => e.envelopeId === envelopeId);
    const at = Date.now();
    let outcome: SocketAck['outcome'] = 'ok';
    if (!envelope) outcome = 'unknown';
    else if (envelope.ackedAt !== null) outcome = 'duplicate';
    else if (at - envelope.sentAt > ACK_WINDOW_MS) outcome = 'late';
    if (envelope && envelope.ackedAt === null) envelope.ackedAt = at;
    this.acks.push({ envelopeId, payload: message.payload, connection: connection.id, at, outcome });
    const waiter = this.waiters.get(envelopeId);
    if (waiter && outcome === 'ok') {
      clearTimeout(waiter.timer);
      this.waiters.delete(envelopeId);
      waiter.resolve(message.payload);
    }
  }
}
