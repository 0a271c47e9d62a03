import type { Pager } from '../service/pager.js';

/**
 * Paging on, without PagerDuty, for the rehearsal: the rules decide and queue pages as they would
 * with a routing key, and anything handed to this pager is accepted without leaving the machine.
 * On-call lookups are off: there is nobody to ask.
 */
export function createDryRunPager(): Pager {
  return {
    canPage: true,
    canLookUpOncall: false,
    trigger: async (event) => ({ ok: true, status: 202, dedupKey: event.dedup_key }),
    resolve: async (dedupKey) => ({ ok: true, status: 202, dedupKey }),
    change: async () => ({ ok: true, status: 202, dedupKey: '' }),
    whoIsOnCall: async () => ({ ok: false, error: 'a rehearsal asks nobody who is on call' }),
  };
}
