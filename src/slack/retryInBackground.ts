export interface RetryInBackgroundOptions {
  /** First wait, doubling after each failure up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** Tries after the first failure before giving up (the defaults span about two minutes). */
  attempts?: number;
  /** Told once, with the last failure, when every try failed. */
  onGiveUp(error: unknown): void;
}

/**
 * Runs `work` again later, with backoff, until it succeeds or the tries run out. For a step that
 * failed after a click because the database did not answer, and whose absence leaves Slack showing
 * something untrue: a refused click's box stays ticked in the clicker's Slack until the message is
 * rendered again. Kept in memory: a process that stops drops its retries (a later change renders
 * the message anyway). The timers never hold the process open.
 */
export function retryInBackground(work: () => Promise<void>, options: RetryInBackgroundOptions): void {
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  let left = options.attempts ?? 8;
  let delayMs = options.firstDelayMs ?? 1_000;
  const tryAgain = (): void => {
    const timer = setTimeout(() => {
      work().catch((error: unknown) => {
        left -= 1;
        if (left <= 0) return options.onGiveUp(error);
        delayMs = Math.min(maxDelayMs, delayMs * 2);
        tryAgain();
      });
    }, delayMs);
    timer.unref();
  };
  tryAgain();
}
