import { createTickLoop, type TickLoop } from './tickLoop.js';

export interface DatabaseProbeOptions {
  /** Between two probes (default 2 s): often enough to stop claiming well within a lease, cheap for the server. */
  intervalMs?: number;
  /** A probe not answered in this long failed (default 1 s): a partitioned network hangs rather than refuses. */
  timeoutMs?: number;
  /** Failed probes in a row before the database counts as lost (default 3): one slow answer is not an outage. */
  failuresBeforeDown?: number;
}

/** The database as the probe sees it: which engine, and a way to ask it `SELECT 1` (src/store/ping.ts). */
export interface ProbedDatabase {
  engine: 'sqlite' | 'postgres';
  ping(): Promise<unknown>;
}

/** What /healthz says about the database. */
export interface DatabaseStatus {
  engine: 'sqlite' | 'postgres';
  /** False once `failuresBeforeDown` probes in a row failed; true again at the first that answers. */
  up: boolean;
  /** Since the last probe the database answered (ms of real time); 0 on SQLite, which is never probed. */
  lastAnsweredAgoMs: number;
}

interface ProbeLogger {
  info(...msg: unknown[]): void;
  warn(...msg: unknown[]): void;
}

/**
 * Asks the database `SELECT 1` every few seconds, so a replica that has lost it knows: /healthz
 * answers 503 (the load balancer sends clicks elsewhere) and the background loops stop claiming
 * (their leases then expire to the replicas that still reach it). SQLite is a file of this
 * process: nothing to lose on the network, so it is never probed and always up.
 */
export class DatabaseProbe {
  private failures = 0;
  private down = false;
  private lastAnsweredAt: number;
  /** A probe still waiting for its answer: the next one counts as failed instead of queueing behind it. */
  private pending: Promise<unknown> | null = null;
  private readonly loop: TickLoop | null;
  private readonly timeoutMs: number;
  private readonly failuresBeforeDown: number;

  constructor(
    private readonly db: ProbedDatabase,
    private readonly logger: ProbeLogger,
    options: DatabaseProbeOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.timeoutMs = options.timeoutMs ?? 1_000;
    this.failuresBeforeDown = Math.max(1, options.failuresBeforeDown ?? 3);
    // The database was just opened (its migrations ran), so it answered a moment ago.
    this.lastAnsweredAt = now();
    this.loop =
      db.engine === 'sqlite'
        ? null
        : createTickLoop({
            intervalMs: options.intervalMs ?? 2_000,
            tick: () => this.probe().then(() => undefined),
            onError: (error) => logger.warn('database probe failed:', error instanceof Error ? error.message : error),
          });
  }

  get up(): boolean {
    return !this.down;
  }

  /** For the background loops (TickLoopOptions.paused): a replica whose database does not answer claims nothing. */
  readonly paused = (): boolean => this.down;

  status(): DatabaseStatus {
    return { engine: this.db.engine, up: this.up, lastAnsweredAgoMs: this.loop ? this.now() - this.lastAnsweredAt : 0 };
  }

  start(): void {
    this.loop?.start();
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
  }

  /** One probe now; resolves with whether the database answered in time. */
  async probe(): Promise<boolean> {
    const problem = await this.ask();
    if (problem === null) {
      this.failures = 0;
      this.lastAnsweredAt = this.now();
      if (this.down) {
        this.down = false;
        this.logger.info('the database answers again: /healthz is 200 and background work resumes');
      }
      return true;
    }
    this.failures++;
    if (!this.down && this.failures >= this.failuresBeforeDown) {
      this.down = true;
      this.logger.warn(`the database does not answer (${problem}): /healthz answers 503 and background work pauses until it does`);
    }
    return false;
  }

  /** Null when `SELECT 1` answered within the timeout, else why not. */
  private async ask(): Promise<string | null> {
    if (this.pending) return `the previous probe has not been answered after ${this.timeoutMs} ms`;
    const query = this.db.ping();
    const pending = query.then(
      () => null,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    this.pending = pending;
    void pending.finally(() => {
      if (this.pending === pending) this.pending = null;
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no answer to SELECT 1 within ${this.timeoutMs} ms`), this.timeoutMs);
    });
    try {
      return await Promise.race([pending, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}
