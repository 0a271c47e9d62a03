import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest JSON body the API reads; a tick with a URL and a note is a few hundred bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

export class BadRequest extends Error {}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** The bearer secret of the Authorization header, or null. */
export function bearerOf(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(header.trim());
  return match ? match[1]! : null;
}

/**
 * The request's JSON object body ({} when empty). Stops reading past MAX_BODY_BYTES and throws
 * BadRequest with the reason for an oversized body, invalid JSON or a non-object.
 */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new BadRequest(`body is ${declared} bytes; the API takes at most ${MAX_BODY_BYTES}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BadRequest(`body is over ${MAX_BODY_BYTES} bytes, the most the API takes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BadRequest(`body is not valid JSON (${error instanceof Error ? error.message : 'parse error'})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BadRequest('body must be a JSON object');
  return parsed as Record<string, unknown>;
}

/** Path parameters Bolt's router put on the request. */
export function paramsOf(req: IncomingMessage): Record<string, string> {
  return (req as IncomingMessage & { params?: Record<string, string> }).params ?? {};
}
