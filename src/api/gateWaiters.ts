/**
 * Long polls waiting on a run's gates. The run's state-changed hook pokes the run; each waiter
 * re-reads its gate once the click that changed it has been acked (setImmediate), so a hundred
 * waiters never delay a click's answer.
 */
export class GateWaiters {
  private readonly byRun = new Map<number, Set<(final: boolean) => Promise<void>>>();
  private readonly due = new Set<number>();
  private released = false;

  /**
   * Registers a re-check for this run; call the returned function to remove it. The re-check must
   * not reject (it answers its request whatever happens): it is called and not awaited.
   */
  add(runId: number, recheck: (final: boolean) => Promise<void>): () => void {
    const set = this.byRun.get(runId) ?? new Set();
    set.add(recheck);
    this.byRun.set(runId, set);
    return () => {
      set.delete(recheck);
      if (set.size === 0 && this.byRun.get(runId) === set) this.byRun.delete(runId);
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

  /**
   * Answers every waiter with its gate as it stands (the bot is stopping; the CLI asks again).
   * Resolves once every answer is sent, so they go out before the bot closes its port.
   */
  async releaseAll(): Promise<void> {
    this.released = true;
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
}
