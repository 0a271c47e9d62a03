/**
 * Socket Mode delivery for the Slack client: the body Slack would POST over HTTP goes to the bot
 * as an envelope on its WebSocket instead (a slash command's form fields as `slash_commands`,
 * a `payload=` form as `interactive`), and the ack's payload comes back shaped like the HTTP
 * answer, so the same test reads both transports the same way. The fake spreads envelopes over
 * the open connections, as Slack does; `connection` pins them to one (one replica's).
 */
import type { FakeSlack } from './fakeSlack.js';
import type { BotResponse } from './slackClient.js';

export function socketDelivery(fake: FakeSlack, connection?: number): (body: string) => Promise<BotResponse> {
  const on = connection === undefined ? {} : { connection };
  return async (body) => {
    const form = new URLSearchParams(body);
    const raw = form.get('payload');
    const ackPayload =
      raw !== null
        ? await fake.socket.send('interactive', JSON.parse(raw) as Record<string, unknown>, on)
        : await fake.socket.send('slash_commands', Object.fromEntries(form), on);
    // An empty ack() arrives as `{}` (or no payload); over HTTP it is an empty 200.
    const empty = ackPayload === undefined || (typeof ackPayload === 'object' && ackPayload !== null && Object.keys(ackPayload).length === 0);
    const text = empty ? '' : JSON.stringify(ackPayload);
    return {
      status: 200,
      headers: new Headers(empty ? {} : { 'content-type': 'application/json' }),
      body: empty ? '' : ackPayload,
      text,
    };
  };
}
