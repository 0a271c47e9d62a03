import type { SourceLine } from './drafts.js';
import { FENCE, LIST_ENTRY, TASK, indentOf, taskText } from './lineSyntax.js';
import { plainWords } from './plainWords.js';

/**
 * Whether a heading lists the conditions that call for a rollback ("Abort Triggers", "Rollback
 * Triggers", "No-Go criteria"), and why. Such a list is not work to tick: it is what the team
 * watches while the run goes on, shown with a **Declare rollback** button. Front matter
 * (`triggerHeadings`) has the last word per heading, like `rollbackHeadings`. The reason is worded
 * for `deployday lint`.
 */
export interface TriggerHeadingNote {
  line: number;
  title: string;
  /** True: a list of rollback triggers; false: kept as written (items or reference). */
  trigger: boolean;
  reason: string;
}

export type TriggerOverrides = Readonly<Record<string, 'triggers' | 'run'>>;

/** Words that make a heading about conditions, when something about stopping comes before them. */
const CRITERIA = new Set(['criteria', 'criterion', 'conditions', 'signals', 'thresholds']);
/** Single words about stopping: "Abort criteria", "Stop conditions". ("no go" and "roll back" are pairs, below.) */
const STOPPING = new Set(['abort', 'aborting', 'rollback', 'stop', 'halt']);

/**
 * The heading's words, lower case, with "Go/No-Go" (and "go or no go") taken out: those criteria are
 * what must hold to go on, ticked before a gate, not triggers. Words, not regular expressions, so a
 * heading of any length is read in linear time (see lineSyntax.ts on backtracking).
 */
function headingWords(title: string): string[] {
  const words =
    plainWords(title)
      .toLowerCase()
      .match(/[a-z0-9]+/g) ?? [];
  const out: string[] = [];
  for (let i = 0; i < words.length; i += 1) {
    if (words[i] === 'go' && words[i + 1] === 'no' && words[i + 2] === 'go') i += 2;
    else if (words[i] === 'go' && words[i + 1] === 'or' && words[i + 2] === 'no' && words[i + 3] === 'go') i += 3;
    else out.push(words[i]!);
  }
  return out;
}

function overrideFor(title: string, overrides: TriggerOverrides): 'triggers' | 'run' | undefined {
  const key = plainWords(title).trim().toLowerCase();
  for (const [name, value] of Object.entries(overrides)) if (name.trim().toLowerCase() === key) return value;
  return undefined;
}

/**
 * Whether the heading's words name rollback triggers (before any front matter override):
 * "Triggers" anywhere, "trigger" after another word ("Rollback trigger"; "Trigger the deploy" is a
 * step), or criteria/conditions after a word about stopping ("Abort criteria", "No-Go conditions").
 */
export function namesTriggers(title: string): boolean {
  const words = headingWords(title);
  let stopping = false;
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i]!;
    if (word === 'triggers' || (word === 'trigger' && i > 0)) return true;
    if (CRITERIA.has(word) && stopping) return true;
    const pair = `${word} ${words[i + 1] ?? ''}`;
    if (STOPPING.has(word) || pair === 'no go' || pair === 'roll back' || word === 'nogo') stopping = true;
  }
  return false;
}

/**
 * The decision for one heading, or null for a heading that neither names triggers nor is named in
 * the overrides. `within`: the `##` above it is itself a trigger list, so its sections are too.
 * `hasGateOrSignoff`: a heading whose items include a Go/No-Go or a sign-off is work, kept as written.
 */
export function classifyTriggerHeading(
  heading: { title: string; line: number },
  body: { conditions: number; hasGateOrSignoff: boolean },
  overrides: TriggerOverrides,
  within: string | null = null,
): TriggerHeadingNote | null {
  const { title, line } = heading;
  const override = overrideFor(title, overrides);
  if (override !== undefined) {
    const trigger = override === 'triggers' && body.conditions > 0;
    const why = override === 'triggers' && body.conditions === 0 ? ', but it lists no conditions' : '';
    return { line, title, trigger, reason: `front matter \`triggerHeadings\` says "${override}"${why}` };
  }
  const named = namesTriggers(title);
  if (!named && within === null) return null;
  const source = named ? 'names triggers or abort/No-Go criteria' : `under the trigger heading "${within}"`;
  if (body.conditions === 0) return { line, title, trigger: false, reason: `${source}, but lists no conditions: kept as written` };
  if (body.hasGateOrSignoff) return { line, title, trigger: false, reason: `${source}, but holds a Go/No-Go or a sign-off: kept as work to do` };
  return {
    line,
    title,
    trigger: true,
    reason: `${source}: its ${body.conditions === 1 ? 'entry is a condition' : `${body.conditions} entries are conditions`} watched during the run, with a Declare rollback button`,
  };
}

export interface TriggerConditionDraft {
  text: string;
  line: number;
  /** Entries indented under the condition, as written. */
  details: string[];
}

/**
 * The conditions of a trigger heading's body: each outermost list entry (with or without a
 * checkbox) is one condition, deeper entries are its details; other lines are notes.
 */
export function triggerConditions(lines: SourceLine[]): { conditions: TriggerConditionDraft[]; notes: string[] } {
  const conditions: TriggerConditionDraft[] = [];
  const notes: string[] = [];
  const entries = lines.filter((l) => LIST_ENTRY.test(l.text));
  const outer = entries.length === 0 ? 0 : Math.min(...entries.map((l) => indentOf(l.text)));
  let inFence = false;
  for (const source of lines) {
    const { text } = source;
    if (FENCE.test(text)) inFence = !inFence;
    if (inFence || FENCE.test(text)) {
      if (text.trim() !== '') notes.push(text.trim());
      continue;
    }
    const entry = LIST_ENTRY.exec(text);
    if (entry === null) {
      if (text.trim() !== '') notes.push(text.trim());
      continue;
    }
    const task = TASK.exec(text);
    const words = (task === null ? entry[2]! : taskText(task)).trim();
    if (words === '') continue;
    const last = conditions[conditions.length - 1];
    if (indentOf(text) > outer && last !== undefined) last.details.push(words);
    else conditions.push({ text: words, line: source.line, details: [] });
  }
  return { conditions, notes };
}
