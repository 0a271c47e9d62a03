import type { Clock } from '../service/clock.js';

/** The rehearsal's clock: it stands still until the rehearsal moves it, and never goes back. */
export class VirtualClock implements Clock {
  constructor(private at: number) {}

  now(): number {
    return this.at;
  }

  /** Moves to `ms`; a moment in the past is ignored, because the services assume time only goes forward. */
  advanceTo(ms: number): void {
    if (ms > this.at) this.at = ms;
  }
}
