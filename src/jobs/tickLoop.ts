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
  /** No more ticks; resolves once the running tick (if any) has finished. */
  stop(): Promise<void>;
}

export interface TickLoopOptions {
  /** Heartbeat; a heartbeat that finds a tick running is skipped, not queued. Omit for poke-only loops. */
  intervalMs?: number;
  /**
   * Heartbeat on every wall-clock second (…:00.000, …:01.000), for loops whose work is due at
   * wall-clock moments (reminders). A timer to the next second, not node-cron's `* * * * * *`:
   * node-cron formats the time with Intl on every beat, which pulls ICU data into an idle bot and
   * kept 10–14 MiB more resident at load 11–12 (docs/performance.md, memory profile).
   */
  everySecond?: boolean;
  tick: () => Promise<void> | void;
  /** A tick that throws is reported here and the loop goes on. */
  onError: (error: unknown) => void;
}

export function createTickLoop(options: TickLoopOptions): TickLoop {
  let running: Promise<void> | null = null;
  let again = false;
  let started = false;
  let stopped = false;
  let interval: NodeJS.Timeout | null = null;
  let second: NodeJS.Timeout | null = null;
  let poke: NodeJS.Timeout | null = null;
  let pokeAt = Infinity;

  const runGuarded = async (): Promise<void> => {
    try {
      await options.tick();
    } catch (error) {
      options.onError(error);
    }
  };

  function tick(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await runGuarded();
        } while (again && !stopped);
      } finally {
        // Same microtask as the last `again` check: a tick asked for in between cannot be lost.
        running = null;
      }
    })();
    return running;
  }

  return {
    start() {
      if (started || stopped) return;
      started = true;
      if (options.everySecond) {
        const beat = (): void => {
          second = setTimeout(() => {
            if (stopped) return;
            if (!running) void tick();
            beat();
          }, 1_000 - (Date.now() % 1_000));
          second.unref();
        };
        beat();
      }
      if (options.intervalMs === undefined) return;
      interval = setInterval(() => {
        if (!running) void tick();
      }, options.intervalMs);
      interval.unref();
    },
    poke(delayMs = 0) {
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
    },
    tick,
    async stop() {
      stopped = true;
      if (interval) clearInterval(interval);
      if (second) clearTimeout(second);
      if (poke) clearTimeout(poke);
      interval = poke = second = null;
      if (running) await running;
    },
  };
}
