/**
 * The benchmarks' Slack: the test fake (test/support/fakeSlack.ts, compiled into
 * dist/test-support by tsconfig.bench.json) in its lenient mode, so there is one fake of Slack to
 * keep true to Slack. Lenient skips what would put the fake's own cost into the figures (Block
 * Kit validation and rendering, message history, call arguments); tokens, channels, rate limits
 * with 429 + Retry-After and response_urls behave as in the tests.
 */
import { FAKE_BOT_TOKEN, FakeSlack, FakeWorkspace } from '../../dist/test-support/fakeSlack.js';

export const BENCH_TEAM = FakeWorkspace;
export const BENCH_BOT_TOKEN = FAKE_BOT_TOKEN;

/**
 * @param {{ updatesPerMinutePerChannel?: number }} [options] no chat.update limit when unset
 * @returns {Promise<FakeSlack>}
 */
export function startBenchSlack(options = {}) {
  const limit = options.updatesPerMinutePerChannel;
  return FakeSlack.start({
    lenient: true,
    // The bench reuses one response_url for many clicks; Slack's 5-post cap is the tests' concern.
    responseUrlMaxPosts: Number.POSITIVE_INFINITY,
    rateLimits: limit === undefined ? {} : { 'chat.update': { perMinute: limit, perChannel: true } },
  });
}

/** Every chat.update answered so far: which message, when, and the HTTP status (429 when refused). */
export function updateLog(fake) {
  return fake
    .callsTo('chat.update')
    .map((call) => ({ channel: String(call.args.channel ?? ''), ts: String(call.args.ts ?? ''), at: call.at, status: call.status }));
}

/** chat.update calls that changed a message (HTTP 200, ok). */
export function updatesApplied(fake) {
  return fake.callsTo('chat.update').filter((call) => call.ok).length;
}
