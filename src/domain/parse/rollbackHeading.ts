import { isRollbackTitle } from '../itemClassifier.js';
import { plainWords } from './plainWords.js';

/**
 * Whether a heading that mentions rollback holds its content back until a rollback starts, and
 * why. Preparing for a rollback is not rolling back: "### Rollback Plan" with "Rollback runbook
 * reviewed" is readiness work done in the normal run. Front matter (`rollbackHeadings`) has the
 * last word per heading. The reason is worded for `deployday lint`.
 */
export interface RollbackHeadingNote {
  line: number;
  title: string;
  /** True: held back until a No-Go or `/deploy rollback`; false: an ordinary part of the run. */
  held: boolean;
  reason: string;
}

export type RollbackOverrides = Readonly<Record<string, 'run' | 'rollback'>>;

const PREPARATION = /\b(plan|plans|planning|readiness|ready|prep|preparation|preparations|prepare|prerequisites?|review|rehearsal)\b/i;

/**
 * First words that make an item a step to carry out ("Verify rollback completed"), not a state: verbs
 * that are rarely nouns ("Restore time estimated" starts with a noun, "Revert …" with a step).
 */
const IMPERATIVE =
  /^(verify|confirm|check|ensure|initiate|execute|run|revert|notify|monitor|switch|disable|enable|stop|start|deploy|scale|drain|redeploy|re-deploy|announce|communicate|inform|send|assess|make|perform|apply|remove|delete|create|flip|promote|demote|pause|resume|declare|trigger)\b/i;

/** "Restore time estimated", "Owner for the rollback call named", "Runbook in place". */
export function readsAsOutcome(itemText: string): boolean {
  const plain = plainWords(itemText)
    .trim()
    .replace(/[.!;:]+$/, '');
  if (plain === '' || IMPERATIVE.test(plain)) return false;
  const last = plain.split(/\s+/).pop() ?? '';
  return /^[a-z]+(ed|en)$/i.test(last) || /\b(in place|ready|available|agreed|signed off|on standby|up to date)$/i.test(plain);
}

function overrideFor(title: string, overrides: RollbackOverrides): 'run' | 'rollback' | undefined {
  const key = plainWords(title).trim().toLowerCase();
  for (const [name, value] of Object.entries(overrides)) if (name.trim().toLowerCase() === key) return value;
  return undefined;
}

/**
 * The decision for one heading, or null for a heading that neither mentions rollback nor is named
 * in the overrides. `items`: the heading's own checklist items (markdown); empty for a `##` whose
 * items sit in its sections, which is then decided by its words alone. `numberedSteps`: the body is a
 * numbered list with no checkboxes (parseBody turns it into runnable steps).
 */
export function classifyRollbackHeading(
  heading: { title: string; line: number },
  body: { items: string[]; numberedSteps: boolean },
  overrides: RollbackOverrides,
): RollbackHeadingNote | null {
  const { items, numberedSteps } = body;
  const { title, line } = heading;
  const override = overrideFor(title, overrides);
  if (override !== undefined) {
    return { line, title, held: override === 'rollback', reason: `front matter \`rollbackHeadings\` says "${override}"` };
  }
  if (!isRollbackTitle(title)) return null;
  if (numberedSteps) {
    // Numbered steps without checkboxes are how teams write the procedure itself ("1. Redeploy …").
    return { line, title, held: true, reason: 'numbered steps without checkboxes: a procedure, held until a No-Go or `/deploy rollback`' };
  }
  const prep = PREPARATION.exec(plainWords(title));
  if (prep !== null) {
    return { line, title, held: false, reason: `"${prep[1]}" in the heading: preparation, kept in the normal run` };
  }
  if (items.length > 0 && items.every(readsAsOutcome)) {
    return { line, title, held: false, reason: 'every item reads as an outcome (readiness), kept in the normal run' };
  }
  const why = items.length > 0 ? 'its items are steps to carry out' : 'names rollback, not a preparation';
  return { line, title, held: true, reason: `${why}: held until a No-Go or \`/deploy rollback\`` };
}
