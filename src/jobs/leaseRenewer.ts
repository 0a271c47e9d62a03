/**
 * Keeps a worker's leases alive while its calls are in flight: every `leaseMs / 3` it renews the
 * lease on every row it holds, so a slow PagerDuty or Slack call never lets the row run out and be
 * claimed (and sent again) by another replica. The timer runs only while something is held.
 */
export interface LeaseRenewerOptions<K> {
  /** Extends this replica's lease on `keys`; resolves with how many it still held. */
  renew(keys: K[]): Promise<number>;
  /** How long a claim's lease lasts (store/leases.ts LEASE_MS). */
  leaseMs: number;
  /** A key's identity in the held set (default: String). */
  name?: (key: K) => string;
  /** What is held, for the log lines ("reminder", "page outbox row", …). */
  what: string;
  /** Where a failed renewal, or rows no longer held, are told. */
  log(message: string): void;
}

export class LeaseRenewer<K> {
  private readonly held = new Map<string, { key: K; holds: number }>();
  private timer: NodeJS.Timeout | null = null;
  private renewing: Promise<void> | null = null;

  constructor(private readonly o: LeaseRenewerOptions<K>) {}

  /** How many rows this worker holds right now (for /healthz). */
  get size(): number {
    return this.held.size;
  }

  /** Holds `keys` until the returned function is called (call it in a `finally`; calling it again does nothing). */
  hold(keys: readonly K[]): () => void {
    const name = this.o.name ?? String;
    const names = keys.map((key) => {
      const id = name(key);
      const entry = this.held.get(id);
      if (entry) entry.holds += 1;
      else this.held.set(id, { key, holds: 1 });
      return id;
    });
    this.startTimer();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const id of names) {
        const entry = this.held.get(id);
        if (!entry) continue;
        entry.holds -= 1;
        if (entry.holds <= 0) this.held.delete(id);
      }
      if (this.held.size === 0) this.stopTimer();
    };
  }

  /** Runs `work` holding `keys`, and lets go of them however it ends. */
  async holding<T>(keys: readonly K[], work: () => Promise<T>): Promise<T> {
    const release = this.hold(keys);
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** Renews now (the timer's beat; tests). */
  renewNow(): Promise<void> {
    if (this.renewing) return this.renewing;
    const keys = [...this.held.values()].map((e) => e.key);
    if (keys.length === 0) return Promise.resolve();
    this.renewing = this.o
      .renew(keys)
      .then((still) => {
        // Finished just now, or taken over by another replica after this one stalled past its lease.
        if (still < keys.length) this.o.log(`${keys.length - still} ${this.o.what} lease(s) were no longer this replica's to renew`);
      })
      .catch((error: unknown) =>
        this.o.log(`renewing ${this.o.what} leases failed (they run out unless renewed): ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        this.renewing = null;
      });
    return this.renewing;
  }

  /** No more renewals; what is held runs out on its own. */
  stop(): void {
    this.stopTimer();
    this.held.clear();
  }

  private startTimer(): void {
    if (this.timer || this.held.size === 0) return;
    this.timer = setInterval(() => void this.renewNow(), Math.max(1, Math.floor(this.o.leaseMs / 3)));
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
