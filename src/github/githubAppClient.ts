import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { GitHubReview, GitHubReviewer, GitHubReviewResult } from '../service/githubReviewer.js';
import { appJwt } from './appJwt.js';

export interface GitHubAppClientOptions {
  appId: string;
  privateKey: string;
  /** REST API root without a trailing slash (https://api.github.com, or …/api/v3 on GHES). */
  apiUrl: string;
  /** Wall clock for the JWT's iat/exp and token expiry: GitHub compares them with its own. */
  now?: () => number;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

const HEADERS = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'deployday' };
/** A cached installation token is renewed this long before GitHub's `expires_at` (tokens live an hour). */
const RENEW_BEFORE_MS = 5 * 60 * 1000;

type Failure = Extract<GitHubReviewResult, { ok: false }>;

/**
 * How long GitHub asks us to wait: `Retry-After` (seconds), else, when the rate limit is spent
 * (`x-ratelimit-remaining: 0`), until `x-ratelimit-reset` (epoch seconds). Undefined when neither says.
 */
export function githubRetryAfterMs(headers: Headers, nowMs: number): number | undefined {
  const after = Number(headers.get('retry-after'));
  if (headers.get('retry-after') !== null && Number.isFinite(after) && after >= 0) return after * 1000;
  const reset = Number(headers.get('x-ratelimit-reset'));
  if (headers.get('x-ratelimit-remaining') === '0' && Number.isFinite(reset)) return Math.max(0, reset * 1000 - nowMs);
  return undefined;
}

/** A refusal from GitHub: 403 with a spent rate limit, 429 and 5xx are worth retrying; other 4xx are final. */
async function failureOf(res: Response, what: string, nowMs: number): Promise<Failure> {
  const body = (await res.text().catch(() => '')).slice(0, 300);
  let message = '';
  try {
    message = String((JSON.parse(body) as { message?: unknown }).message ?? '');
  } catch {
    message = body;
  }
  const retryAfterMs = githubRetryAfterMs(res.headers, nowMs);
  const rateLimited = res.status === 429 || (res.status === 403 && (retryAfterMs !== undefined || /rate limit/i.test(message)));
  return {
    ok: false,
    retryable: rateLimited || res.status >= 500 || res.status === 408,
    status: res.status,
    error: `${what}: HTTP ${res.status}${message ? ` (${message.slice(0, 200)})` : ''}`,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

/**
 * deployday's side of a GitHub App: exchanges the App's JWT for an installation access token
 * (`POST /app/installations/{id}/access_tokens`, cached until shortly before it expires) and
 * answers a deployment protection rule with it (`POST deployment_callback_url`). Tokens are kept
 * in memory only and never logged.
 */
export function createGitHubAppClient(o: GitHubAppClientOptions): GitHubReviewer {
  const key: KeyObject = createPrivateKey(o.privateKey);
  const now = o.now ?? Date.now;
  const doFetch = o.fetchImpl ?? fetch;
  const tokens = new Map<number, { token: string; expiresAt: number }>();

  async function installationToken(installationId: number): Promise<{ ok: true; token: string } | Failure> {
    const cached = tokens.get(installationId);
    if (cached && cached.expiresAt - RENEW_BEFORE_MS > now()) return { ok: true, token: cached.token };
    const res = await doFetch(`${o.apiUrl}/app/installations/${installationId}/access_tokens`, {
      method: 'POST',
      headers: { ...HEADERS, authorization: `Bearer ${appJwt(o.appId, key, now())}` },
      signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
    });
    if (res.status !== 201 && res.status !== 200) {
      const failure = await failureOf(res, 'installation token', now());
      // A JWT GitHub refuses (wrong key, App id or clock) is fixed by the operator and a restart: kept, not lost.
      return res.status === 401 ? { ...failure, retryable: true } : failure;
    }
    const body = (await res.json()) as { token?: unknown; expires_at?: unknown };
    if (typeof body.token !== 'string')
      return { ok: false, retryable: true, status: res.status, error: 'installation token: no token in the answer' };
    const expiresAt = typeof body.expires_at === 'string' ? Date.parse(body.expires_at) : now() + 60 * 60 * 1000;
    tokens.set(installationId, { token: body.token, expiresAt: Number.isFinite(expiresAt) ? expiresAt : now() + 10 * 60 * 1000 });
    return { ok: true, token: body.token };
  }

  async function post(review: GitHubReview, token: string): Promise<Response> {
    return doFetch(review.callbackUrl, {
      method: 'POST',
      headers: { ...HEADERS, 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ environment_name: review.environment, state: review.state, comment: review.comment }),
      signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
    });
  }

  return {
    async review(review) {
      try {
        for (let attempt = 1; ; attempt++) {
          const token = await installationToken(review.installationId);
          if (!token.ok) return token;
          const res = await post(review, token.token);
          if (res.ok) {
            await res.arrayBuffer().catch(() => undefined);
            return { ok: true, status: res.status };
          }
          // A token revoked or expired early: drop it and try once more with a fresh one.
          if (res.status === 401 && attempt === 1) {
            await res.arrayBuffer().catch(() => undefined);
            tokens.delete(review.installationId);
            continue;
          }
          return await failureOf(res, 'deployment callback', now());
        }
      } catch (error) {
        return { ok: false, retryable: true, status: null, error: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}
