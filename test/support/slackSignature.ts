/**
 * Signs a request body the way Slack does (v0 HMAC-SHA256 of "v0:<timestamp>:<raw body>").
 * The one place tests and benchmarks forge Slack's signature: slackClient.ts signs with the bot's
 * secret, a test that checks refusals signs with another one, and the bench uses the compiled copy.
 */
import { createHmac } from 'node:crypto';

/** The X-Slack-Signature value for `body` sent at `timestampSec` (Unix seconds). */
export function slackSignature(secret: string, timestampSec: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSec}:${body}`).digest('hex')}`;
}

/** The headers Slack sends with a form-encoded request (commands and interactions). */
export function slackRequestHeaders(secret: string, body: string, timestampSec: number = Math.floor(Date.now() / 1000)): Record<string, string> {
  return {
    // Exactly Slack's content type: Bolt parses the body by it.
    'Content-Type': 'application/x-www-form-urlencoded',
    'X-Slack-Request-Timestamp': String(timestampSec),
    'X-Slack-Signature': slackSignature(secret, timestampSec, body),
    'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
  };
}
