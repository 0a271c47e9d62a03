/**
 * A strict local GitHub on 127.0.0.1, for the App side of a custom deployment protection rule.
 * It refuses what GitHub refuses: an installation token only for a JWT that is RS256, signed by
 * the App's key, issued by the App's id, not expired and not valid for more than 10 minutes, and
 * only for an installation that exists; a review only at a callback URL it issued, with an
 * installation token of the repository's installation, the pending environment's name, state
 * `approved` or `rejected`, and once (a deployment already reviewed answers 422). `failNext`
 * answers 429/403/503 with Retry-After or a rate-limit reset; `setDown(true)` closes the port.
 * It also plays GitHub's webhook side: `deliver` POSTs a signed `deployment_protection_rule`.
 */
import { createHmac, generateKeyPairSync, randomBytes, randomUUID, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';

export interface FakeGitHubCall {
  method: string;
  path: string;
  status: number;
}

export interface FakeReview {
  repository: string;
  runId: number;
  environment: string;
  state: 'approved' | 'rejected';
  comment: string;
}

interface Pending {
  repository: string;
  runId: number;
  environment: string;
  deploymentId: number;
  installationId: number;
  reviewed: boolean;
}

export interface FakeGitHub {
  apiUrl: string;
  appId: string;
  /** PEM of the App's private key (what GITHUB_PRIVATE_KEY holds). */
  privateKeyPem: string;
  calls: FakeGitHubCall[];
  /** Reviews GitHub accepted, in order. */
  reviews: FakeReview[];
  /** Installation tokens issued. */
  readonly tokensIssued: number;
  /** Registers a workflow job waiting on the rule; returns the webhook payload GitHub would send. */
  waitingDeployment(input: { repository: string; environment: string; installationId?: number; ref?: string }): Record<string, unknown>;
  /** Sends a `deployment_protection_rule` delivery to `url`, signed with `secret` (a forged one when `forge`). */
  deliver(
    url: string,
    secret: string,
    payload: Record<string, unknown>,
    options?: { deliveryId?: string; forge?: boolean; event?: string },
  ): Promise<{ status: number; body: unknown; deliveryId: string }>;
  failNext(n: number, failure: { status: number; retryAfter?: string; rateLimitReset?: number }): void;
  setDown(down: boolean): Promise<void>;
  close(): Promise<void>;
}

const b64json = (part: string): Record<string, unknown> | null => {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
};

/** Why GitHub would refuse this App JWT, or null when it is good. */
function jwtProblem(jwt: string, appId: string, publicKey: KeyObject, nowSec: number): string | null {
  const parts = jwt.split('.');
  if (parts.length !== 3) return 'not a JWT';
  const [h, p, s] = parts as [string, string, string];
  const header = b64json(h);
  const payload = b64json(p);
  if (!header || !payload) return 'undecodable JWT';
  if (header.alg !== 'RS256') return 'JWT must be RS256';
  if (!verify('sha256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, 'base64url'))) return 'JWT signature does not match the App key';
  if (String(payload.iss) !== appId) return 'JWT iss is not this App';
  const iat = Number(payload.iat);
  const exp = Number(payload.exp);
  if (!Number.isFinite(iat) || !Number.isFinite(exp)) return 'JWT needs iat and exp';
  if (iat > nowSec + 60) return "'Issued at' claim ('iat') must be an Integer representing a time in the past";
  if (exp <= nowSec) return "'Expiration time' claim ('exp') is too far in the past";
  if (exp > nowSec + 600) return "'Expiration time' claim ('exp') is too far in the future";
  return null;
}

export async function startFakeGitHub(options: { appId?: string; installations?: Record<number, string[]> } = {}): Promise<FakeGitHub> {
  const appId = options.appId ?? '424242';
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  // installation id → repositories it is installed on
  const installations = new Map<number, string[]>(Object.entries(options.installations ?? { 77: ['acme/shop'] }).map(([k, v]) => [Number(k), v]));
  const tokens = new Map<string, { installationId: number; expiresAt: number }>();
  const pending = new Map<string, Pending>();
  const failures: Array<{ status: number; retryAfter?: string; rateLimitReset?: number }> = [];
  const calls: FakeGitHubCall[] = [];
  const reviews: FakeReview[] = [];
  const sockets = new Set<Socket>();
  let nextRun = 9000;
  let nextDeployment = 5000;
  let tokensIssued = 0;

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const path = req.url ?? '/';
      const answer = (status: number, json?: unknown, headers: Record<string, string> = {}) => {
        calls.push({ method: req.method ?? '', path, status });
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(json === undefined ? '' : JSON.stringify(json));
      };
      const failure = failures.shift();
      if (failure) {
        const headers: Record<string, string> = {};
        if (failure.retryAfter !== undefined) headers['retry-after'] = failure.retryAfter;
        if (failure.rateLimitReset !== undefined) {
          headers['x-ratelimit-remaining'] = '0';
          headers['x-ratelimit-reset'] = String(failure.rateLimitReset);
        }
        return answer(failure.status, { message: failure.status === 503 ? 'Service Unavailable' : 'API rate limit exceeded' }, headers);
      }
      if (req.headers.accept !== 'application/vnd.github+json') return answer(415, { message: 'Accept must be application/vnd.github+json' });
      const bearer = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
      const tokenMatch = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path);
      if (req.method === 'POST' && tokenMatch) {
        const problem = bearer ? jwtProblem(bearer, appId, publicKey, Math.floor(Date.now() / 1000)) : 'no JWT';
        if (problem) return answer(401, { message: problem });
        const installationId = Number(tokenMatch[1]);
        if (!installations.has(installationId)) return answer(404, { message: 'Not Found' });
        const token = `ghs_${randomBytes(18).toString('hex')}`;
        const expiresAt = Date.now() + 60 * 60 * 1000;
        tokens.set(token, { installationId, expiresAt });
        tokensIssued += 1;
        return answer(201, { token, expires_at: new Date(expiresAt).toISOString(), permissions: { deployments: 'write', actions: 'read' } });
      }
      const reviewMatch = /^\/repos\/([^/]+\/[^/]+)\/actions\/runs\/(\d+)\/deployment_protection_rule$/.exec(path);
      if (req.method === 'POST' && reviewMatch) {
        const token = bearer ? tokens.get(bearer) : undefined;
        if (!token || token.expiresAt <= Date.now()) return answer(401, { message: 'Bad credentials' });
        const repository = reviewMatch[1]!;
        if (!installations.get(token.installationId)?.includes(repository)) return answer(403, { message: 'Resource not accessible by integration' });
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(body) as Record<string, unknown>;
        } catch {
          return answer(400, { message: 'Problems parsing JSON' });
        }
        const waiting = pending.get(`${repository}#${reviewMatch[2]}#${String(parsed.environment_name)}`);
        if (!waiting) return answer(404, { message: 'Not Found' });
        if (parsed.state !== 'approved' && parsed.state !== 'rejected') return answer(422, { message: 'state must be approved or rejected' });
        if (typeof parsed.comment !== 'string' || parsed.comment.length > 1024)
          return answer(422, { message: 'comment must be a string of at most 1024 characters' });
        if (waiting.reviewed) return answer(422, { message: 'No pending deployment protection rule for this environment' });
        waiting.reviewed = true;
        reviews.push({ repository, runId: waiting.runId, environment: waiting.environment, state: parsed.state, comment: parsed.comment });
        return answer(204);
      }
      return answer(404, { message: 'Not Found' });
    })();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const apiUrl = `http://127.0.0.1:${port}`;
  const closeServer = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });

  return {
    apiUrl,
    appId,
    privateKeyPem,
    calls,
    reviews,
    get tokensIssued() {
      return tokensIssued;
    },
    waitingDeployment({ repository, environment, installationId = 77, ref = 'main' }) {
      const runId = nextRun++;
      const deploymentId = nextDeployment++;
      pending.set(`${repository}#${runId}#${environment}`, { repository, runId, environment, deploymentId, installationId, reviewed: false });
      return {
        action: 'requested',
        environment,
        event: 'push',
        deployment_callback_url: `${apiUrl}/repos/${repository}/actions/runs/${runId}/deployment_protection_rule`,
        deployment: { id: deploymentId, ref, sha: randomBytes(20).toString('hex'), environment },
        repository: { full_name: repository, name: repository.split('/')[1] },
        installation: { id: installationId },
        sender: { login: 'octocat' },
      };
    },
    async deliver(url, secret, payload, opts = {}) {
      const body = JSON.stringify(payload);
      const deliveryId = opts.deliveryId ?? randomUUID();
      const signature = `sha256=${createHmac('sha256', opts.forge ? `${secret}-forged` : secret)
        .update(body)
        .digest('hex')}`;
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': opts.event ?? 'deployment_protection_rule',
          'x-github-delivery': deliveryId,
          'x-hub-signature-256': signature,
          'user-agent': 'GitHub-Hookshot/fake',
        },
        body,
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed, deliveryId };
    },
    failNext(n, failure) {
      for (let i = 0; i < n; i++) failures.push(failure);
    },
    async setDown(down) {
      if (down) {
        if (server.listening) await closeServer();
      } else if (!server.listening) {
        await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      }
    },
    close: () => (server.listening ? closeServer() : Promise.resolve()),
  };
}
