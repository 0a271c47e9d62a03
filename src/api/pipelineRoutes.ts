import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@slack/bolt';
import { z } from 'zod';
import { DomainError } from '../domain/errors.js';
import type { ApiToken } from '../service/apiTokens.js';
import type { Services } from '../service/createServices.js';
import { BadRequest, bearerOf, paramsOf, readJsonBody, sendJson } from './apiHttp.js';
import type { GateWaiters } from './gateWaiters.js';

/** The longest a gate call may wait (`?wait=`); CI tools reconnect, proxies cut idle connections. */
export const MAX_WAIT_SECONDS = 60;

const StartBody = z.object({ checklist: z.string().min(1).max(100), at: z.string().max(100).optional(), tz: z.string().max(64).optional() }).strict();
const ItemBody = z
  .object({
    done: z.boolean().optional(),
    evidenceUrl: z
      .string()
      .max(500)
      .regex(/^https?:\/\/[^\s<>|]+$/, 'must be an http(s) URL')
      .optional(),
    note: z.string().max(200).optional(),
  })
  .strict();

type Route = { path: string; method: string[]; handler: (req: IncomingMessage, res: ServerResponse) => void };

/** How a refusal maps to HTTP: the code stays in the body so a pipeline can branch on it. */
function statusOf(error: DomainError): number {
  switch (error.code) {
    case 'unknown_run':
    case 'unknown_key':
    case 'unknown_checklist':
      return 404;
    case 'token_scope':
    case 'wrong_channel':
      return 403;
    case 'bad_time':
    case 'bad_timezone':
      return 400;
    default:
      // run_ended, a closed section, a gate or sign-off a token may not tick: the run's state refuses it.
      return 409;
  }
}

/**
 * `/api/v1`: the pipeline API (docs/api.md). Bolt custom routes on the bot's own port. Each handler
 * authenticates, validates, calls one PipelineApi use case and answers JSON; a refusal is the
 * use case's DomainError (already audited), an unexpected error an error id in the log.
 */
