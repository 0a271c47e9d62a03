import type { ItemTally } from '../../domain/itemTally.js';

/** "1 done · 3 waived · 0 open" (and "· 5 skipped" after a rollback): never a percentage that hides waivers. */
export function tallyText(t: ItemTally): string {
  const parts = [`${t.done} done`, `${t.waived} waived`, `${t.open} open`];
  if (t.skipped > 0) parts.push(`${t.skipped} skipped by the rollback`);
  return parts.join(' · ');
}
