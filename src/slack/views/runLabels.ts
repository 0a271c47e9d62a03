/** Short words for a run's state and for time relative to now, shared by the overview and the text replies. */
import type { Run } from '../../domain/run.js';

export function runStatusLabel(run: Run): string {
  switch (run.status) {
    case 'active':
      return run.rollbackActive ? '🚨 rollback active' : '🟢 active';
    case 'completed':
      return '✅ completed';
    case 'rolled_back':
      return '↩️ rolled back';
    case 'aborted':
      return '⛔ aborted';
  }
}

/** "in 3 h", "2 days ago", "now": rough on purpose, the Slack date token beside it is exact. */
export function relativeTime(at: number, now: number): string {
  const diff = at - now;
  const minutes = Math.round(Math.abs(diff) / 60_000);
  if (minutes < 1) return 'now';
  let amount: string;
  if (minutes < 60) amount = `${minutes} min`;
  else if (minutes < 48 * 60) amount = `${Math.round(minutes / 60)} h`;
  else amount = `${Math.round(minutes / 1440)} days`;
  return diff > 0 ? `in ${amount}` : `${amount} ago`;
}