export function pipelineRoutes(deps: { services: Services; waiters: GateWaiters; logger: Logger }): Route[] {
  const { services, waiters, logger } = deps;
  const api = services.pipeline;

  const guarded =
    (name: string, handle: (token: ApiToken, req: IncomingMessage, res: ServerResponse) => Promise<void> | void) =>
    (req: IncomingMessage, res: ServerResponse): void => {
      void (async () => {
        try {
          const secret = bearerOf(req);
          const token = secret === null ? null : await services.tokens.authenticate(secret);
          if (token === null) {
            req.resume();
            sendJson(res, 401, { error: 'unauthorized', message: 'missing, unknown or revoked token' }, { 'www-authenticate': 'Bearer' });
            return;
          }
          await handle(token, req, res);
        } catch (error) {
          if (error instanceof BadRequest) return sendJson(res, 400, { error: 'bad_request', message: error.message }, { connection: 'close' });
          if (error instanceof DomainError) return sendJson(res, statusOf(error), { error: error.code, ...error.params });
          const id = `E${randomBytes(4).toString('hex').toUpperCase()}`;
          logger.error(`[${id}] unexpected error in API ${name}:`, error instanceof Error ? (error.stack ?? error.message) : error);
          sendJson(res, 500, { error: 'internal', errorId: id });
        }
      })();
    };

  const runIdOf = (req: IncomingMessage): number => {
    const raw = paramsOf(req).runId ?? '';
    if (!/^\d{1,9}$/.test(raw)) throw new DomainError('unknown_run', { runId: raw.slice(0, 20) });
    return Number(raw);
  };

  /** Runs `compute` once per Idempotency-Key: a retry gets the first answer, a different request under the same key a 422. */
  const once = async (
    token: ApiToken,
    req: IncomingMessage,
    res: ServerResponse,
    request: string,
    compute: () => Promise<{ status: number; body: unknown }>,
  ) => {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key === '') {
      const answer = await compute();
      return sendJson(res, answer.status, answer.body);
    }
    if (key.length > 200) throw new BadRequest('Idempotency-Key is longer than 200 characters');
    const stored = await api.storedAnswer(token, key);
    if (stored) {
      if (stored.request !== request)
        return sendJson(res, 422, { error: 'idempotency_key_reused', message: 'this Idempotency-Key was used for a different request' });
      return sendJson(res, stored.status, JSON.parse(stored.body), { 'idempotent-replayed': 'true' });
    }
    const answer = await compute();
    await api.rememberAnswer(token, key, { request, status: answer.status, body: JSON.stringify(answer.body) });
    sendJson(res, answer.status, answer.body);
  };

  const parse = <T>(schema: z.ZodType<T>, body: unknown): T => {
    const result = schema.safeParse(body);
    if (!result.success) throw new BadRequest(result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    return result.data;
  };

  return [
    {
      path: '/api/v1/runs',
      method: ['POST'],
      handler: guarded('start run', async (token, req, res) => {
        const body = parse(StartBody, await readJsonBody(req));
        await once(token, req, res, `start:${JSON.stringify(body)}`, async () => {
          const started = await api.startRun(token, { checklist: body.checklist, at: body.at ?? null, tz: body.tz ?? null });
          return { status: 201, body: { runId: started.runId, note: started.note } };
        });
      }),
    },
    {
      path: '/api/v1/runs/:runId',
      method: ['GET'],
      handler: guarded('read run', async (token, req, res) => sendJson(res, 200, await api.run(token, runIdOf(req)))),
    },
    {
      path: '/api/v1/runs/:runId/items/:key',
      method: ['POST'],
      handler: guarded('tick item', async (token, req, res) => {
        const body = parse(ItemBody, await readJsonBody(req));
        const runId = runIdOf(req);
        const key = paramsOf(req).key ?? '';
        await once(token, req, res, `item:${runId}:${key}:${JSON.stringify(body)}`, async () => {
          const evidence =
            body.evidenceUrl !== undefined || body.note !== undefined ? { url: body.evidenceUrl ?? null, note: body.note ?? null } : null;
          const result = await api.setItem(token, runId, key, { done: body.done ?? true, evidence });
          return { status: 200, body: result };
        });
      }),
    },
    {
      path: '/api/v1/runs/:runId/gates/:key',
      method: ['GET'],
      handler: guarded('read gate', async (token, req, res) => {
        const runId = runIdOf(req);
        const key = paramsOf(req).key ?? '';
        const first = await api.gate(token, runId, key);
        const wait = Math.min(MAX_WAIT_SECONDS, Math.max(0, Number(new URL(req.url ?? '/', 'http://x').searchParams.get('wait') ?? 0) || 0));
        if (first.decision !== 'pending' || wait === 0) return sendJson(res, 200, first);
        // While stopping, every answer closes its connection: the CLI asks again at once, and a request on a
        // kept-alive connection would hold the closing port open (server.close waits for every connection).
        const closing = (): Record<string, string> => (waiters.stopping ? { connection: 'close' } : {});
        if (waiters.stopping) return sendJson(res, 503, { error: 'stopping' }, { 'retry-after': '1', connection: 'close' });
        // Long poll: answered the moment the gate is decided (or the run ends), else with `pending` after `wait` s.
        let done = false;
        const finish = (view: unknown): void => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          remove();
          sendJson(res, 200, view, closing());
        };
        // Answers the waiter and never rejects: an error becomes the HTTP answer.
        const recheck = async (final: boolean): Promise<void> => {
          try {
            const view = await api.gate(token, runId, key, false);
            if (final || view.decision !== 'pending') finish(view);
          } catch (error) {
            done = true;
            clearTimeout(timer);
            remove();
            if (error instanceof DomainError) sendJson(res, statusOf(error), { error: error.code, ...error.params });
            else sendJson(res, 500, { error: 'internal' });
          }
        };
        const remove = waiters.add(runId, recheck);
        // Fire and forget: recheck catches its own errors (see above).
        const timer = setTimeout(() => void recheck(true), wait * 1000);
        res.on('close', () => {
          done = true;
          clearTimeout(timer);
          remove();
        });
      }),
    },
  ];
}
