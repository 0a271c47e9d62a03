/**
 * A strict local webhook receiver on 127.0.0.1, as a team would write one: it checks deployday's
 * signature and timestamp (401 otherwise), drops an event id it has already taken (a retry after
 * a lost answer), and counts. `setDown(true)` closes the port (ECONNREFUSED); `failNext` answers
 * 503 or 429 with Retry-After, like a receiver that is deploying or throttling.
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { verifyWebhook } from '../../src/jobs/webhookSignature.js';

export interface ReceivedEvent {
  id: string;
  type: string;
  at: string;
  run: { id: number; checklist: string };
  data: Record<string, unknown>;
}

export interface FakeWebhookReceiver {
  url: string;
  /** Every distinct event taken, in arrival order. */
  events: ReceivedEvent[];
  /** Deliveries of an id already taken (answered 200, not stored again). */
  readonly duplicates: number;
  /** Requests refused for a bad or missing signature. */
  readonly forged: number;
  setDown(down: boolean): Promise<void>;
  failNext(n: number, failure: { status: number; retryAfter?: string }): void;
  close(): Promise<void>;
}

export async function startFakeWebhookReceiver(secret: string, path = '/hooks/deployday'): Promise<FakeWebhookReceiver> {
  const events: ReceivedEvent[] = [];
  const seen = new Set<string>();
  const failures: Array<{ status: number; retryAfter?: string }> = [];
  const sockets = new Set<Socket>();
  let duplicates = 0;
  let forged = 0;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.method !== 'POST' || req.url !== path) return void res.writeHead(404).end();
      const failure = failures.shift();
      if (failure) return void res.writeHead(failure.status, failure.retryAfter ? { 'retry-after': failure.retryAfter } : {}).end();
      const ok = verifyWebhook(
        secret,
        { signature: String(req.headers['x-deployday-signature'] ?? ''), timestamp: String(req.headers['x-deployday-request-timestamp'] ?? '') },
        body,
        Math.floor(Date.now() / 1000),
      );
      if (!ok) {
        forged += 1;
        return void res.writeHead(401).end('bad signature');
      }
      const event = JSON.parse(body) as ReceivedEvent;
      if (req.headers['x-deployday-event-id'] !== event.id) return void res.writeHead(400).end('event id header differs from the body');
      if (seen.has(event.id)) duplicates += 1;
      else {
        seen.add(event.id);
        events.push(event);
      }
      res.writeHead(200).end('ok');
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  const closeServer = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });

  return {
    url: `http://127.0.0.1:${port}${path}`,
    events,
    get duplicates() {
      return duplicates;
    },
    get forged() {
      return forged;
    },
    async setDown(down) {
      if (down) {
        if (server.listening) await closeServer();
      } else if (!server.listening) {
        await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      }
    },
    failNext(n, failure) {
      for (let i = 0; i < n; i++) failures.push(failure);
    },
    close: () => (server.listening ? closeServer() : Promise.resolve()),
  };
}
