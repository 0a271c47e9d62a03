import type { Logger } from '@slack/bolt';

/**
 * Runs `work(runId)` once the current request has been acked: only a click's own write belongs
 * before its ack, while the escalation rules may read PagerDuty state, page, or fail. They read the
 * run as it is when they run, so a burst of clicks on one run needs one evaluation; a failure is
 * logged, never turned into an error reply.
 */
export function afterAck(work: (runId: number) => void, logger: Logger, what: string): (runId: number) => void {
  const due = new Set<number>();
  return (runId) => {
    if (due.has(runId)) return;
    due.add(runId);
    setImmediate(() => {
      due.delete(runId);
      try {
        work(runId);
      } catch (error) {
        logger.error(`${what} for run ${runId} failed:`, error instanceof Error ? (error.stack ?? error.message) : error);
      }
    });
  };
}
