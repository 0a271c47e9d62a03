/**
 * pdjs, loaded on the first call to PagerDuty rather than at start: with its node-fetch it is
 * ~2 MiB of heap (docs/performance.md, memory profile) that a bot with paging off, or one that
 * has not paged yet, never needs. Later calls reuse the same module.
 */
let pdjs: Promise<typeof import('@pagerduty/pdjs')> | null = null;

export function loadPdjs(): Promise<typeof import('@pagerduty/pdjs')> {
  pdjs ??= import('@pagerduty/pdjs');
  return pdjs;
}
