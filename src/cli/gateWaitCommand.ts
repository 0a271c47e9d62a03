/**
 * `deployday gate wait --url … --token … --run 12 --gate canary-go --timeout 2h`: the CI step that
 * blocks until people decide a gate in Slack. Exit 0 on Go, 1 on No-Go (the reason printed), 2 on
 * timeout, an ended run, or a token/run/gate the API refuses. While the bot is unreachable or
 * restarting, it retries with backoff until the timeout: a deploy never proceeds on an error.
 */

export interface GateWaitIo {
  fetch: typeof fetch;
  out: (line: string) => void;
  err: (line: string) => void;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const GATE_WAIT_USAGE =
  'usage: deployday gate wait --url <bot url> --token <token> (or DEPLOYDAY_TOKEN) --run <id> --gate <key> [--timeout 2h]';

const POLL_SECONDS = 60;
const BACKOFF_MAX_MS = 15_000;

/** "2h", "90m", "45s", "1h30m" → milliseconds; null if unreadable. */
export function parseTimeout(text: string): number | null {
  const match = /^(?:(\d{1,4})h)?(?:(\d{1,5})m)?(?:(\d{1,7})s)?$/.exec(text);
  if (!match || text === '') return null;
  return ((Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0)) * 60 + Number(match[3] ?? 0)) * 1000;
}

function options(args: string[]): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i]!;
    const value = args[i + 1];
    if (!flag.startsWith('--') || value === undefined) return null;
    out[flag.slice(2)] = value;
  }
  return out;
}

export async function gateWaitCommand(args: string[], env: NodeJS.ProcessEnv, io: GateWaitIo): Promise<number> {
  const opts = options(args);
  const token = opts?.token ?? env.DEPLOYDAY_TOKEN;
  const timeoutMs = parseTimeout(opts?.timeout ?? '2h');
  if (!opts?.url || !token || !/^\d{1,9}$/.test(opts.run ?? '') || !opts.gate || timeoutMs === null || timeoutMs === 0) {
    io.err(GATE_WAIT_USAGE);
    return 2;
  }
  const base = opts.url.replace(/\/+$/, '');
  const path = `${base}/api/v1/runs/${opts.run}/gates/${encodeURIComponent(opts.gate)}`;
  const deadline = io.now() + timeoutMs;
  let backoff = 500;
  let announced = false;
  while (io.now() < deadline) {
    const wait = Math.max(1, Math.min(POLL_SECONDS, Math.floor((deadline - io.now()) / 1000)));
    let status: number;
    let body: Record<string, unknown>;
    try {
      const res = await io.fetch(`${path}?wait=${wait}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout((wait + 15) * 1000),
      });
      status = res.status;
      body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    } catch (error) {
      // Down, restarting, or a proxy cut the long poll: ask again after a pause.
      io.err(`deployday: bot unreachable (${error instanceof Error ? error.message : String(error)}); retrying in ${Math.round(backoff / 1000)} s`);
      await io.sleep(Math.min(backoff, Math.max(0, deadline - io.now())));
      backoff = Math.min(BACKOFF_MAX_MS, backoff * 2);
      continue;
    }
    if (status >= 500 || status === 429) {
      io.err(`deployday: the bot answered ${status}; retrying in ${Math.round(backoff / 1000)} s`);
      await io.sleep(Math.min(backoff, Math.max(0, deadline - io.now())));
      backoff = Math.min(BACKOFF_MAX_MS, backoff * 2);
      continue;
    }
    backoff = 500;
    if (status !== 200) {
      const keys = Array.isArray(body.validKeys) ? ` (gates of this run: ${(body.validKeys as string[]).join(', ') || 'none'})` : '';
      io.err(`deployday: ${status} ${String(body.error ?? '')}${body.message ? `: ${String(body.message)}` : ''}${keys}`);
      return 2;
    }
    const decision = String(body.decision);
    const text = String(body.text ?? opts.gate);
    if (decision === 'go') {
      io.out(`Go: "${text}" on run #${opts.run}`);
      return 0;
    }
    if (decision === 'no_go') {
      io.out(`No-Go: "${text}" on run #${opts.run}: ${String(body.reason ?? 'no reason given')}`);
      return 1;
    }
    if (decision === 'ended') {
      io.out(`Run #${opts.run} ended before "${text}" was decided: ${String(body.reason ?? '')}`);
      return 2;
    }
    if (!announced) {
      io.out(`Waiting for "${text}" on run #${opts.run} (Go/No-Go in Slack)…`);
      announced = true;
    }
  }
  io.out(`Timed out waiting for gate ${opts.gate} on run #${opts.run}`);
  return 2;
}
