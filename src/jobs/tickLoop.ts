import type { ScheduledTask } from 'node-cron';

/**
 * The one scheduling shape every background job here shares: run `tick` on an interval and
 * when poked, never two at once, and let `stop` wait for the tick that is running. A poke
 * during a tick is not lost: one more tick runs right after it.
 */
export interface TickLoop {
  /** Starts the interval (if one was given); pokes and tick() work before it too. */
  start(): void;
  /** Tick in `delayMs` (default now); an earlier pending poke wins. Cheap, safe inside an ack. */
  poke(delayMs?: number): void;
  /** Ticks now, or after the running tick if one is; resolves when that tick is done. */
  tick(): Promise<void>;
  /** Turns the cron heartbeat on or off (once started; a no-op without `cron`). */
  beat(on: boolean): void;
  /** No more ticks; resolves once the running tick (if any) has finished. */
  stop(): Promise<void>;
}

export interface TickLoopOptions {
  /**
   * Heartbeat; a heartbeat that finds a tick running is skipped, not queued. Omit for poke-only loops.
   * With `cron` too, it beats only while the cron beat is off (beat(false), or offAtStart until beat(true)).
   */
  intervalMs?: number;
  /**
   * Heartbeat as a cron schedule (node-cron, with seconds: `* * * * * *` is every second), for
   * loops whose work is due at wall-clock moments (reminders). node-cron's own notes (a beat skipped
   * while the event loop was busy) go to `log`, never straight to stdout.
   */
  cron?: {
    expression: string;
    name: string;
    log: (message: string) => void;
    /** The beat waits for beat(true) instead of starting with the loop. */
    offAtStart?: boolean;
  };
  tick: () => Promise<void> | void;
  /** A tick that throws is reported here and the loop goes on. */
  onError: (error: unknown) => void;
  /**
   * While this says true, no tick runs (this replica's database does not answer: it claims nothing,
   * and its leases expire to the replicas that still reach it). A tick asked for meanwhile, by a poke
   * or tick(), is not lost: it runs once the pause is over, looked for every `pausedRetryMs`.
   */
  paused?: () => boolean;
  /** Default 1 s. */
  pausedRetryMs?: number;
}

export function createTickLoop(options: TickLoopOptions): TickLoop {
  let running: Promise<void> | null = null;
  let again = false;
  let started = false;
  let stopped = false;
  let interval: NodeJS.Timeout | null = null;
  let cronTask: ScheduledTask | null = null;
  let poke: NodeJS.Timeout | null = null;
  let pokeAt = Infinity;

  const paused = options.paused ?? (() => false);
  const pausedRetryMs = options.pausedRetryMs ?? 1_000;

  const runGuarded = async (): Promise<void> => {
    try {
      await options.tick();
    } catch (error) {
      // A tick in flight when the database went away fails with it. Once the pause says so, the
      // probe has logged the loss once: this is not reported again, and the tick runs after the pause.
      if (paused()) again = true;
      else options.onError(error);
    }
  };

  function tick(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (paused()) {
      tickIn(pausedRetryMs);
      return Promise.resolve();
    }
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await runGuarded();
        } while (again && !stopped && !paused());
        if (again && !stopped) tickIn(pausedRetryMs);
      } finally {
        // Same microtask as the last `again` check: a tick asked for in between cannot be lost.
        running = null;
      }
    })();
    return running;
  }

  /** Tick in `delayMs`; an earlier pending poke wins. */
  function tickIn(delayMs: number): void {
    if (stopped) return;
    const at = Date.now() + Math.max(0, delayMs);
    if (poke && pokeAt <= at) return;
    if (poke) clearTimeout(poke);
    pokeAt = at;
    poke = setTimeout(
      () => {
        poke = null;
        pokeAt = Infinity;
        void tick();
      },
      Math.max(0, delayMs),
    );
    poke.unref();
  }

  let beating = false;
  let loadingCron = false;
  function beat(on: boolean): void {
    if (!options.cron || !started || stopped || on === beating) return;
    beating = on;
    if (!on) {
      void cronTask?.stop();
      return;
    }
    if (cronTask) {
      void cronTask.start();
      return;
    }
    if (loadingCron) return;
    // node-cron is loaded on the first beat, not at start: a bot with no run active never beats,
    // and the module is about half a MiB of an idle bot's memory (issue 14). While it loads (a few
    // ms) pokes still tick.
    loadingCron = true;
    import('node-cron').then(
      ({ schedule }) => {
        loadingCron = false;
        if (stopped) return;
        startCron(schedule);
        // Turned off again while it loaded.
        if (!beating) void cronTask?.stop();
      },
      (error: unknown) => {
        loadingCron = false;
        beating = false;
        options.onError(error);
      },
    );
  }

  function startCron(schedule: typeof import('node-cron').schedule): void {
    if (!options.cron) return;
    const { expression, name, log } = options.cron;
    cronTask = schedule(expression, () => void (running ? undefined : tick()), {
      noOverlap: true,
      name,
      logger: {
        info: log,
        warn: log,
        debug: (m: unknown) => log(String(m)),
        error: (m: unknown, e?: unknown) => log(`${String(m)} ${e instanceof Error ? e.message : ''}`),
      },
    });
  }

  return {
    start() {
      if (started || stopped) return;
      started = true;
      if (options.cron && !options.cron.offAtStart) beat(true);
      if (options.intervalMs === undefined) return;
      interval = setInterval(() => {
        // Beside a cron beat the interval is the slower fallback for while the beat is off.
        if (!running && !beating) void tick();
      }, options.intervalMs);
      interval.unref();
    },
    poke(delayMs = 0) {
      tickIn(delayMs);
    },
    tick,
    beat,
    async stop() {
      stopped = true;
      if (interval) clearInterval(interval);
      if (cronTask) await cronTask.destroy();
      cronTask = null;
      if (poke) clearTimeout(poke);
      interval = poke = null;
      if (running) await running;
    },
  };
}
