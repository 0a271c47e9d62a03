/** The one place time comes from, so tests and the rehearsal can run on a virtual clock. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
