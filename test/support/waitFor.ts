/**
 * Polling helpers for integration tests, where the bot reacts asynchronously (it acks Slack
 * first and calls the Web API afterwards).
 *
 * The real timer functions are captured at import, so polling keeps working in a test that
 * later switches to vitest's fake timers to drive the bot's scheduler.
 */
const realSetTimeout = globalThis.setTimeout;
const realDateNow = Date.now.bind(Date);

export interface WaitOptions {
  /** Give up after this long (default 2000 ms). */
  timeoutMs?: number;
  /** Pause between attempts (default 10 ms). */
  intervalMs?: number;
  /** Shown in the timeout error, to say what was being waited for. */
  message?: string;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, ms));
}

/**
 * Retries `probe` until it returns a value other than undefined, null or false (a throw counts as
 * "not yet"), and returns that value. On timeout it rejects with the last error, if there was one.
 */
export async function waitFor<T>(probe: () => T | Promise<T>, options: WaitOptions = {}): Promise<Exclude<T, undefined | null | false>> {
  const timeoutMs = options.timeoutMs ?? 2000;
  const intervalMs = options.intervalMs ?? 10;
  const deadline = realDateNow() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value as Exclude<T, undefined | null | false>;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (realDateNow() >= deadline) {
      const what = options.message ?? 'condition';
      if (lastError instanceof Error) {
        lastError.message = `waitFor(${what}) timed out after ${timeoutMs} ms: ${lastError.message}`;
        throw lastError;
      }
      throw new Error(`waitFor(${what}) timed out after ${timeoutMs} ms`);
    }
    await pause(intervalMs);
  }
}

/**
 * Retries `assertion` (e.g. a block of `expect` calls) until it stops throwing; rethrows the
 * last failure on timeout so the test report shows the real mismatch.
 */
export async function eventually(assertion: () => void | Promise<void>, options: WaitOptions = {}): Promise<void> {
  await waitFor(async () => {
    await assertion();
    return true;
  }, options);
}

/** Waits `ms` of real time, regardless of fake timers. */
export function realDelay(ms: number): Promise<void> {
  return pause(ms);
}
