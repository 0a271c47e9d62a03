/**
 * The checklist the benchmarks run: plain tasks only (no gates, sign-offs, timers or rollback
 * phase), so that every click is allowed and every tick or untick is a real state change.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const AREAS = [
  'database',
  'API gateway',
  'billing service',
  'search cluster',
  'mobile backend',
  'web frontend',
  'job queue',
  'CDN config',
  'auth service',
  'notification service',
];
const VERBS = ['Confirm', 'Check', 'Verify', 'Review', 'Record', 'Compare', 'Note'];
const THINGS = [
  'error rate on the dashboard',
  'latest build is tagged',
  'config diff against staging',
  'replica lag',
  'queue depth',
  'feature flag states',
  'alert routing',
  'certificate expiry dates',
  'disk headroom',
  'owner is online',
];

/** Markdown for `items` tasks: phases of 5 sections of 10 items, written as a team would. */
export function benchChecklistMarkdown(items = 150) {
  const lines = ['# Bench Release Day', '', 'A generated checklist for the benchmarks: every item is an ordinary task.', ''];
  let n = 0;
  for (let phase = 0; n < items; phase += 1) {
    lines.push(`## Phase ${phase + 1}: ${['Preparation', 'Rollout', 'Verification', 'Cleanup', 'Follow-up'][phase % 5]}`, '');
    for (let section = 0; section < 5 && n < items; section += 1) {
      lines.push(`### ${AREAS[(phase * 5 + section) % AREAS.length]} checks`, '');
      for (let i = 0; i < 10 && n < items; i += 1, n += 1) {
        lines.push(`- [ ] ${VERBS[n % VERBS.length]} ${THINGS[(n * 3 + phase) % THINGS.length]} (step ${n + 1})`);
      }
      lines.push('');
    }
  }
  return lines.join('\n');
}

/** A temp CHECKLISTS_DIR holding `<name>.md`; `remove()` deletes it. */
export function writeBenchChecklists(name = 'bench-release', items = 150) {
  const dir = mkdtempSync(join(tmpdir(), 'deployday-bench-checklists-'));
  writeFileSync(join(dir, `${name}.md`), benchChecklistMarkdown(items));
  return { dir, name, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
