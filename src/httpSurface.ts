import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { App } from '@slack/bolt';
import { type Route, serveRoute } from './api/serveRoute.js';
import type { SocketConnection } from './slack/socketConnection.js';

/** What /healthz reports; each field is read at the moment of the request. */
export interface HealthInputs {
  healthy(): boolean;
  /** False while this replica's database does not answer (src/jobs/databaseProbe.ts): it is out of service. */
  databaseUp(): boolean;
  socket: SocketConnection | null;
  /** A socket down this long is an outage (a refresh or a drop reconnects well within it). */
  socketGraceMs: number;
  details(): Record<string, unknown>;
}

/** GET /healthz: 200 once started, while the database answers (and, in Socket Mode, the socket is up or within its grace), else 503. */
export function healthzHandler(inputs: HealthInputs): (req: IncomingMessage, res: ServerResponse) => void {
  return (_req, res) => {
    const { socket } = inputs;
    const ok = inputs.healthy() && inputs.databaseUp() && (!socket || socket.downForMs() <= inputs.socketGraceMs);
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok, ...inputs.details(), slack: socket ? socket.status() : { transport: 'http' } }));
  };
}

/**
 * Opens the bot's port. HTTP mode: Bolt's receiver serves /slack/events and the custom routes
 * (/healthz, /api/v1). Socket Mode: Slack comes over the socket, so a plain server on the same port
 * serves /healthz and the API routes. Resolves with the port and a way to close what was opened.
 */
export async function listenOnPort(input: {
  app: App;
  socket: SocketConnection | null;
  port: number;
  healthz: (req: IncomingMessage, res: ServerResponse) => void;
  routes: Route[];
}): Promise<{ port: number; close(): Promise<void> }> {
  const portOf = (address: unknown): number =>
    typeof address === 'object' && address && 'port' in address ? Number((address as { port: number }).port) : input.port;
  if (!input.socket) {
    const server = (await input.app.start(input.port)) as unknown as { address(): unknown };
    return { port: portOf(server.address()), close: async () => undefined };
  }
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/healthz') input.healthz(req, res);
    else if (!serveRoute(input.routes, req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(input.port, () => resolve());
  });
  return { port: portOf(server.address()), close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
