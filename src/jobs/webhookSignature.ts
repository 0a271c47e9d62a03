import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Outbound webhook signing, on Slack's own scheme so receivers can reuse what they know:
 * `v1=` + hex HMAC-SHA256 over `v1:<unix seconds>:<raw body>`. The timestamp is signed too,
 * so a receiver rejecting old timestamps (5 minutes, like Slack) also rejects replays.
 */
export const SIGNATURE_HEADER = 'x-deployday-signature';
export const TIMESTAMP_HEADER = 'x-deployday-request-timestamp';
export const EVENT_ID_HEADER = 'x-deployday-event-id';
export const EVENT_TYPE_HEADER = 'x-deployday-event-type';

export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`v1:${timestampSeconds}:${body}`).digest('hex')}`;
}

/** What a receiver does (also used by the tests' receiver): signature matches and timestamp is fresh. */
export function verifyWebhook(secret: string, headers: { signature: string; timestamp: string }, body: string, nowSeconds: number): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowSeconds - ts) > 5 * 60) return false;
  const expected = Buffer.from(signWebhook(secret, ts, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
