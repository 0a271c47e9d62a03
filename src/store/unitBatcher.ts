/**
 * Group commit, shared by both adapters (sqliteDb.ts, postgresDb.ts): the top-level units of work
 * (`Db.tx`, `Db.batch`) that arrive in one event-loop turn run back to back in ONE transaction, each
 * under its own savepoint, and each unit's promise settles only once that transaction committed.
 * One commit (one fsync) then makes a whole turn's clicks durable, where a commit each was the
 * largest single cost of a click's ack on both engines (docs/performance.md). The engine runs a
 * group (`runGroup`); this module collects the groups and keeps the bookkeeping both engines share.
 */

/** A top-level unit waiting for, or running in, its group. */
export interface Unit {
  fn: () => Promise<unknown>;
  /** 'tx' rolls the unit back when it throws; 'batch' keeps what it wrote (see Db.batch). */
  mode: 'tx' | 'batch';
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** Times the engine gave up on it for a reason worth another try (a deadlock on PostgreSQL). */
  retries: number;
}

/**
 * What the code of a unit runs in: the open unit, shared with the savepoints inside it. `open` is
 * false once the unit has ended, so work it started that runs later is outside it. `depth` names
 * the savepoints. `chain`: transactions begun at this level run one at a time (savepoints nest,
 * they do not interleave); each savepoint runs in a context of its own, so a `tx` inside it nests at
 * once instead of waiting behind the savepoint that holds it.
 */
export interface UnitContext<Db> {
  db: Db;
  unit: {
    open: boolean;
    depth: number;
    /** PostgreSQL: the error of a statement that aborted the transaction, until a savepoint undid it. */
    failed?: unknown;
  };
  chain: Promise<unknown>;
}

/** The result of one unit inside its group, given to its promise only after the group's COMMIT. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface GroupLimits {
  /** Units in one group at most, so a long queue is cut into groups and a group ends in good time. */
  maxUnits: number;
  /** Groups running at once at most (SQLite: 1, its single writer). */
  maxGroups: number;
}

export class UnitBatcher {
  private queue: Unit[] = [];
  private scheduled = false;
  private running = 0;
  /** Settles when no group runs; a new one each time a group starts with none running. */
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => undefined;

  constructor(
    private readonly runGroup: (units: Unit[]) => Promise<void>,
    private readonly limits: GroupLimits,
  ) {}

  enqueue<T>(fn: () => Promise<T>, mode: Unit['mode']): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.requeue({ fn, mode, resolve: resolve as (value: unknown) => void, reject, retries: 0 });
    });
  }

  /** Puts a unit (new, or given up on once and to be run again) in the next group. */
  requeue(unit: Unit): void {
    this.queue.push(unit);
    this.schedule();
  }

  /** True while a group runs. */
  get busy(): boolean {
    return this.running > 0;
  }

  /** Settles once no group runs (at once if none does). */
  whenIdle(): Promise<void> {
    return this.idle;
  }

  /** Settles once every unit queued so far has settled. */
  async drained(): Promise<void> {
    while (this.running > 0 || this.queue.length > 0) {
      await (this.running > 0 ? this.idle : new Promise((resolve) => setImmediate(resolve)));
    }
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // After the turn's I/O callbacks have queued their clicks; and, after a group, after the
    // statements that waited for it have had their turn (they must not starve behind the next group).
    setImmediate(() => {
      this.scheduled = false;
      this.start();
    });
  }

  private start(): void {
    while (this.running < this.limits.maxGroups && this.queue.length > 0) {
      const units = this.queue.splice(0, this.limits.maxUnits);
      if (this.running++ === 0) this.idle = new Promise<void>((resolve) => (this.markIdle = resolve));
      void this.runGroup(units)
        .catch((error: unknown) => {
          // runGroup settles its units itself; this is only a guard so none is left hanging.
          for (const unit of units) unit.reject(error);
        })
        .finally(() => {
          if (--this.running === 0) this.markIdle();
          if (this.queue.length > 0) this.schedule();
        });
    }
  }
}

/** Settles every unit of a committed group with its own outcome. */
export function settle(units: Unit[], outcomes: Outcome[]): void {
  units.forEach((unit, i) => {
    const outcome = outcomes[i]!;
    if (outcome.ok) unit.resolve(outcome.value);
    else unit.reject(outcome.error);
  });
}

/** Runs `run` after the transactions begun earlier at the same level (see UnitContext.chain). */
export function inTurn<Db, T>(context: UnitContext<Db>, run: () => Promise<T>): Promise<T> {
  const result = context.chain.then(run, run);
  context.chain = result.catch(() => undefined);
  return result;
}
