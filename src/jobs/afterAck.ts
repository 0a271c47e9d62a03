import type { Logger } from '@slack/bolt';

/**
 * Runs `work(runId)` once the current request has been acked: only a click's own write belongs
 * before its ack, while the escalation rules may read PagerDuty state, page, or fail. They read the
 * run as it is when they run, so a burst of clicks on one run needs one evaluation; a failure is
 * logged, never turned into an error reply.
 */
export function afterAck(work: (runId: number) => Promise<void> | void, logger: Logger, what: string): (runId: number) => void {
  const due = new Set<number>();
  const run = async (runId: number): Promise<void> => {
    due.delete(runId);
    try {
      await work(runId);
    } catch (error) {
      logger.error(`${what} for run ${runId} failed:`, error instanceof Error ? (error.stack ?? error.message) : error);
    }
  };
  return (runId) => {
    if (due.has(runId)) return;
    due.add(runId);
    // Fire and forget: run() logs its own errors.
    setImmediate(() => void run(runId));
  };
}
