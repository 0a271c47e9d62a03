/** Slack's answers that mean the token itself no longer works, whatever the call. */
const TOKEN_REFUSALS = new Set(['token_revoked', 'token_expired', 'invalid_auth', 'not_authed', 'account_inactive']);

/**
 * Whether Slack refused the token rather than the call: every later call with it fails the same
 * way until the app is installed again, so it is logged once (per run or channel), not per call.
 */
export function isTokenRefusal(error: string): boolean {
  return TOKEN_REFUSALS.has(error);
}
