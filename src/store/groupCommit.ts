import type { Db } from './db.js';

/**
 * Clicks that reach the bot in the same event-loop turn share one SQLite transaction, so one
 * fsync (synchronous = FULL) makes the whole batch durable instead of one fsync per click: under
 * load that fsync, taken on the event loop, was the largest single cost of an ack (docs/performance.md).
 *
 * `run(work)` queues `work` and resolves with its result (or rejects with what it threw) only once
 * the batch holding it has committed, so nothing is acknowledged before it is on disk. The batch
 * runs on setImmediate, after the turn's I/O callbacks have queued their clicks. Each piece of work
 * runs as it would alone: its own db.transaction becomes a savepoint inside the batch (all or
 * nothing), and a refusal's audit row, written before it throws, stays. No transaction is held
 * open across I/O: the batch begins and commits inside one synchronous call, so other writers never
 * land in it unawares. If the commit itself fails, every piece of work in the batch is rejected.
 */
export interface GroupCommit {
  run<T>(work: () => T): Promise<T>;
}

interface Queued {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export function createGroupCommit(db: Db): GroupCommit {
  let queue: Queued[] = [];

  const flush = () => {
    const batch = queue;
    queue = [];
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      db.transaction(() => {
        for (const queued of batch) {
          try {
            outcomes.push({ ok: true, value: queued.work() });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      })();
    } catch (error) {
      // The commit failed: nothing in the batch is durable, so nothing may be acknowledged as done.
      for (const queued of batch) queued.reject(error);
      return;
    }
    batch.forEach((queued, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) queued.resolve(outcome.value);
      else queued.reject(outcome.error);
    });
  };

  return {
    run<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (queue.length === 0) setImmediate(flush);
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      });
    },
  };
}
