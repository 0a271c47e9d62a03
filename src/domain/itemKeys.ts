import { allItems, type Checklist, type Item } from './checklist.js';
import { stripInlineMarkdown } from './markdownText.js';

/**
 * Stable keys a pipeline uses to name an item or gate (`tests-green`, `canary-go`) instead of the
 * positional id `s3.i1`, which moves whenever someone adds a line above. A key is either written
 * in the checklist (`- [ ] All tests green {#tests-green}`) or derived from the item's words.
 * A key that two items would share names neither: a pipeline must never tick the wrong one.
 */

export const KEY_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const SLUG_MAX = 48;

/** `All tests green {#tests-green}` → text without the marker and key `tests-green`. Scanned in code, not a regex over the line. */
export function splitKeyMarker(md: string): { text: string; key: string | null } {
  const trimmed = md.trimEnd();
  if (!trimmed.endsWith('}')) return { text: md, key: null };
  const open = trimmed.lastIndexOf('{#');
  if (open < 0) return { text: md, key: null };
  const key = trimmed.slice(open + 2, -1);
  if (!KEY_PATTERN.test(key)) return { text: md, key: null };
  return { text: trimmed.slice(0, open).trimEnd(), key };
}

/** "**Deploy** to canary (5%)" → "deploy-to-canary-5". */
export function slugOf(markdown: string): string {
  const words = stripInlineMarkdown(markdown).toLowerCase();
  let out = '';
  for (const ch of words) {
    if (/[a-z0-9]/.test(ch)) out += ch;
    else if (out !== '' && !out.endsWith('-')) out += '-';
    if (out.length >= SLUG_MAX) break;
  }
  while (out.endsWith('-')) out = out.slice(0, -1);
  return out;
}

export interface KeyProblem {
  line: number;
  key: string;
  /** `duplicate`: two explicit markers; `ambiguous`: a derived key shared by several items. */
  kind: 'duplicate' | 'ambiguous';
  lines: number[];
}

export interface ItemKeys {
  /** Usable keys only (in file order), each naming exactly one item. */
  byKey: Map<string, Item>;
  /** Item id → its usable key (absent when ambiguous). */
  keyOf: Map<string, string>;
  /** Explicit keys written more than once, derived keys shared by several items. */
  problems: KeyProblem[];
}

/** The keys of every item of a checklist. Explicit markers win over derived slugs. */
export function itemKeys(checklist: Checklist): ItemKeys {
  const claims = new Map<string, Array<{ item: Item; explicit: boolean }>>();
  for (const item of allItems(checklist)) {
    const explicit = item.key !== undefined;
    const key = item.key ?? slugOf(item.text);
    if (key === '') continue;
    const list = claims.get(key) ?? [];
    list.push({ item, explicit });
    claims.set(key, list);
  }
  const byKey = new Map<string, Item>();
  const keyOf = new Map<string, string>();
  const problems: KeyProblem[] = [];
  for (const [key, list] of claims) {
    const explicit = list.filter((c) => c.explicit);
    // One explicit marker settles a clash with derived slugs: the author named that item.
    const owners = explicit.length === 1 ? explicit : list;
    if (owners.length === 1) {
      byKey.set(key, owners[0]!.item);
      keyOf.set(owners[0]!.item.id, key);
      continue;
    }
    const lines = owners.map((c) => c.item.line);
    problems.push({ key, line: lines[0]!, lines, kind: explicit.length > 1 ? 'duplicate' : 'ambiguous' });
  }
  return { byKey, keyOf, problems };
}

/** The line a lint prints for a key problem. */
export function keyProblemMessage(problem: KeyProblem): string {
  return problem.kind === 'duplicate'
    ? `key {#${problem.key}} is written on more than one item (lines ${problem.lines.join(', ')}); a pipeline could not tell them apart`
    : `items on lines ${problem.lines.join(', ')} all derive the key "${problem.key}"; give each its own {#key} so a pipeline can name it`;
}
