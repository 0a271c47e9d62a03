/** The one place time comes from, so tests and rehearsals can run on another clock. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that runs `scale` times faster than real time from `epoch` on (virtual time equals
 * real time at `epoch`). Because it is a pure function of real time, two processes given the
 * same epoch agree, so a bot restarted mid-day picks up exactly where the first one was.
 * Set by DEPLOYDAY_CLOCK_SCALE (and DEPLOYDAY_CLOCK_EPOCH, epoch ms) to run a whole deployment
 * day against a test workspace in minutes; never set it in production.
 */
export function acceleratedClock(scale: number, epoch: number): Clock {
  return { now: () => epoch + (Date.now() - epoch) * scale };
}

export function clockFromEnv(env: NodeJS.ProcessEnv): Clock {
  const scale = Number(env.DEPLOYDAY_CLOCK_SCALE ?? '');
  if (!Number.isFinite(scale) || scale <= 0 || scale === 1) return systemClock;
  const epoch = Number(env.DEPLOYDAY_CLOCK_EPOCH ?? '') || Date.now();
  return acceleratedClock(scale, epoch);
}
