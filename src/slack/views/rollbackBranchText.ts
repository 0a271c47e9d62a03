/**
 * One line saying that a run has a rollback branch and how big it is, for the overview and
 * `/deploy status` while the branch is held: people should know it exists before they need it.
 */
import type { Checklist } from '../../domain/checklist.js';
import { truncate } from './blockKit.js';
import { checklistTitle } from './checklistMrkdwn.js';

const TITLES_MAX = 200;

/** "↩️ *Rollback branch:* Rollback Procedure — 11 steps, held until a No-Go or `/deploy rollback`", or null. */
export function rollbackBranchLine(checklist: Checklist): string | null {
  const phases = checklist.phases.filter((p) => p.kind === 'rollback');
  if (phases.length === 0) return null;
  const steps = phases.reduce((sum, p) => sum + p.sections.reduce((n, s) => n + s.items.length, 0), 0);
  const titles = truncate(phases.map((p) => checklistTitle(p.title)).join(' · '), TITLES_MAX);
  return `↩️ *Rollback branch:* ${titles} — ${steps === 1 ? '1 step' : `${steps} steps`}, held until a No-Go or \`/deploy rollback\``;
}
