import type { ReferenceSection } from '../checklist.js';
import { plainWords } from './plainWords.js';
import type { SourceLine } from './drafts.js';
import { LIST_ENTRY, indentOf } from './lineSyntax.js';
import type { Block } from './splitBlocks.js';

/** Settings a checklist states in prose rather than front matter: its escalation path and its timezone. */

const TIMEZONE_HINTS: ReadonlyArray<[RegExp, string]> = [
  [/\b(UTC|GMT)\b/, 'UTC'],
  [/\b(EDT|EST|ET)\b/, 'America/New_York'],
  [/\b(PDT|PST|PT)\b/, 'America/Los_Angeles'],
];

/** The list entries of an "Escalation" reference section, in order, when front matter has none. */
export function escalationFromReference(reference: ReferenceSection[], blocks: Block[]): Array<{ name: string }> {
  const ref = reference.find((r) => /escalation/i.test(r.title));
  if (!ref) return [];
  const block = blocks.find((b) => b.heading?.line === ref.line);
  if (!block) return [];
  return block.body
    .map((l) => LIST_ENTRY.exec(l.text))
    .filter((m): m is RegExpExecArray => m !== null && indentOf(m[1]!) === 0)
    .map((m) => ({ name: plainWords(m[2]!) }))
    .filter((level) => level.name !== '');
}

/** The first "UTC"/"EDT"/"PT"-style word in the file, when front matter names no zone. */
export function inferTimezone(lines: SourceLine[]): { zone: string; word: string; line: number } | null {
  for (const source of lines) {
    let best: { zone: string; word: string; index: number } | null = null;
    for (const [re, zone] of TIMEZONE_HINTS) {
      const m = re.exec(source.text);
      if (m && (best === null || m.index < best.index)) best = { zone, word: m[1]!, index: m.index };
    }
    if (best) return { zone: best.zone, word: best.word, line: source.line };
  }
  return null;
}
