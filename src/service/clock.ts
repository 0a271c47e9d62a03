/** The one place time comes from, so tests and rehearsals can run on another clock. */
export interface Clock {
  now(): number;
  /**
   * Real milliseconds until this clock reads `at` (timers run in real time). A clock without it is
   * taken to run at real speed; one that stands still (a rehearsal's, a test's) is never waited on.
   */
  realMsUntil?(at: number): number;
}

export const systemClock: Clock = { now: () => Date.now(), realMsUntil: (at) => at - Date.now() };

/** Real milliseconds until `clock` reads `at` (negative when it is past). */
export const realMsUntil = (clock: Clock, at: number): number => (clock.realMsUntil ? clock.realMsUntil(at) : at - clock.now());

/**
 * A clock that runs `scale` times faster than real time from `epoch` on (virtual time equals
 * real time at `epoch`). Because it is a pure function of real time, two processes given the
 * same epoch agree, so a bot restarted mid-day picks up exactly where the first one was.
 * Set by DEPLOYDAY_CLOCK_SCALE (and DEPLOYDAY_CLOCK_EPOCH, epoch ms) to run a whole deployment
 * day against a test workspace in minutes; never set it in production.
 */
export function acceleratedClock(scale: number, epoch: number): Clock {
  const now = (): number => epoch + (Date.now() - epoch) * scale;
  return { now, realMsUntil: (at) => (at - now()) / scale };
}

export function clockFromEnv(env: NodeJS.ProcessEnv): Clock {
  const scale = Number(env.DEPLOYDAY_CLOCK_SCALE ?? '');
  if (!Number.isFinite(scale) || scale <= 0 || scale === 1) return systemClock;
  const epoch = Number(env.DEPLOYDAY_CLOCK_EPOCH ?? '') || Date.now();
  return acceleratedClock(scale, epoch);
}
