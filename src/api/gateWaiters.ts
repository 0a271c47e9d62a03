import type { GateWakes, RunChangeListener } from '../service/gateWakes.js';

/** How often a waiting long poll re-reads its gate on its own, whatever woke it or not (default). */
export const GATE_RECHECK_MS = 15_000;

/**
 * Long polls waiting on a run's gates. A change to the run wakes them: this replica's own hooks
 * (a click taken here) and, on PostgreSQL, a change committed by any replica (service/gateWakes.ts).
 * Each waiter re-reads its gate once the click that changed it has been acked (setImmediate), so a
 * hundred waiters never delay a click's answer. Every `recheckMs` each waiter also re-reads on its
 * own: the safety net for a wake that was lost (the listening connection was down).
 */
export class GateWaiters {
  private readonly byRun = new Map<number, Set<(final: boolean) => Promise<void>>>();
  private readonly due = new Set<number>();
  private released = false;
  private recheckTimer: NodeJS.Timeout | null = null;
  private listener: RunChangeListener | null = null;

  constructor(private readonly recheckMs: number = GATE_RECHECK_MS) {}

  /**
   * Registers a re-check for this run; call the returned function to remove it. The re-check must
   * not reject (it answers its request whatever happens): it is called and not awaited.
   */
  add(runId: number, recheck: (final: boolean) => Promise<void>): () => void {
    const set = this.byRun.get(runId) ?? new Set();
    set.add(recheck);
    this.byRun.set(runId, set);
    this.startRechecks();
    return () => {
      set.delete(recheck);
      if (set.size === 0 && this.byRun.get(runId) === set) this.byRun.delete(runId);
      if (this.byRun.size === 0) this.stopRechecks();
    };
  }

  notify(runId: number): void {
    if (!this.byRun.has(runId) || this.due.has(runId)) return;
    this.due.add(runId);
    setImmediate(() => {
      this.due.delete(runId);
      for (const recheck of [...(this.byRun.get(runId) ?? [])]) void recheck(false);
    });
  }

  /** Every waiter looks again (changes may have gone unseen). */
  notifyAll(): void {
    for (const runId of [...this.byRun.keys()]) this.notify(runId);
  }

  /** Wakes the waiters on changes committed by any replica (PostgreSQL; nothing to listen to on SQLite). */
  listen(wakes: GateWakes, log: { warn(message: string): void; info(message: string): void }): void {
    this.listener ??= wakes.listen({
      wake: (runId) => this.notify(runId),
      wakeAll: () => this.notifyAll(),
      warn: (message) => log.warn(message),
      info: (message) => log.info(message),
    });
  }

  /** Stops listening and answers every waiter (releaseAll): the bot is stopping. */
  async close(): Promise<void> {
    const listener = this.listener;
    this.listener = null;
    await listener?.close();
    await this.releaseAll();
  }

  /**
   * Answers every waiter with its gate as it stands (the bot is stopping; the CLI asks again).
   * Resolves once every answer is sent, so they go out before the bot closes its port.
   */
  async releaseAll(): Promise<void> {
    this.released = true;
    this.stopRechecks();
    const rechecks = [...this.byRun.values()].flatMap((set) => [...set]);
    await Promise.all(rechecks.map((recheck) => recheck(true)));
  }

  /**
   * True once releaseAll ran: the bot is stopping. A long poll asked now (the CLI asks again at once
   * on its answer, on the same kept-alive connection) would hold the closing port open for its whole wait.
   */
  get stopping(): boolean {
    return this.released;
  }

  get size(): number {
    let n = 0;
    for (const set of this.byRun.values()) n += set.size;
    return n;
  }

  private startRechecks(): void {
    if (this.recheckTimer) return;
    this.recheckTimer = setInterval(() => this.notifyAll(), this.recheckMs);
    this.recheckTimer.unref();
  }

  private stopRechecks(): void {
    if (this.recheckTimer) clearInterval(this.recheckTimer);
    this.recheckTimer = null;
  }
}
