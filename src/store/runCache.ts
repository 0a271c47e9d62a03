/**
 * A per-run cache that cannot grow with history: values of active runs are kept (there are few,
 * and every click reads them), values of ended runs only for the last `endedKept` stored. Ended runs
 * are read now and then (the report, /deploy status's recent runs) and each was kept for the
 * process's life before: ~31 KiB per 150-item checklist, so a year of runs read once each would
 * have held hundreds of MiB (docs/performance.md, memory profile).
 */
export class RunCache<V> {
  private readonly active = new Map<number, V>();
  /** In read order, oldest first: Map keeps insertion order, and a read re-inserts. */
  private readonly ended = new Map<number, V>();

  constructor(private readonly endedKept = 32) {}

  get(runId: number): V | undefined {
    return this.active.get(runId) ?? this.ended.get(runId);
  }

  /** Keeps `value` for `runId`; a run seen ended moves to the bounded part. */
  set(runId: number, isActive: boolean, value: V): void {
    if (isActive) {
      this.active.set(runId, value);
      return;
    }
    this.active.delete(runId);
    this.ended.delete(runId);
    this.ended.set(runId, value);
    if (this.ended.size > this.endedKept) {
      const oldest = this.ended.keys().next();
      if (!oldest.done) this.ended.delete(oldest.value);
    }
  }

  /** How many values are held (tests). */
  get size(): number {
    return this.active.size + this.ended.size;
  }
}
