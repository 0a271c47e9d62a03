import type { IncomingMessage, ServerResponse } from 'node:http';
import { verify } from '@octokit/webhooks-methods';
import type { Logger } from '@slack/bolt';
import { parseProtectionRequest } from '../domain/githubProtection.js';
import type { GitHubProtections } from '../service/githubProtections.js';
import { sendJson } from './apiHttp.js';
import type { Route } from './serveRoute.js';

/** GitHub caps a webhook at 25 MB; a deployment_protection_rule payload is a few KiB. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

/**
 * `X-Hub-Signature-256` is `sha256=` + the hex HMAC-SHA256 of the raw body with the webhook secret,
 * checked by @octokit/webhooks' own verifier (constant-time). The header's shape is checked first, so
 * a missing or malformed one is refused without asking it.
 */
export async function verifyGitHubSignature(secret: string, header: string | undefined, body: Buffer): Promise<boolean> {
  if (typeof header !== 'string' || !/^sha256=[0-9a-f]{64}$/i.test(header)) return false;
  try {
    return await verify(secret, body.toString('utf8'), header);
  } catch {
    return false;
  }
}

async function readRaw(req: IncomingMessage): Promise<Buffer | null> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_WEBHOOK_BYTES) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_WEBHOOK_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * `POST /github/webhook`: GitHub's deliveries for the App. The signature is checked on the raw
 * bytes before anything is parsed or recorded (401 otherwise). A `deployment_protection_rule`
 * request is attached to its run's gate (or answered at once) in one transaction and acknowledged
 * with 202; the callback to GitHub goes out from the worker, never inside this request.
 */
export function githubWebhookRoute(deps: {
  secret: string;
  apiUrl: string;
  protections: GitHubProtections;
  logger: Logger;
  onQueued: () => void;
}): Route {
  const { protections, logger } = deps;
  // The installation token is only ever sent to GitHub's API: a callback URL elsewhere is refused.
  const apiRoot = `${deps.apiUrl.replace(/\/+$/, '')}/`;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readRaw(req);
    if (body === null)
      return sendJson(res, 413, { error: 'too_large', message: `a webhook is at most ${MAX_WEBHOOK_BYTES} bytes` }, { connection: 'close' });
    if (!(await verifyGitHubSignature(deps.secret, header(req, 'x-hub-signature-256'), body))) {
      logger.warn(
        `github webhook: refused a delivery with a missing or wrong X-Hub-Signature-256 (delivery ${header(req, 'x-github-delivery')?.slice(0, 64) ?? 'unknown'})`,
      );
      return sendJson(res, 401, { error: 'bad_signature', message: 'X-Hub-Signature-256 does not match the webhook secret' });
    }
    const event = header(req, 'x-github-event');
    const delivery = header(req, 'x-github-delivery');
    if (event === 'ping') return sendJson(res, 200, { ok: true, message: 'pong' });
    if (event !== 'deployment_protection_rule')
      return sendJson(res, 202, { ignored: `event ${String(event).slice(0, 64)} is not one deployday acts on` });
    if (!delivery || delivery.length > 100) return sendJson(res, 400, { error: 'bad_request', message: 'X-GitHub-Delivery is missing' });
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      return sendJson(res, 400, { error: 'bad_request', message: 'body is not valid JSON' });
    }
    const action = (payload as { action?: unknown } | null)?.action;
    if (action !== 'requested') return sendJson(res, 202, { ignored: `action ${String(action).slice(0, 64)} is not one deployday acts on` });
    const parsed = parseProtectionRequest(payload);
    if (!parsed.ok) return sendJson(res, 400, { error: 'bad_request', message: parsed.reason });
    if (!parsed.request.callbackUrl.startsWith(apiRoot)) {
      logger.warn(`github webhook: delivery ${delivery} has a callback URL outside GITHUB_API_URL; refused`);
      return sendJson(res, 400, { error: 'bad_callback_url', message: 'deployment_callback_url is not on GITHUB_API_URL' });
    }
    const receipt = await protections.receive(delivery, parsed.request);
    if (receipt.outcome !== 'replayed') deps.onQueued();
    sendJson(res, 202, receipt);
  };
  return {
    path: '/github/webhook',
    method: ['POST'],
    handler: (req, res) =>
      void handle(req, res).catch((error: unknown) => {
        logger.error('github webhook: unexpected error:', error instanceof Error ? (error.stack ?? error.message) : error);
        sendJson(res, 500, { error: 'internal' });
      }),
  };
}
